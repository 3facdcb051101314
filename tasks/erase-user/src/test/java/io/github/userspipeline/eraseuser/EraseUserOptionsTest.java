package io.github.userspipeline.eraseuser;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.testsupport.InProcessTask;
import io.github.userspipeline.testsupport.TaskSettings;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad option values are refused before Cassandra is asked: exit 2 and the variable named. */
class EraseUserOptionsTest {

    /** Nobody listens there: a value that slipped through fails fast, with exit 1. */
    private static final List<String> VALID = List.of(
            "--erase-user-id=6577ccfc-a3c6-49d0-bb86-ddca8faf0d11",
            "--cassandra-contact-points=127.0.0.1:1",
            "--cassandra-connect-timeout-seconds=2");

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--erase-user-id=someone@example.com      | Invalid value for option '--erase-user-id': cannot convert 'someone@example.com' to UUID (java.lang.IllegalArgumentException: Invalid UUID string: someone@example.com)",
                "--cassandra-contact-points=127.0.0.1:x   | CASSANDRA_CONTACT_POINTS must be a comma list of host[:port], got \"127.0.0.1:x\"",
            })
    void refusesWithExitTwoAndTheReason(String option, String reason) {
        assertThat(InProcessTask.refusal(new EraseUser(), VALID, option)).isEqualTo("erase-user failed: " + reason);
    }

    @Test
    void anUnreachableCassandraFailsWithExitOneAndTheReason() {
        var run = InProcessTask.run(new EraseUser(), VALID);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine()).startsWith("erase-user failed: cannot connect to Cassandra at 127.0.0.1:1");
    }

    /** Its own settings carry its prefix, the others are shared (SettingNames). */
    @Test
    void namesItsSettingsSoThatNoOtherTaskCanMeanAnotherThing() {
        assertThat(TaskSettings.outOfScheme(new EraseUser())).isEmpty();
    }
}
