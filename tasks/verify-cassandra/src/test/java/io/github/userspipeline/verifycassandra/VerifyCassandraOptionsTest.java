package io.github.userspipeline.verifycassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.testsupport.InProcessTask;
import io.github.userspipeline.testsupport.TaskSettings;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad option values are refused like bad options, before Cassandra is asked: exit 2 and the variable named. */
class VerifyCassandraOptionsTest {

    /** Nobody listens there: a value that slipped through fails fast, with exit 1. */
    private static final List<String> VALID = List.of(
            "--run-id=options-test",
            "--verify-expected-digest=1:0123456789abcdef",
            "--cassandra-contact-points=127.0.0.1:1",
            "--cassandra-connect-timeout-seconds=2");

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--cassandra-connect-timeout-seconds=0                      | CASSANDRA_CONNECT_TIMEOUT_SECONDS must be at least 1 s (there is no \"no timeout\"), got 0",
                "--cassandra-request-timeout-seconds=0                      | CASSANDRA_REQUEST_TIMEOUT_SECONDS must be at least 1 s (there is no \"no timeout\"), got 0",
                "--run-id=                                                  | RUN_ID is required in mode run",
                "--verify-grace-seconds=-1                                  | VERIFY_GRACE_SECONDS must be at least 0, got -1",
                "--verify-recount-interval-seconds=0                        | VERIFY_RECOUNT_INTERVAL_SECONDS must be at least 1, got 0",
                "--verify-created-users-read=all                            | VERIFY_CREATED_USERS_READ must be auto, lookups or scan, got \"all\"",
                "--verify-mode=full-count --verify-full-count-splits=0      | VERIFY_FULL_COUNT_SPLITS must be at least 1, got 0",
                "--verify-mode=full-count --verify-full-count-concurrency=0 | VERIFY_FULL_COUNT_CONCURRENCY must be at least 1, got 0",
                "--cassandra-contact-points=127.0.0.1:x                     | CASSANDRA_CONTACT_POINTS must be a comma list of host[:port], got \"127.0.0.1:x\"",
                "--cassandra-contact-points=127.0.0.1:70000                 | CASSANDRA_CONTACT_POINTS must be a comma list of host[:port], got \"127.0.0.1:70000\"",
            })
    void refusesWithExitTwoAndTheReason(String options, String reason) {
        assertThat(InProcessTask.refusal(new VerifyCassandra(), VALID, options.split(" ")))
                .isEqualTo("verify-cassandra failed: " + reason);
    }

    @Test
    void refusesARunIdTheStreamingJobWouldReject() {
        assertThat(InProcessTask.refusal(new VerifyCassandra(), VALID, "--run-id=" + "r".repeat(251)))
                .isEqualTo("verify-cassandra failed: RUN_ID must be 1-250 characters of A-Z a-z 0-9 _ . ~ : + -,"
                        + " got \"" + "r".repeat(100) + "…\"");
    }

    @Test
    void refusesARunWithoutTheExpectedDigest() {
        List<String> withoutDigest = VALID.stream()
                .filter(option -> !option.startsWith("--verify-expected-digest"))
                .toList();

        assertThat(InProcessTask.refusal(new VerifyCassandra(), withoutDigest))
                .isEqualTo(
                        "verify-cassandra failed: VERIFY_EXPECTED_DIGEST (fetch-users' `ids_digest`) is required in mode run");
    }

    /**
     * Its own settings carry its prefix, the others are shared (SettingNames): no other task can read
     * one of its names with another meaning.
     */
    @Test
    void namesItsSettingsSoThatNoOtherTaskCanMeanAnotherThing() {
        assertThat(TaskSettings.outOfScheme(new VerifyCassandra())).isEmpty();
    }
}
