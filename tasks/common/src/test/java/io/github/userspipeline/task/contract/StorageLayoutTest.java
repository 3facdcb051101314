package io.github.userspipeline.task.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The layout that stream-users writes by and verify-cassandra reads by is the one
 * schema/keyspace.cql and schema/migrations.cql create: the keyspace, the tables and their
 * (run_id, bucket) keys.
 */
class StorageLayoutTest {

    private static final List<String> STATEMENTS = SchemaMigrations.ALL.stream()
            .flatMap(migration -> migration.statements().stream())
            .toList();

    @Test
    void theSchemaCreatesTheLayoutsKeyspaceAndTablesAndNoOthers() {
        assertThat(SchemaMigrations.keyspaceStatement(SchemaMigrations.SINGLE_NODE_REPLICATION))
                .startsWith("CREATE KEYSPACE IF NOT EXISTS " + StorageLayout.KEYSPACE + "\n");
        assertThat(STATEMENTS)
                .filteredOn(statement -> statement.startsWith("CREATE TABLE"))
                .extracting(statement -> statement.substring(0, statement.indexOf(" (")))
                .containsExactlyElementsOf(StorageLayout.TABLES.stream()
                        .map(table -> "CREATE TABLE IF NOT EXISTS " + StorageLayout.qualified(table))
                        .toList());
    }

    @Test
    void theRunTablesArePartitionedByRunAndBucket() {
        assertThat(table(StorageLayout.USERS_BY_RUN))
                .containsPattern("\\bbucket\\s+int,")
                .contains("PRIMARY KEY ((run_id, bucket), id)");
        assertThat(table(StorageLayout.REJECTED_USERS))
                .containsPattern("\\bbucket\\s+int,")
                .contains("PRIMARY KEY ((run_id, bucket), kafka_partition, kafka_offset)");
        assertThat(table(StorageLayout.CREATED_USERS)).containsPattern("\\bid\\s+uuid PRIMARY KEY");
    }

    @Test
    void aUsersBucketIsTheFirstHexDigitOfItsId() {
        for (int digit = 0; digit < StorageLayout.BUCKETS; digit++) {
            UUID id = UUID.fromString(Integer.toHexString(digit) + "577ccfc-a3c6-49d0-bb86-ddca8faf0d11");
            assertThat(StorageLayout.bucketOf(id)).as(id.toString()).isEqualTo(digit);
        }
    }

    @Test
    void everyBucketIsOneThatTheVerifierReads() {
        assertThat(IntStream.range(0, 1000)
                        .map(StorageLayout::bucketOfPartition)
                        .distinct()
                        .sorted()
                        .toArray())
                .isEqualTo(IntStream.range(0, StorageLayout.BUCKETS).toArray());
    }

    private static String table(String name) {
        return STATEMENTS.stream()
                .filter(statement -> statement.contains(StorageLayout.qualified(name) + " ("))
                .findFirst()
                .orElseThrow();
    }
}
