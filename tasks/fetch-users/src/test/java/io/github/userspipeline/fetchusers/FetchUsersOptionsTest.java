package io.github.userspipeline.fetchusers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.testsupport.InProcessTask;
import io.github.userspipeline.testsupport.TaskSettings;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Option values fetch-users must refuse before it talks to anyone: exit 2 and the one-line reason. */
class FetchUsersOptionsTest {

    /** Nobody listens there: a value that slipped through fails fast, with exit 1. */
    private static final List<String> VALID = List.of(
            "--run-id=options-test",
            "--kafka-timeout-seconds=2",
            "--kafka-bootstrap-servers=127.0.0.1:1",
            "--randomuser-url=http://127.0.0.1:1/");

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // Near 2^31 the page count overflows.
                "--users-count=2147483647                 | USERS_COUNT must be within 1..1000000, got 2147483647",
                "--users-count=1000001                    | USERS_COUNT must be within 1..1000000, got 1000001",
                // A negative limit would silently lift the rate limit, like 0.
                "--randomuser-rate-limit-users=-1         | RANDOMUSER_RATE_LIMIT_USERS must be 0 (no limit) or at least RANDOMUSER_BATCH_SIZE (5000), got -1",
                "--randomuser-request-timeout-seconds=0   | RANDOMUSER_REQUEST_TIMEOUT_SECONDS must be at least 1 s (there is no \"no timeout\"), got 0",
                "--randomuser-give-up-after-seconds=0     | RANDOMUSER_GIVE_UP_AFTER_SECONDS must be at least 1 s (there is no \"no timeout\"), got 0",
                "--kafka-timeout-seconds=0                | KAFKA_TIMEOUT_SECONDS must be at least 1 s (there is no \"no timeout\"), got 0",
                "--randomuser-rate-limit-window-seconds=0 | RANDOMUSER_RATE_LIMIT_WINDOW_SECONDS must be at least 1 s (there is no \"no timeout\"), got 0",
                "--randomuser-max-response-mb=0           | RANDOMUSER_MAX_RESPONSE_MB must be within 1..1024, got 0",
                // A run id the streaming job would reject (Airflow's rule): its users could never be delivered.
                "--run-id=run/1                           | RUN_ID must be 1-250 characters of A-Z a-z 0-9 _ . ~ : + -, got \"run/1\"",
                "--run-id=run;1                           | RUN_ID must be 1-250 characters of A-Z a-z 0-9 _ . ~ : + -, got \"run;1\"",
            })
    void refusesWithExitTwoAndTheReason(String option, String reason) {
        assertThat(InProcessTask.refusal(new FetchUsers(), VALID, option)).isEqualTo("fetch-users failed: " + reason);
    }

    /**
     * Its own settings carry its prefix, the others are shared (SettingNames): no other task can read
     * one of its names with another meaning.
     */
    @Test
    void namesItsSettingsSoThatNoOtherTaskCanMeanAnotherThing() {
        assertThat(TaskSettings.outOfScheme(new FetchUsers())).isEmpty();
    }
}
