package io.github.userspipeline.migrateschema;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.testsupport.InProcessTask;
import io.github.userspipeline.testsupport.TaskSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Refusals before and at the first contact with Cassandra, with the reason on stderr's last line. */
class MigrateSchemaOptionsTest {

    /** Nobody listens there. */
    private static final List<String> UNREACHABLE =
            List.of("--cassandra-contact-points=127.0.0.1:1", "--cassandra-connect-timeout-seconds=2");

    @Test
    void aBadContactPointIsRefusedWithExitTwo() {
        assertThat(InProcessTask.refusal(new MigrateSchema(), UNREACHABLE, "--cassandra-contact-points=127.0.0.1:x"))
                .isEqualTo("migrate-schema failed: CASSANDRA_CONTACT_POINTS must be a comma list of host[:port],"
                        + " got \"127.0.0.1:x\"");
    }

    @Test
    void anUnreachableCassandraFailsWithExitOneAndTheReason() {
        var run = InProcessTask.run(new MigrateSchema(), UNREACHABLE);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .startsWith("migrate-schema failed: cannot connect to Cassandra at 127.0.0.1:1");
    }

    /** Its settings are all shared ones (SettingNames). */
    @Test
    void namesItsSettingsSoThatNoOtherTaskCanMeanAnotherThing() {
        assertThat(TaskSettings.outOfScheme(new MigrateSchema())).isEmpty();
    }
}
