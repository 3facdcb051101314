package io.github.userspipeline.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ElapsedTest {

    @Test
    void secondsKeepTheMillisecondsAndDropTheRest() {
        assertThat(Elapsed.seconds(Duration.ofMillis(1234).plusNanos(999_999))).isEqualTo(1.234);
    }

    @Test
    void secondsSinceAStartInThePast() {
        assertThat(Elapsed.secondsSince(Instant.now().minusSeconds(3))).isBetween(3.0, 60.0);
    }

    @Test
    void theProcessStartedShortlyBeforeItsJvm() {
        Instant jvmStarted =
                Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        // The JVM's own start comes after its process's (by milliseconds), give or take a clock tick.
        assertThat(Elapsed.processStarted()).isBetween(jvmStarted.minusSeconds(30), jvmStarted.plusMillis(20));
    }
}
