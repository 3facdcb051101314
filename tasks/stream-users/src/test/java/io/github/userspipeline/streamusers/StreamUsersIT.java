package io.github.userspipeline.streamusers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.contract.SchemaMigrations;
import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.FreePort;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.RealServers;
import io.github.userspipeline.testsupport.UsersTables;
import io.github.userspipeline.testsupport.UsersTopic;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The job on Spark local mode (one session shared by the tests) against the real Kafka broker
 * and the real Cassandra node: what lands in each table, replays, TTL, both trigger modes and an
 * unreachable Cassandra.
 */
@ExtendWith(RealServers.class)
class StreamUsersIT {

    private final KafkaBroker kafka;
    private final CassandraNode cassandra;
    private String runId;
    private Map<String, String> settings;

    StreamUsersIT(KafkaBroker kafka, CassandraNode cassandra) {
        this.kafka = kafka;
        this.cassandra = cassandra;
    }

    /** Each test: its own topic, checkpoint and run id, so tests share the servers but not data. */
    @BeforeEach
    void newTopic(TestInfo test) throws Exception {
        runId = test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
        UsersTopic.create(kafka.bootstrapServers(), runId);
        settings = JobSettings.forServers(kafka, cassandra, runId, Path.of("target", "checkpoints", runId));
        settings.put("RUN_ID", runId);
    }

    private List<String> produceValid(int count, long seed) throws Exception {
        List<String> values = ContractUsers.valid(runId, count, seed).stream()
                .map(ObjectNode::toString)
                .toList();
        UsersTopic.produce(kafka.bootstrapServers(), runId, values);
        return values;
    }

    private StreamUsers.Summary runJob() throws Exception {
        StreamUsers job = JobSettings.job(settings);
        job.prepareCassandra();
        return job.stream(LocalSpark.session());
    }

    private static List<UUID> ids(List<String> values) {
        return values.stream().map(ContractUsers::id).toList();
    }

