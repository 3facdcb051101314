package io.github.userspipeline.task.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UsersSchemaTest {

    @Test
    void theRepositorysSchemaFileIsPackagedAndItsReplicationFilledIn() {
        List<String> statements = UsersSchema.statements("{'class': 'NetworkTopologyStrategy', 'dc1': 3}");

        assertThat(statements).hasSize(1 + StorageLayout.TABLES.size());
        assertThat(statements.get(0))
                .isEqualTo("CREATE KEYSPACE IF NOT EXISTS " + StorageLayout.KEYSPACE + "\n"
                        + "  WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}");
        assertThat(statements)
                .allMatch(statement -> statement.startsWith("CREATE ") && statement.contains("IF NOT EXISTS"))
                .noneMatch(statement -> statement.contains("--") || statement.contains("${"));
    }
}
