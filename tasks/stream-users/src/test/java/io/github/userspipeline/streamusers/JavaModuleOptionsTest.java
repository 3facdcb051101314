package io.github.userspipeline.streamusers;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/** The parent pom's spark.java-module-options, which this JVM was started with, is Spark's own list. */
class JavaModuleOptionsTest {

    @Test
    void testJvmsGetTheOptionsSparkGivesTheJvmsItLaunches() {
        List<String> sparks = List.of(JavaModuleOptions.defaultModuleOptions().split("\\s+"));
        List<String> ours = ManagementFactory.getRuntimeMXBean().getInputArguments();

        assertThat(ours).containsSubsequence(sparks);
    }
}
