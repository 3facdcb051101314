package io.github.userspipeline.streamusers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.task.TaskMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamUsersOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"CASSANDRA_CONNECT_TIMEOUT_SECONDS", "CASSANDRA_REQUEST_TIMEOUT_SECONDS"})
    void refusesAZeroTimeoutWithExitTwoAndTheReason(String variable) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String option = "--" + variable.toLowerCase().replace('_', '-') + "=0";

        int status = TaskMain.execute(new StreamUsers(), new String[] {"--checkpoint-location=target/options-test",
                // Nobody listens there: a value that slipped through fails fast, with exit 1.
                "--cassandra-contact-points=127.0.0.1:1", option},
                new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true));

        List<String> lines = err.toString(StandardCharsets.UTF_8).strip().lines().toList();
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("stream-users failed: " + variable + " must be at least 1 s (there is no \"no timeout\"), got 0");
        assertThat(status).isEqualTo(2);
    }

    @Test
    void theCassandraSettingsNeverPrintThePassword() {
        CassandraSettings settings = StreamUsers.parse("--checkpoint-location=x", "--cassandra-username=writer",
                "--cassandra-password=s3cret-Passw0rd").cassandraSettings();

        assertThat(settings.toString()).doesNotContain("s3cret-Passw0rd")
                .contains("username=writer", "password=(redacted)", "contactPoints=localhost:9042");
        assertThat(settings.password()).as("still there for the connector").isEqualTo("s3cret-Passw0rd");
    }
}
