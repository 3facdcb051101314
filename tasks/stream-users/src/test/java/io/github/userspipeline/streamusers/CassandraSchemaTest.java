package io.github.userspipeline.streamusers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraSchemaTest {

    @Test
    void theRepositorysSchemaFileIsPackagedAndItsReplicationFilledIn() {
        List<String> statements = CassandraSchema.statements("{'class': 'NetworkTopologyStrategy', 'dc1': 3}");

        assertThat(statements).hasSize(4);
        assertThat(statements.get(0)).isEqualTo("CREATE KEYSPACE IF NOT EXISTS spark_streams\n"
                + "  WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}");
        assertThat(statements).allMatch(statement -> statement.startsWith("CREATE ") && statement.contains("IF NOT EXISTS"))
                .noneMatch(statement -> statement.contains("--") || statement.contains("${"));
        assertThat(String.join("\n", statements)).contains("spark_streams.created_users", "spark_streams.users_by_run",
                "spark_streams.rejected_users");
    }
}