    @Test
    void validUsersAreWrittenAndInvalidOnesRejectedWithTheirReasons() throws Exception {
        List<String> valid = produceValid(300, 1);
        List<ContractUsers.Invalid> invalid = ContractUsers.invalid(runId);
        UsersTopic.produce(
                kafka.bootstrapServers(),
                runId,
                invalid.stream().map(ContractUsers.Invalid::value).toList());

        StreamUsers.Summary summary = runJob();

        assertThat(summary.written()).isEqualTo(300);
        assertThat(summary.rejected()).isEqualTo(invalid.size());
        assertThat(summary.duplicates()).isZero();
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(tables.usersAmong(ids(valid))).isEqualTo(300);
            assertThat(tables.usersOfRun(runId)).isEqualTo(300);
            assertThat(tables.rowsOutsideTheLayout(runId))
                    .as("rows where verify-cassandra would not look")
                    .isEmpty();
            List<String> reasons = tables.rejectedReasons(runId);
            assertThat(reasons).hasSize(invalid.size());
            invalid.forEach(record ->
                    assertThat(reasons).anySatisfy(reason -> assertThat(reason).contains(record.reason())));
        }
    }

    @Test
    void aCheckpointOfAnEarlierIncarnationOfTheTopicIsRefusedWithTheFix() throws Exception {
        produceValid(60, 10);
        assertThat(runJob().written()).isEqualTo(60);
        // The topic deleted and created again (down -v took Kafka's volume, not the checkpoint's):
        // its offsets start again below the checkpoint's.
        UsersTopic.recreate(kafka.bootstrapServers(), runId);
        produceValid(10, 11);

        assertThatThrownBy(this::runJob)
                .isInstanceOf(TaskFailure.class)
                .hasMessageStartingWith("the checkpoint " + settings.get("STREAM_CHECKPOINT_LOCATION")
                        + " belongs to an earlier topic " + runId + " (topic id ")
                .hasMessageContaining("start a new checkpoint")
                .hasMessageNotContaining("failOnDataLoss");
    }

    @Test
    void theSameUsersProducedTwiceAreStillOneRowEachTheLatestCopy() throws Exception {
        List<String> valid = produceValid(200, 2);
        UsersTopic.produce(
                kafka.bootstrapServers(),
                runId,
                ContractUsers.valid(runId, 200, 2).stream()
                        .map(user -> user.put("first_name", "Later").toString())
                        .toList());

        StreamUsers.Summary first = runJob();
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(first.written()).isEqualTo(200);
            assertThat(first.duplicates()).isEqualTo(200);
            assertThat(tables.user(ids(valid).get(0)).getString("first_name"))
                    .as("the later copy")
                    .isEqualTo("Later");

            produceValid(200, 2);
            StreamUsers.Summary replay = runJob();

            assertThat(replay.written()).isEqualTo(200);
            assertThat(tables.usersAmong(ids(valid))).isEqualTo(200);
            assertThat(tables.usersOfRun(runId)).isEqualTo(200);
            assertThat(tables.user(ids(valid).get(0)).getString("first_name")).isNotEqualTo("Later");
        }
    }

    /**
     * Records of contract version 1, produced before cell was added, are read on: one without a
     * stored row gets no cell, and one of a user stored with a cell leaves that cell as it was (the
     * insert leaves the column unset, it does not write null).
     */
    @Test
    void aVersion1RecordIsStoredWithoutCellAndLeavesAStoredCellAsItWas() throws Exception {
        ObjectNode current = ContractUsers.valid(runId, 1, 12).get(0);
        ObjectNode old =
                ContractUsers.ofVersion(ContractUsers.valid(runId, 1, 13).get(0), 1);
        UsersTopic.produce(kafka.bootstrapServers(), runId, List.of(current.toString(), old.toString()));

        StreamUsers.Summary first = runJob();
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(first.written()).isEqualTo(2);
            assertThat(first.rejected()).isZero();
            assertThat(cell(tables, old)).isNull();
            assertThat(cell(tables, current)).isEqualTo(current.get("cell").asText());

            UsersTopic.produce(
                    kafka.bootstrapServers(),
                    runId,
                    List.of(ContractUsers.ofVersion(current, 1)
                            .put("first_name", "Later")
                            .toString()));
            StreamUsers.Summary later = runJob();

            assertThat(later.rejected()).isZero();
            UUID id = ContractUsers.id(current.toString());
            assertThat(tables.user(id).getString("first_name")).isEqualTo("Later");
            assertThat(cell(tables, current)).isEqualTo(current.get("cell").asText());
        }
    }

    private static String cell(UsersTables tables, ObjectNode user) {
        return tables.session()
                .execute(
                        "SELECT cell FROM " + StorageLayout.qualified(StorageLayout.CREATED_USERS) + " WHERE id = ?",
                        ContractUsers.id(user.toString()))
                .one()
                .getString("cell");
    }

    /**
     * What fetch-users' attempts leave: committed runs, an aborted attempt between them (its
     * records and the transaction markers are gaps in the offsets), and an attempt killed with its
     * transaction still open. The job writes the committed users only, and the gaps are no data loss.
     */
    @Test
    void onlyCommittedTransactionsAreWritten() throws Exception {
        List<String> committed = new ArrayList<>();
        List<String> uncommitted = new ArrayList<>();
        try (KafkaProducer<String, String> first = UsersTopic.transactional(kafka.bootstrapServers(), runId + "-1")) {
            committed.addAll(sendUsers(first, 100, 10));
            first.commitTransaction();
        }
        try (KafkaProducer<String, String> aborted = UsersTopic.transactional(kafka.bootstrapServers(), runId + "-2")) {
            uncommitted.addAll(sendUsers(aborted, 50, 11));
            aborted.abortTransaction();
        }
        try (KafkaProducer<String, String> second = UsersTopic.transactional(kafka.bootstrapServers(), runId + "-3")) {
            committed.addAll(sendUsers(second, 100, 12));
            second.commitTransaction();
        }
        StreamUsers.Summary summary;
        try (KafkaProducer<String, String> killed = UsersTopic.transactional(kafka.bootstrapServers(), runId + "-4")) {
            uncommitted.addAll(sendUsers(killed, 30, 13));
            // Open while the job runs, as a killed attempt's transaction stays until it times out.
            summary = runJob();
        }

        assertThat(summary.written()).isEqualTo(200);
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(tables.usersAmong(ids(committed))).isEqualTo(200);
            assertThat(tables.usersAmong(ids(uncommitted))).isZero();
        }
    }

    private List<String> sendUsers(KafkaProducer<String, String> producer, int count, long seed) throws Exception {
        List<String> values = ContractUsers.valid(runId, count, seed).stream()
                .map(ObjectNode::toString)
                .toList();
        UsersTopic.send(producer, runId, values);
        return values;
    }

    /**
     * A parseable record whose run_id is too long for a partition key (64 KB) failed every write of
     * its batch, on every replay: no later run got through.
     */
    @Test
    void aRunIdTooLongForAKeyIsRejectedAndTheNextRunStillSucceeds() throws Exception {
        String nextRun = runId + "-next";
        String poison =
                ContractUsers.valid(nextRun + "x".repeat(70_000), 1, 6).get(0).toString();

        List<String> reasons = nextRunSucceedsAfter(nextRun, poison);

        assertThat(reasons)
                .singleElement()
                .asString()
                .startsWith("run_id is not a run id (1-250 characters of A-Z a-z 0-9 _ . ~ : + -): " + nextRun)
                .endsWith("…")
                .hasSizeLessThan(200);
    }

    /**
     * A user whose own write Cassandra refuses (here: 17 MB, over its 16 MiB CQL message limit; Kafka
     * takes it, its limit is on the compressed batch) failed its batch on every replay.
     */
    @Test
    void aUserCassandraRefusesIsRejectedNotIndexedAndTheNextRunStillSucceeds() throws Exception {
        String nextRun = runId + "-next";
        ObjectNode refused = ContractUsers.valid(nextRun, 1, 7).get(0);
        refused.remove("address");
        // Last, so that run_id is in the first 1,000,000 characters that rejected_users keeps.
        String poison = refused.put("address", "a".repeat(17 * 1024 * 1024)).toString();

        List<String> reasons = nextRunSucceedsAfter(nextRun, poison);

        assertThat(reasons)
                .singleElement()
                .asString()
                .startsWith("Cassandra refused the write: ")
                .contains("exceeds allowed maximum")
                .endsWith("; raw value cut to its first 1000000 characters, its length: " + poison.length())
                .hasSizeLessThan(1000);
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(tables.usersAmong(ids(List.of(poison))))
                    .as("the refused user")
                    .isZero();
        }
    }

    /**
     * Run 1, then {@code poison} and run {@code nextRun}'s users: run 2 must write and index exactly
     * its users and file the poison record in rejected_users. Returns the rejection reasons of
     * records that mention {@code nextRun}.
     */
    private List<String> nextRunSucceedsAfter(String nextRun, String poison) throws Exception {
        produceValid(100, 8);
        assertThat(runJob().written()).isEqualTo(100);

        List<String> nextUsers = ContractUsers.valid(nextRun, 150, 9).stream()
                .map(ObjectNode::toString)
                .toList();
        UsersTopic.produce(kafka.bootstrapServers(), runId, List.of(poison));
        UsersTopic.produce(kafka.bootstrapServers(), runId, nextUsers);
        StreamUsers.Summary next = runJob();

        assertThat(next.written()).isEqualTo(150);
        assertThat(next.rejected()).isEqualTo(1);
        assertThat(next.duplicates()).isZero();
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(tables.usersOfRun(runId)).isEqualTo(100);
            assertThat(tables.usersOfRun(nextRun)).isEqualTo(150);
            assertThat(tables.usersAmong(ids(nextUsers))).isEqualTo(150);
            return tables.rejectedReasons(nextRun);
        }
    }

    /** Three replicas on one node: LOCAL_ONE writes would succeed, LOCAL_QUORUM ones cannot. */
    @Test
    void writesAtLocalQuorum() throws Exception {
        produceValid(5, 12);

        try (UsersTables tables = UsersTables.withSchema(cassandra);
                AutoCloseable threeReplicas = tables.replicatedTo(3)) {
            assertThatThrownBy(this::runJob)
                    .isInstanceOf(TaskFailure.class)
                    .hasStackTraceContaining(UsersTables.NOT_ENOUGH_REPLICAS);
        }
    }

    @Test
    void rowsGetTheConfiguredTimeToLive() throws Exception {
        settings.put("CASSANDRA_TTL_SECONDS", "3600");
        List<String> valid = produceValid(5, 3);

        runJob();

        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(tables.user(ids(valid).get(0)).getInt("ttl")).isBetween(3000, 3600);
        }
    }

    @Test
    void processingTimeModeKeepsWritingWhatArrivesUntilStopped() throws Exception {
        settings.put("STREAM_TRIGGER", "processing-time");
        settings.put("STREAM_TRIGGER_INTERVAL", "1 second");
        StreamUsers job = JobSettings.job(settings);
        job.prepareCassandra();
        MicroBatchWriter writer = new MicroBatchWriter(LocalSpark.session(), job.cassandraWriteSettings());
        StreamingQuery query = UsersQuery.start(LocalSpark.session(), job.streamSettings(), writer);
        try {
            List<String> arrivals = new ArrayList<>(produceValid(20, 4));
            awaitWritten(writer, 20);
            arrivals.addAll(produceValid(30, 5));
            awaitWritten(writer, 50);
            assertThat(query.isActive()).isTrue();
            try (UsersTables tables = UsersTables.connect(cassandra)) {
                assertThat(tables.usersAmong(ids(arrivals))).isEqualTo(50);
            }
        } finally {
            query.stop();
        }
    }

    /** The job creates and alters nothing: a schema without its latest migration stops it before Spark starts. */
    @Test
    void aSchemaBehindTheJobsContractFailsItAtStartWithTheReason() {
        StreamUsers job = JobSettings.job(settings);
        String migrations = StorageLayout.qualified(StorageLayout.SCHEMA_MIGRATIONS);
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            tables.session().execute("DELETE FROM " + migrations + " WHERE version = ?", SchemaMigrations.LATEST);
            try {
                assertThatThrownBy(job::prepareCassandra)
                        .isInstanceOf(TaskFailure.class)
                        .hasMessageContaining("is at migration " + (SchemaMigrations.LATEST - 1)
                                + ", and this build needs " + SchemaMigrations.LATEST)
                        .hasMessageContaining("run migrate-schema first");
            } finally {
                SchemaMigrations.apply(tables.session(), migration -> {});
            }
        }
        job.prepareCassandra();
    }

    @Test
    void anUnreachableCassandraFailsTheJobAtOnceWithTheReason() {
        String nobody = "127.0.0.1:" + FreePort.next();
        settings.put("CASSANDRA_CONTACT_POINTS", nobody);
        settings.put("CASSANDRA_CONNECT_TIMEOUT_SECONDS", "2");
        StreamUsers job = JobSettings.job(settings);
        Instant started = Instant.now();

        assertThatThrownBy(job::prepareCassandra)
                .isInstanceOf(TaskFailure.class)
                .hasMessage("cannot use Cassandra at " + nobody)
                .cause()
                .hasMessageContaining("Could not reach any contact point");
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(30));
    }

    private static void awaitWritten(MicroBatchWriter writer, long written) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (writer.totals().written() < written) {
            assertThat(Instant.now())
                    .as("waiting for %d users to be written", written)
                    .isBefore(deadline);
            Thread.sleep(200);
        }
    }
}
