package io.github.userspipeline.streamusers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.Elapsed;
import io.github.userspipeline.task.contract.SchemaMigrations;
import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.Figure;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.SparkCluster;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.UsersTables;
import io.github.userspipeline.testsupport.UsersTopic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code spark_rows_per_s}: the packaged job, submitted with spark-submit to a real standalone
 * Master + Worker (2 cores), moving 200,000 users from Kafka to Cassandra with its default
 * settings, against raw asynchronous driver inserts of the rows the job writes for them
 * ({@link RawInserts}: created_users and users_by_run) into the same node, in the same run (after a
 * warm-up, so that neither meets a cold server). {@code connector_sink_rows_per_s}: the
 * connector's standard streaming sink ({@link ConnectorSinkJob}) moving the same topic into a
 * table of created_users' schema, submitted the same way, against the same baseline;
 * {@code spark_rows_per_s_vs_connector_sink}: the job against that sink. Both Spark rates count the
 * time of the micro-batches (read, parse, write; one batch of 200,000 here), not the application's
 * start (the time before that is {@link SparkStartupBenchmark}'s). Every table written is truncated before the next writer runs, so each
 * meets an empty table. Run by script/bench.sh.
 */
public final class StreamUsersBenchmark {

    private static final int USERS = 200_000;
    private static final int WARM_UP_USERS = 50_000;
    private static final int BASELINE_IN_FLIGHT = 256;
    private static final String TOPIC = "bench_users";

    public static void main(String[] args) throws Exception {
        Path work = Path.of("target", "bench");
        long now = System.currentTimeMillis();
        try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"));
                CassandraNode cassandra = UsersTables.migrated(CassandraNode.start(work.resolve("cassandra")));
                SparkCluster spark = SparkCluster.start(work.resolve("spark"), 2, "2g")) {
            List<ObjectNode> users = ContractUsers.valid("bench", USERS, 42);
            UsersTopic.create(kafka.bootstrapServers(), TOPIC);
            UsersTopic.produce(
                    kafka.bootstrapServers(),
                    TOPIC,
                    users.stream().map(ObjectNode::toString).toList());
            Map<String, String> settings =
                    JobSettings.forServers(kafka, cassandra, TOPIC, work.resolve("checkpoint-" + now));
            StreamUsers job = JobSettings.job(settings);
            job.prepareCassandra();

            double baseline;
            try (UsersTables tables = UsersTables.connect(cassandra)) {
                createConnectorSinkTable(tables);
                RawInserts raw = new RawInserts(
                        tables.session(), job.cassandraWriteSettings().batchRows());
                raw.insertAll(List.copyOf(ContractUsers.valid("warm-up", WARM_UP_USERS, 7)), BASELINE_IN_FLIGHT);
                Duration took = raw.insertAll(List.<JsonNode>copyOf(users), BASELINE_IN_FLIGHT);
                baseline = USERS / Elapsed.seconds(took);
                tables.truncate(StorageLayout.CREATED_USERS);
                tables.truncate(StorageLayout.USERS_BY_RUN);
            }

            settings.put("RUN_ID", "bench");
            TaskJar.Run run = SparkSubmit.start(spark.masterUrl(), settings, work, "stream-users")
                    .await(Duration.ofMinutes(15));
            JsonNode summary = run.summary();
            if (run.exitCode() != 0 || summary.path("written").asLong() != USERS) {
                throw new IllegalStateException("stream-users did not write " + USERS + " users: " + summary);
            }
            System.err.println("stream-users: " + summary);

            Map<String, String> peerSettings =
                    JobSettings.forServers(kafka, cassandra, TOPIC, work.resolve("connector-sink-checkpoint-" + now));
            TaskJar.Run peerRun = SparkSubmit.start(
                            spark.masterUrl(),
                            peerSettings,
                            work,
                            "connector-sink",
                            ConnectorSinkJob.class,
                            // The job jar too: the main class, loaded by the JVM's own class loader, sees only that
                            // one's.
                            List.of(Path.of("target", "test-classes"), SparkSubmit.JAR))
                    .await(Duration.ofMinutes(15));
            JsonNode peer = peerRun.summary();
            if (peerRun.exitCode() != 0 || peer.path("rows").asLong() != USERS) {
                throw new IllegalStateException("the connector sink did not read " + USERS + " users: " + peer);
            }
            System.err.println("connector sink: " + peer);
            try (UsersTables tables = UsersTables.connect(cassandra)) {
                long written = tables.session()
                        .execute("SELECT count(*) FROM " + StorageLayout.qualified(ConnectorSinkJob.TABLE))
                        .one()
                        .getLong(0);
                if (written != USERS) {
                    throw new IllegalStateException("the connector sink wrote " + written + " of " + USERS + " users");
                }
            }

            double rate = USERS / summary.path("batches_seconds").asDouble();
            double peerRate = USERS / peer.path("batches_seconds").asDouble();
            new Figure("spark_rows_per_s", rate, "rows/s", baseline).print();
            new Figure("connector_sink_rows_per_s", peerRate, "rows/s", baseline).print();
            new Figure("spark_rows_per_s_vs_connector_sink", rate, "rows/s", peerRate).print();
        }
    }

    /** {@link ConnectorSinkJob#TABLE}: created_users as the migrations define it, under another name. */
    private static void createConnectorSinkTable(UsersTables tables) {
        String createdUsers = StorageLayout.qualified(StorageLayout.CREATED_USERS);
        SchemaMigrations.ALL.stream()
                .flatMap(migration -> migration.statements().stream())
                .filter(statement -> statement.contains(" " + createdUsers + " "))
                .map(statement -> statement.replace(createdUsers, StorageLayout.qualified(ConnectorSinkJob.TABLE)))
                .forEach(tables.session()::execute);
    }
}
