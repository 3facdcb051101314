package io.github.userspipeline.pipelinetests;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.contract.SchemaMigrations;
import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.task.contract.UserRecord;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.RealServers;
import io.github.userspipeline.testsupport.SparkCluster;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.TopicRecords;
import io.github.userspipeline.testsupport.UsersTables;
import io.github.userspipeline.testsupport.UsersTopic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 26's proof: a live pipeline takes a new record field without losing a user. A deployment
 * of the first contract (created_users without {@code cell}, no migration recorded, records of
 * contract version 1 in Kafka) is upgraded to this build: the new job refuses the old schema at its
 * start and writes nothing; migrate-schema applies the migrations once; then the old run's records
 * are all stored, with {@code cell} empty, a new run delivers {@code cell}, and a record of a future
 * contract version is rejected with its reason. Its own Cassandra node: it starts from the old schema.
 */
@ExtendWith(RealServers.class)
@TestMethodOrder(OrderAnnotation.class)
class ContractUpgradeIT {

    private static final Path WORK = Path.of("target", "contract-upgrade-it").toAbsolutePath();
    private static final int USERS = 200;
    private static final String CELL = "cell";
    private static final String SUFFIX = "_" + System.currentTimeMillis();
    /** A run produced by the first contract's fetch-users, still in Kafka at the upgrade. */
    private static final String OLD_RUN = "contract_old" + SUFFIX;

    private static CassandraNode cassandra;

    private final KafkaBroker kafka;
    private final PipelineTasks tasks;

    ContractUpgradeIT(KafkaBroker kafka, SparkCluster spark) {
        this.kafka = kafka;
        this.tasks = new PipelineTasks(kafka, cassandra, spark);
    }

