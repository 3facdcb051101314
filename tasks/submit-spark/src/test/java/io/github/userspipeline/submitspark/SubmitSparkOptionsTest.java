package io.github.userspipeline.submitspark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.testsupport.InProcessTask;
import io.github.userspipeline.testsupport.TaskJar;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Timeouts of 0 are refused before anything is submitted: exit 2 and the one-line reason. */
class SubmitSparkOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"TIMEOUT_SECONDS", "MASTER_CONNECT_TIMEOUT_SECONDS"})
    void refusesAZeroTimeout(String variable) {
        String option = "--" + variable.toLowerCase().replace('_', '-') + "=0";

        TaskJar.Run run = InProcessTask.run(new SubmitSpark(), "--run-id=options-test",
                // Nobody listens there: a value that slipped through fails fast, with exit 1.
                "--spark-master-url=spark://127.0.0.1:1", option);

        assertThat(run.lastStderrLine())
                .isEqualTo("submit-spark failed: " + variable + " must be at least 1 s (there is no \"no timeout\"), got 0");
        assertThat(run.exitCode()).isEqualTo(2);
    }
}
