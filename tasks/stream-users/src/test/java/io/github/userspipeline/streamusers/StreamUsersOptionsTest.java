package io.github.userspipeline.streamusers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.testsupport.InProcessTask;
import io.github.userspipeline.testsupport.TaskJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamUsersOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"CASSANDRA_CONNECT_TIMEOUT_SECONDS", "CASSANDRA_REQUEST_TIMEOUT_SECONDS"})
    void refusesAZeroTimeoutWithExitTwoAndTheReason(String variable) {
        String option = "--" + variable.toLowerCase().replace('_', '-') + "=0";

        TaskJar.Run run = InProcessTask.run(new StreamUsers(), "--checkpoint-location=target/options-test",
                // Nobody listens there: a value that slipped through fails fast, with exit 1.
                "--cassandra-contact-points=127.0.0.1:1", option);

        assertThat(run.lastStderrLine())
                .isEqualTo("stream-users failed: " + variable + " must be at least 1 s (there is no \"no timeout\"), got 0");
        assertThat(run.exitCode()).isEqualTo(2);
    }

    @Test
    void theCassandraSettingsNeverPrintThePassword() {
        CassandraSettings settings = TaskMain.configure(new StreamUsers(), "--checkpoint-location=x",
                "--cassandra-username=writer", "--cassandra-password=s3cret-Passw0rd").cassandraSettings();

        assertThat(settings.toString()).doesNotContain("s3cret-Passw0rd")
                .contains("username=writer", "password=(redacted)", "contactPoints=localhost:9042");
        assertThat(settings.password()).as("still there for the connector").isEqualTo("s3cret-Passw0rd");
    }
}
