package io.github.userspipeline.verifycassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.task.TaskMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad option values (a timeout of 0, a run id) are refused like bad options: exit 2 and the variable named. */
class VerifyCassandraOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"CONNECT_TIMEOUT_SECONDS", "REQUEST_TIMEOUT_SECONDS"})
    void refusesAZeroTimeout(String variable) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String option = "--" + variable.toLowerCase().replace('_', '-') + "=0";

        int status = TaskMain.execute(new VerifyCassandra(), new String[] {"--run-id=options-test",
                "--expected-digest=1:0123456789abcdef", "--cassandra-contact-points=127.0.0.1:1", option},
                new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true));

        List<String> lines = err.toString(StandardCharsets.UTF_8).strip().lines().toList();
        assertThat(lines.get(lines.size() - 1)).isEqualTo(
                "verify-cassandra failed: " + variable + " must be at least 1 s (there is no \"no timeout\"), got 0");
        assertThat(status).isEqualTo(2);
    }

    @Test
    void refusesARunIdTheStreamingJobWouldReject() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = TaskMain.execute(new VerifyCassandra(), new String[] {"--run-id=" + "r".repeat(251),
                "--expected-digest=1:0123456789abcdef", "--cassandra-contact-points=127.0.0.1:1"},
                new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true));

        List<String> lines = err.toString(StandardCharsets.UTF_8).strip().lines().toList();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("verify-cassandra failed: RUN_ID must be 1-250 characters"
                + " of A-Z a-z 0-9 _ . ~ : + -, got \"" + "r".repeat(100) + "…\"");
        assertThat(status).isEqualTo(2);
    }
}
