package io.github.userspipeline.submitspark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.task.TaskMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Timeouts of 0 are refused before anything is submitted: exit 2 and the one-line reason. */
class SubmitSparkOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"TIMEOUT_SECONDS", "MASTER_CONNECT_TIMEOUT_SECONDS"})
    void refusesAZeroTimeout(String variable) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String option = "--" + variable.toLowerCase().replace('_', '-') + "=0";

        int status = TaskMain.execute(new SubmitSpark(), new String[] {"--run-id=options-test",
                // Nobody listens there: a value that slipped through fails fast, with exit 1.
                "--spark-master-url=spark://127.0.0.1:1", option},
                new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true));

        List<String> lines = err.toString(StandardCharsets.UTF_8).strip().lines().toList();
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("submit-spark failed: " + variable + " must be at least 1 s (there is no \"no timeout\"), got 0");
        assertThat(status).isEqualTo(2);
    }
}
