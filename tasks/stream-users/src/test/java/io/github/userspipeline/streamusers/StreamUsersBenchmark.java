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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code spark_rows_per_s}: the packaged job, submitted with spark-submit to a real standalone
 * Master + Worker (2 cores), moving users from Kafka to Cassandra with its default settings, against
 * raw asynchronous driver inserts of the rows the job writes for them ({@link RawInserts}:
 * created_users and users_by_run) into the same node, in the same run. Both are measured warm: the
 * inserts after {@value #WARM_UP_USERS} warm-up inserts, the job over its micro-batches after the
 * first (the topic holds a warm-up run of {@value #USERS} users, then the measured run of as many:
 * two micro-batches at the default {@code STREAM_MAX_OFFSETS_PER_TRIGGER}), since a daily job's
 * first batch on a fresh executor pays code generation, the JIT and the Cassandra session
 * ({@code spark_first_batch_rows_per_s} is that first batch; the application's start before it is
 * {@link SparkStartupBenchmark}'s). {@code connector_sink_rows_per_s}: the connector's standard
 * streaming sink ({@link ConnectorSinkJob}) moving the same topic into a table of created_users'
 * schema, submitted the same way, measured the same way, against the same baseline;
 * {@code spark_rows_per_s_vs_connector_sink}: the job against that sink.
 * {@code connector_sink_two_tables_rows_per_s}: the same sink writing what the job writes, each batch
 * to a table of created_users' schema then its index rows to one of users_by_run's
 * ({@link ConnectorSinkJob#TWO_TABLES}), against the same baseline;
 * {@code spark_rows_per_s_vs_connector_sink_two_tables}: the job against that peer. The Spark rates
 * count the micro-batches' time (read, parse, write). Every table written is truncated before the
 * next writer runs, so each meets an empty table. Run by script/bench.sh.
 */
public final class StreamUsersBenchmark {

    private static final int USERS = 200_000;
    private static final int WARM_UP_USERS = 50_000;
    private static final int BASELINE_IN_FLIGHT = 256;
    private static final String TOPIC = "bench_users";
    /** MicroBatchWriter's line for each micro-batch: its id, users written, and time. */
    private static final Pattern BATCH_LINE = Pattern.compile("batch (\\d+): (\\d+) users written, .* in (\\d+) ms");

    /** Rows written in some time. */
    record Rate(long rows, double seconds) {
        double perSecond() {
            return rows / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of("target", "bench");
        long now = System.currentTimeMillis();
        try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"));
                CassandraNode cassandra = UsersTables.migrated(CassandraNode.start(work.resolve("cassandra")));
                SparkCluster spark = SparkCluster.start(work.resolve("spark"), 2, "2g")) {
            List<ObjectNode> users = ContractUsers.valid("bench", USERS, 42);
            UsersTopic.create(kafka.bootstrapServers(), TOPIC);
            for (List<ObjectNode> run : List.of(ContractUsers.valid("bench-warm-up", USERS, 43), users)) {
                UsersTopic.produce(
                        kafka.bootstrapServers(),
                        TOPIC,
                        run.stream().map(ObjectNode::toString).toList());
            }
            Map<String, String> settings =
                    JobSettings.forServers(kafka, cassandra, TOPIC, work.resolve("checkpoint-" + now));
            StreamUsers job = JobSettings.job(settings);
            job.prepareCassandra();

            double baseline;
            try (UsersTables tables = UsersTables.connect(cassandra)) {
                createCopy(tables, StorageLayout.CREATED_USERS, ConnectorSinkJob.TABLE);
                createCopy(tables, StorageLayout.USERS_BY_RUN, ConnectorSinkJob.RUN_TABLE);
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
            if (run.exitCode() != 0 || summary.path("written").asLong() != 2 * USERS) {
                throw new IllegalStateException("stream-users did not write " + 2 * USERS + " users: " + summary);
            }
            System.err.println("stream-users: " + summary);
            List<Rate> batches = batches(run.stderr());
            System.err.println("stream-users' micro-batches: " + batches);

            double rate = warm(batches).perSecond();
            double peerRate = warmRate(runConnectorSink(spark, kafka, cassandra, work, now, false));
            double twoTablesRate = warmRate(runConnectorSink(spark, kafka, cassandra, work, now, true));
            new Figure("spark_rows_per_s", rate, "rows/s", baseline).print();
            new Figure("spark_first_batch_rows_per_s", batches.get(0).perSecond(), "rows/s", baseline).print();
            new Figure("connector_sink_rows_per_s", peerRate, "rows/s", baseline).print();
            new Figure("spark_rows_per_s_vs_connector_sink", rate, "rows/s", peerRate).print();
            new Figure("connector_sink_two_tables_rows_per_s", twoTablesRate, "rows/s", baseline).print();
            new Figure("spark_rows_per_s_vs_connector_sink_two_tables", rate, "rows/s", twoTablesRate).print();
        }
    }

    /**
     * {@link ConnectorSinkJob} over the topic, into empty tables (its created_users copy, and with
     * {@code twoTables} its users_by_run copy): fails unless it wrote every user to each. Its summary.
     */
    private static JsonNode runConnectorSink(
            SparkCluster spark, KafkaBroker kafka, CassandraNode cassandra, Path work, long now, boolean twoTables)
            throws Exception {
        List<String> tables = twoTables
                ? List.of(ConnectorSinkJob.TABLE, ConnectorSinkJob.RUN_TABLE)
                : List.of(ConnectorSinkJob.TABLE);
        try (UsersTables session = UsersTables.connect(cassandra)) {
            tables.forEach(session::truncate);
        }
        String name = twoTables ? "connector-sink-two-tables" : "connector-sink";
        Map<String, String> settings =
                JobSettings.forServers(kafka, cassandra, TOPIC, work.resolve(name + "-checkpoint-" + now));
        TaskJar.Run run = SparkSubmit.start(
                        spark.masterUrl(),
                        settings,
                        work,
                        name,
                        ConnectorSinkJob.class,
                        // The job jar too: the main class, loaded by the JVM's own class loader, sees only that
                        // one's.
                        List.of(Path.of("target", "test-classes"), SparkSubmit.JAR),
                        twoTables ? List.of(ConnectorSinkJob.TWO_TABLES) : List.of())
                .await(Duration.ofMinutes(15));
        JsonNode summary = run.summary();
        if (run.exitCode() != 0 || summary.path("rows").asLong() != 2 * USERS) {
            throw new IllegalStateException(name + " did not read " + 2 * USERS + " users: " + summary);
        }
        System.err.println(name + ": " + summary);
        try (UsersTables session = UsersTables.connect(cassandra)) {
            for (String table : tables) {
                long written = session.session()
                        .execute("SELECT count(*) FROM " + StorageLayout.qualified(table))
                        .one()
                        .getLong(0);
                if (written != 2 * USERS) {
                    throw new IllegalStateException(
                            name + " wrote " + written + " of " + 2 * USERS + " rows to " + table);
                }
            }
        }
        return summary;
    }

    /** The job's micro-batches in order, from its log. */
    private static List<Rate> batches(List<String> log) {
        List<Rate> batches = log.stream()
                .map(BATCH_LINE::matcher)
                .filter(Matcher::find)
                .sorted(Comparator.comparingLong(batch -> Long.parseLong(batch.group(1))))
                .map(batch -> new Rate(Long.parseLong(batch.group(2)), Long.parseLong(batch.group(3)) / 1000.0))
                .toList();
        if (batches.size() < 2) {
            throw new IllegalStateException("stream-users logged " + batches.size() + " micro-batches, not 2 or more");
        }
        return batches;
    }

    /** The batches after the first, together. */
    private static Rate warm(List<Rate> batches) {
        List<Rate> warm = batches.subList(1, batches.size());
        return new Rate(
                warm.stream().mapToLong(Rate::rows).sum(),
                warm.stream().mapToDouble(Rate::seconds).sum());
    }

    /** A peer's rate over its batches after the first ({@link ConnectorSinkJob}'s summary). */
    private static double warmRate(JsonNode peer) {
        if (peer.path("warm_rows").asLong() == 0) {
            throw new IllegalStateException("the peer ran a single micro-batch: " + peer);
        }
        return new Rate(
                        peer.path("warm_rows").asLong(),
                        peer.path("warm_batches_seconds").asDouble())
                .perSecond();
    }

    /** {@code copy}: {@code table} as the migrations define it, under another name. */
    private static void createCopy(UsersTables tables, String table, String copy) {
        String qualified = StorageLayout.qualified(table);
        SchemaMigrations.ALL.stream()
                .flatMap(migration -> migration.statements().stream())
                .filter(statement -> statement.contains(" " + qualified + " "))
                .map(statement -> statement.replace(qualified, StorageLayout.qualified(copy)))
                .forEach(tables.session()::execute);
    }
}
