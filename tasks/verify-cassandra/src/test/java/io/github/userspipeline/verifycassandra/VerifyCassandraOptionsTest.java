package io.github.userspipeline.verifycassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.testsupport.InProcessTask;
import io.github.userspipeline.testsupport.TaskJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad option values (a timeout of 0, a run id) are refused like bad options: exit 2 and the variable named. */
class VerifyCassandraOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"CONNECT_TIMEOUT_SECONDS", "REQUEST_TIMEOUT_SECONDS"})
    void refusesAZeroTimeout(String variable) {
        String option = "--" + variable.toLowerCase().replace('_', '-') + "=0";

        TaskJar.Run run = InProcessTask.run(new VerifyCassandra(), "--run-id=options-test",
                "--expected-digest=1:0123456789abcdef", "--cassandra-contact-points=127.0.0.1:1", option);

        assertThat(run.lastStderrLine()).isEqualTo(
                "verify-cassandra failed: " + variable + " must be at least 1 s (there is no \"no timeout\"), got 0");
        assertThat(run.exitCode()).isEqualTo(2);
    }

    @Test
    void refusesARunIdTheStreamingJobWouldReject() {
        TaskJar.Run run = InProcessTask.run(new VerifyCassandra(), "--run-id=" + "r".repeat(251),
                "--expected-digest=1:0123456789abcdef", "--cassandra-contact-points=127.0.0.1:1");

        assertThat(run.lastStderrLine()).isEqualTo("verify-cassandra failed: RUN_ID must be 1-250 characters"
                + " of A-Z a-z 0-9 _ . ~ : + -, got \"" + "r".repeat(100) + "…\"");
        assertThat(run.exitCode()).isEqualTo(2);
    }
}
