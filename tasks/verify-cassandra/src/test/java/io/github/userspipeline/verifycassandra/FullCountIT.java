package io.github.userspipeline.verifycassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.RealServers;
import io.github.userspipeline.testsupport.TaskJar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The operators' whole-table count, run as the real jar against a real Cassandra node. */
@ExtendWith(RealServers.class)
class FullCountIT {

    private static final TaskJar JAR = new TaskJar(Path.of("target", "verify-cassandra.jar"));
    private static final int CREATED_USERS = 20_000;
    /** 25 runs of 400: partition keys of two columns, spread over the whole ring. */
    private static final int RUNS = 25;

    private static final int USERS_PER_RUN = 400;

    private static TestCassandra cassandra;

    @BeforeAll
    static void fillTables(CassandraNode node) {
        cassandra = TestCassandra.withSchema(node);
        cassandra.truncate("created_users");
        cassandra.truncate("users_by_run");
        cassandra.insertCreatedUsers(TestCassandra.randomIds(CREATED_USERS), "full-count");
        for (int run = 0; run < RUNS; run++) {
            cassandra.insertUsersByRun("full-count-" + run, TestCassandra.randomIds(USERS_PER_RUN));
        }
    }

    @AfterAll
    static void disconnect() {
        cassandra.close();
    }

    @ParameterizedTest(name = "{0} in {1} ranges")
    @CsvSource({"created_users, 1", "created_users, 7", "created_users, 64", "users_by_run, 64"})
    void countsEveryRowExactlyOnce(String table, int splits) {
        Map<String, String> environment = new HashMap<>(cassandra.environment());
        environment.putAll(Map.of(
                "VERIFY_MODE",
                "full-count",
                "VERIFY_FULL_COUNT_TABLE",
                table,
                "VERIFY_FULL_COUNT_SPLITS",
                String.valueOf(splits)));

        TaskJar.Run run = JAR.run(environment, Duration.ofSeconds(120));

        assertThat(run.exitCode()).as(run.stderr().toString()).isZero();
        assertThat(run.summary().get("table").asText()).isEqualTo(StorageLayout.qualified(table));
        assertThat(run.summary().get("count").asLong())
                .isEqualTo(table.equals("created_users") ? CREATED_USERS : RUNS * USERS_PER_RUN);
        assertThat(run.summary().get("ranges").asInt()).isEqualTo(splits);
    }
}