    /** The deployment before the upgrade: the keyspace and migration 1's tables, nothing recorded. */
    @BeforeAll
    static void startTheOldDeployment() throws Exception {
        cassandra = CassandraNode.start(WORK.resolve("cassandra"));
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            tables.session().execute(SchemaMigrations.keyspaceStatement(SchemaMigrations.SINGLE_NODE_REPLICATION));
            SchemaMigrations.ALL.get(0).statements().stream()
                    .filter(statement -> !statement.contains(StorageLayout.SCHEMA_MIGRATIONS))
                    .forEach(tables.session()::execute);
        }
    }

    @AfterAll
    static void stop() {
        cassandra.close();
    }

    @Test
    @Order(1)
    void theNewJobRefusesTheOldSchemaAtItsStartAndTurnsNoUserIntoAReject() throws Exception {
        produceOldRun();

        TaskJar.Run submitted = submit(OLD_RUN);

        assertThat(submitted.exitCode())
                .as("submit-spark: %s", submitted.stderr())
                .isEqualTo(1);
        assertThat(submitted.lastStderrLine())
                .contains("is at migration 0, and this build needs " + SchemaMigrations.LATEST)
                .contains("run migrate-schema first");
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(tables.usersOfRun(OLD_RUN)).isZero();
            assertThat(tables.rejectedReasons(OLD_RUN)).isEmpty();
        }
    }

    @Test
    @Order(2)
    void migrateSchemaAppliesEachMigrationOnce() {
        JsonNode first = migrate();
        assertThat(first.path("from").asInt()).isZero();
        assertThat(first.path("to").asInt()).isEqualTo(SchemaMigrations.LATEST);
        assertThat(first.path("applied")).hasSize(SchemaMigrations.LATEST);

        JsonNode again = migrate();
        assertThat(again.path("from").asInt()).isEqualTo(SchemaMigrations.LATEST);
        assertThat(again.path("applied")).isEmpty();
    }

    @Test
    @Order(3)
    void theOldRunsRecordsAreAllStoredWithTheNewFieldEmpty() throws Exception {
        JsonNode summary = submitted(OLD_RUN);

        assertThat(summary.path("written").asLong()).isEqualTo(USERS);
        assertThat(summary.path("rejected").asLong()).isZero();
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(cells(tables, OLD_RUN)).hasSize(USERS).containsOnlyNulls();
        }
    }

    @Test
    @Order(4)
    void aNewRunDeliversTheNewField() throws Exception {
        String runId = "contract_new" + SUFFIX;
        tasks.fetchUsers(runId, topic(runId), USERS);

        JsonNode summary = submitted(runId);

        assertThat(summary.path("written").asLong()).isEqualTo(USERS);
        assertThat(summary.path("rejected").asLong()).isZero();
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(cells(tables, runId)).hasSize(USERS).doesNotContainNull();
        }
    }

    @Test
    @Order(5)
    void aRecordOfAFutureContractVersionIsRejectedWithItsReasonAndKept() throws Exception {
        String runId = "contract_future" + SUFFIX;
        String fetched = "fetched_" + runId;
        tasks.fetchUsers(runId, fetched, USERS);
        List<JsonNode> records =
                TopicRecords.read(kafka.bootstrapServers(), fetched).values();
        ObjectNode future = ((ObjectNode) records.get(0).deepCopy())
                .put(UserRecord.ID, UUID.randomUUID().toString())
                .put(UserRecord.VERSION_FIELD, UserRecord.VERSION + 1);
        UsersTopic.create(kafka.bootstrapServers(), topic(runId));
        UsersTopic.produce(kafka.bootstrapServers(), topic(runId), List.of(future.toString()));

        JsonNode summary = submitted(runId);

        assertThat(summary.path("written").asLong()).isZero();
        assertThat(summary.path("rejected").asLong()).isOne();
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(tables.rejectedReasons(runId))
                    .singleElement()
                    .asString()
                    .contains(UserRecord.VERSION_FIELD + " is newer than this job's " + UserRecord.VERSION)
                    .endsWith(": " + (UserRecord.VERSION + 1));
        }
    }

    /**
     * The old run as the first contract's fetch-users produced it: this build's records of the run
     * without the fields that came later (cell) and without a contract version.
     */
    private void produceOldRun() throws Exception {
        String fetched = "fetched_" + OLD_RUN;
        tasks.fetchUsers(OLD_RUN, fetched, USERS);
        List<String> oldRecords = TopicRecords.read(kafka.bootstrapServers(), fetched).values().stream()
                .map(record -> ((ObjectNode) record.deepCopy())
                        .without(List.of(CELL, UserRecord.VERSION_FIELD))
                        .toString())
                .toList();
        assertThat(oldRecords).hasSize(USERS).noneMatch(record -> record.contains("\"" + CELL + "\""));
        UsersTopic.create(kafka.bootstrapServers(), topic(OLD_RUN));
        UsersTopic.produce(kafka.bootstrapServers(), topic(OLD_RUN), oldRecords);
    }

    private TaskJar.Run submit(String runId) {
        return PipelineTasks.SUBMIT_SPARK.run(
                tasks.submitEnvironment(runId, topic(runId), WORK.resolve(runId).resolve("checkpoint")),
                Duration.ofMinutes(5));
    }

    private JsonNode submitted(String runId) {
        TaskJar.Run submitted = submit(runId);
        assertThat(submitted.exitCode())
                .as("submit-spark: %s", submitted.stderr())
                .isZero();
        return submitted.summary();
    }

    private JsonNode migrate() {
        TaskJar.Run migrated = PipelineTasks.MIGRATE_SCHEMA.run(tasks.environment("", ""), Duration.ofMinutes(2));
        assertThat(migrated.exitCode())
                .as("migrate-schema: %s", migrated.stderr())
                .isZero();
        return migrated.summary();
    }

    private static String topic(String runId) {
        return "users_" + runId;
    }

    /** The cell column of the run's created_users rows. */
    private static List<String> cells(UsersTables tables, String runId) {
        return tables.idsOfRun(runId).stream()
                .map(id -> tables.session()
                        .execute(
                                "SELECT " + CELL + " FROM " + StorageLayout.qualified(StorageLayout.CREATED_USERS)
                                        + " WHERE id = ?",
                                id)
                        .one())
                .map((Row row) -> row.getString(CELL))
                .toList();
    }
}
