package io.github.userspipeline.streamusers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.task.StreamUsersEnvironment;
import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.testsupport.InProcessTask;
import io.github.userspipeline.testsupport.TaskSettings;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Option values the job must refuse before it starts Spark: exit 2 and the one-line reason (which
 * submit-spark relays, failing on the driver's non-zero exit).
 */
class StreamUsersOptionsTest {

    /** Nobody listens there: a value that slipped through fails fast, with exit 1. */
    private static final List<String> VALID =
            List.of("--stream-checkpoint-location=target/options-test", "--cassandra-contact-points=127.0.0.1:1");

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--stream-trigger=continuous            | STREAM_TRIGGER must be available-now or processing-time, got \"continuous\"",
                "--stream-checkpoint-location=          | STREAM_CHECKPOINT_LOCATION must not be blank",
                "--cassandra-writes-in-flight=0         | CASSANDRA_WRITES_IN_FLIGHT must be at least 1, got 0",
                "--cassandra-batch-rows=0               | CASSANDRA_BATCH_ROWS must be at least 1, got 0",
                // Cassandra refuses a TTL over 20 years: every write would fail.
                "--cassandra-ttl-seconds=-1             | CASSANDRA_TTL_SECONDS must be within 0..630720000, got -1",
                "--cassandra-ttl-seconds=630720001      | CASSANDRA_TTL_SECONDS must be within 0..630720000, got 630720001",
                "--cassandra-consistency=QUORUMM        | CASSANDRA_CONSISTENCY must be a consistency level such as LOCAL_QUORUM, got \"QUORUMM\"",
                "--cassandra-connect-timeout-seconds=0  | CASSANDRA_CONNECT_TIMEOUT_SECONDS must be at least 1 s (there is no \"no timeout\"), got 0",
                "--cassandra-request-timeout-seconds=0  | CASSANDRA_REQUEST_TIMEOUT_SECONDS must be at least 1 s (there is no \"no timeout\"), got 0",
                "--cassandra-contact-points=127.0.0.1:x | CASSANDRA_CONTACT_POINTS must be a comma list of host[:port], got \"127.0.0.1:x\"",
            })
    void refusesWithExitTwoAndTheReason(String option, String reason) {
        assertThat(InProcessTask.refusal(new StreamUsers(), VALID, option)).isEqualTo("stream-users failed: " + reason);
    }

    /** A rebuild reads no checkpoint (none is given here): it needs the run, its digest, and a range that is one. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--stream-rebuild-run-id=run 1;--stream-rebuild-expected-digest=3:0123456789abcdef | STREAM_REBUILD_RUN_ID must be 1-250 characters of A-Z a-z 0-9 _ . ~ : + -, got \"run 1\"",
                "--stream-rebuild-run-id=run_1 | STREAM_REBUILD_EXPECTED_DIGEST must be set for a rebuild",
                "--stream-rebuild-run-id=run_1;--stream-rebuild-expected-digest=3:0123456789abcdef;--stream-rebuild-from=2026-12-06T10:00:00Z;--stream-rebuild-until=2026-12-06T09:00:00Z | STREAM_REBUILD_FROM must be before STREAM_REBUILD_UNTIL, got 2026-12-06T10:00:00Z and 2026-12-06T09:00:00Z",
            })
    void refusesARebuildWithoutWhatItChecks(String options, String reason) {
        List<String> noCheckpoint = List.of("--cassandra-contact-points=127.0.0.1:1");
        assertThat(InProcessTask.refusal(new StreamUsers(), noCheckpoint, options.split(";")))
                .isEqualTo("stream-users failed: " + reason);
    }

    @Test
    void theCassandraSettingsNeverPrintThePassword() {
        CassandraWriteSettings settings = TaskMain.configure(
                        new StreamUsers(),
                        "--stream-checkpoint-location=x",
                        "--cassandra-username=writer",
                        "--cassandra-password=s3cret-Passw0rd")
                .cassandraWriteSettings();

        assertThat(settings.toString())
                .doesNotContain("s3cret-Passw0rd")
                .contains("user writer", "localhost:9042", "ttlSeconds=0");
        assertThat(settings.connection().password())
                .as("still there for the connector")
                .isEqualTo("s3cret-Passw0rd");
    }

    /**
     * Its own settings carry its prefix, the others are shared (SettingNames): no other task can read
     * one of its names with another meaning.
     */
    @Test
    void namesItsSettingsSoThatNoOtherTaskCanMeanAnotherThing() {
        assertThat(TaskSettings.outOfScheme(new StreamUsers())).isEmpty();
    }

    /** submit-spark forwards StreamUsersEnvironment's variables only: the job must read no others, and need them all. */
    @Test
    void readsExactlyTheVariablesSubmitSparkForwards() {
        assertThat(TaskSettings.names(new StreamUsers()))
                .containsExactlyInAnyOrderElementsOf(StreamUsersEnvironment.NAMES);
    }
}
