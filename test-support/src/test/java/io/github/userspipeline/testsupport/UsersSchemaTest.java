package io.github.userspipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UsersSchemaTest {

    @Test
    void readsTheStatementsOfTheSchemaFileWithTheTestReplication() {
        List<String> statements = UsersSchema.statements();

        assertThat(statements.get(0))
                .startsWith("CREATE KEYSPACE IF NOT EXISTS " + UsersSchema.KEYSPACE)
                .endsWith("WITH replication = " + UsersSchema.TEST_REPLICATION);
        assertThat(statements).anyMatch(statement -> statement.contains("spark_streams.users_by_run"))
                .anyMatch(statement -> statement.contains("spark_streams.rejected_users"))
                .noneMatch(statement -> statement.contains("--") || statement.contains("${"));
    }
}
