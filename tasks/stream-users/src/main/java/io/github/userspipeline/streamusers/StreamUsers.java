package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import io.github.userspipeline.task.BadOptionValue;
import io.github.userspipeline.task.CassandraConnection;
import io.github.userspipeline.task.Elapsed;
import io.github.userspipeline.task.RunDigest;
import io.github.userspipeline.task.RunIds;
import io.github.userspipeline.task.StreamUsersOutput;
import io.github.userspipeline.task.StreamUsersSparkConf;
import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.task.contract.SchemaMigrations;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Pipeline step 2, the Spark Structured Streaming job: reads the users on Kafka topic
 * {@code users_created}, writes valid ones (once per id) to Cassandra's created_users and
 * users_by_run, and invalid ones with the reason to rejected_users. In rebuild mode
 * ({@code STREAM_REBUILD_RUN_ID}) it writes one earlier run's users again, read from Kafka once,
 * without the checkpoint (the users_rebuild DAG).
 *
 * <p>Usage: {@code spark-submit --class io.github.userspipeline.streamusers.StreamUsers
 * stream-users.jar --stream-checkpoint-location=DIR [--stream-trigger=available-now|processing-time] …} or the same
 * settings as environment variables ({@code STREAM_CHECKPOINT_LOCATION}, {@code STREAM_TRIGGER}, …); {@code --help}
 * lists them all. No master URL here: spark-submit gives it. The last stdout line is the JSON
 * summary; on success only, the line before it is {@code STREAM_USERS_SUMMARY {json}}, the same
 * summary, which submit-spark takes as the job's word that it succeeded.
 */
@Command(
        name = StreamUsersOutput.COMMAND,
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Stream users from Kafka into Cassandra with Spark Structured Streaming.")
public final class StreamUsers implements Callable<StreamUsers.Summary> {

    private static final Logger log = LoggerFactory.getLogger(StreamUsers.class);
    /** Cassandra refuses a longer time to live (20 years): every write would fail. */
    private static final int MAX_TTL_SECONDS = 630_720_000;
    /** How long Kafka may take to say which topic the checkpoint is on. */
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);
    /** Records per micro-batch at most, by default: a daily run in one batch, a backlog in bounded ones. */
    static final String DEFAULT_MAX_OFFSETS_PER_TRIGGER = "200000";

    @Option(
            names = "--run-id",
            defaultValue = "",
            description = "The DAG run that submitted the job, for the summary. Env: RUN_ID")
    String runId;

    @Option(
            names = "--stream-trigger",
            defaultValue = "available-now",
            description =
                    "available-now: process what the topic holds, then stop; processing-time: run until stopped. Env: STREAM_TRIGGER")
    String trigger;

    @Option(
            names = "--stream-trigger-interval",
            defaultValue = "30 seconds",
            description = "Micro-batch interval in processing-time mode. Env: STREAM_TRIGGER_INTERVAL")
    String triggerInterval;

    @Option(
            names = "--stream-checkpoint-location",
            defaultValue = "",
            description = "Durable directory (or HDFS/S3 URI) of the query's progress; never /tmp; unused by a rebuild."
                    + " Env: STREAM_CHECKPOINT_LOCATION")
    String checkpointLocation;

    @Option(
            names = "--stream-rebuild-run-id",
            defaultValue = "",
            description = "Rebuild mode: read this earlier run's committed users from Kafka once and upsert them,"
                    + " leaving the checkpoint alone; empty: stream. Env: STREAM_REBUILD_RUN_ID")
    String rebuildRunId;

    @Option(
            names = "--stream-rebuild-expected-digest",
            converter = RunDigest.Converter.class,
            description = "Rebuild mode: fetch-users' ids_digest for that run; nothing is written unless the run's"
                    + " records on Kafka have it. Env: STREAM_REBUILD_EXPECTED_DIGEST")
    RunDigest rebuildExpectedDigest;

    @Option(
            names = "--stream-rebuild-from",
            description = "Rebuild mode: the earliest Kafka timestamp to read, an ISO instant; unset: the topic's"
                    + " start. Env: STREAM_REBUILD_FROM")
    Instant rebuildFrom;

    @Option(
            names = "--stream-rebuild-until",
            description = "Rebuild mode: the Kafka timestamp to stop before, an ISO instant; unset: the topic's end."
                    + " Env: STREAM_REBUILD_UNTIL")
    Instant rebuildUntil;

    @Option(
            names = "--kafka-bootstrap-servers",
            defaultValue = "localhost:9092",
            description = "Env: KAFKA_BOOTSTRAP_SERVERS")
    String kafkaBootstrapServers;

    @Option(names = "--kafka-topic", defaultValue = "users_created", description = "Env: KAFKA_TOPIC")
    String kafkaTopic;

    @Option(
            names = "--stream-starting-offsets",
            defaultValue = "earliest",
            description = "Where a new checkpoint starts reading: earliest or latest. Env: STREAM_STARTING_OFFSETS")
    String startingOffsets;

    @Option(
            names = "--stream-max-offsets-per-trigger",
            defaultValue = DEFAULT_MAX_OFFSETS_PER_TRIGGER,
            description = "Records per micro-batch at most; 0 for no limit. Env: STREAM_MAX_OFFSETS_PER_TRIGGER")
    long maxOffsetsPerTrigger;

    @Mixin
    CassandraConnection cassandra;

    @Option(
            names = "--cassandra-ttl-seconds",
            defaultValue = "0",
            description =
                    "Time to live of written rows, at most 630720000 (20 years); 0 keeps them. Env: CASSANDRA_TTL_SECONDS")
    int cassandraTtlSeconds;

    @Option(
            names = "--cassandra-writes-in-flight",
            defaultValue = "256",
            description = "Asynchronous writes each writer task keeps outstanding. Env: CASSANDRA_WRITES_IN_FLIGHT")
    int cassandraWritesInFlight;

    @Option(
            names = "--cassandra-batch-rows",
            defaultValue = "64",
            description = "users_by_run ids per single-partition batch. Env: CASSANDRA_BATCH_ROWS")
    int cassandraBatchRows;

    @Option(
            names = "--cassandra-consistency",
            defaultValue = "LOCAL_QUORUM",
            description = "Consistency level of the writes. Env: CASSANDRA_CONSISTENCY")
    String cassandraConsistency;

    /**
     * The run's result, which submit-spark relays. {@code firstBatchSeconds}: the fixed cost, from
     * spark-submit's start (its process becomes the driver's, in client mode) to the start of the
     * first micro-batch;
     * {@code batchesSeconds}: from the start of the first micro-batch to the end of the last.
     */
    public record Summary(
            String task,
            String runId,
            long written,
            long rejected,
            long duplicates,
            int batches,
            double seconds,
            Double firstBatchSeconds,
            double batchesSeconds) {}

    public static void main(String[] args) {
        TaskMain.run(new StreamUsers(), args);
    }

    @Override
    public Summary call() throws Exception {
        validateOptions();
        // Not while Spark starts: the connector reads the SparkEnv of a SparkContext still starting.
        prepareCassandra();
        SparkSession spark = SparkSession.builder()
                .appName(StreamUsersSparkConf.applicationName(runId))
                .getOrCreate();
        Summary summary;
        try {
            ExecutorWarmUp.start(spark, cassandraWriteSettings(), streamSettings());
            summary = rebuildRunId.isEmpty() ? stream(spark) : rebuild(spark);
        } finally {
            spark.stop();
        }
        // Only now, with the query ended and Spark stopped without an error, does the job say it succeeded.
        System.out.println(StreamUsersOutput.summaryLine(summary));
        return summary;
    }

    /**
     * Fails at once, with the reason, when Cassandra cannot be used or its schema lacks a migration
     * this job's contract needs: the job never creates or alters the schema (migrate-schema does, as
     * the one role allowed to), and never writes to columns that are not there.
     */
    void prepareCassandra() {
        try (CqlSession session = cassandraWriteSettings().connector().openSession()) {
            SchemaMigrations.requireLatest(session, cassandra.describe());
        } catch (TaskFailure e) {
            throw e;
        } catch (Exception e) { // the connector (Scala) throws IOException undeclared
            throw new TaskFailure("cannot use Cassandra at " + cassandra.contactPoints(), e);
        }
    }

    /** Runs the streaming query on {@code spark} until it stops (available-now) or fails. */
    Summary stream(SparkSession spark) throws Exception {
        Instant started = Instant.now();
        QuerySettings settings = streamSettings();
        MicroBatchWriter writer = new MicroBatchWriter(spark, cassandraWriteSettings());
        log.info(
                "run {}: {} mode, topic {} on {} → Cassandra {}, checkpoint {}",
                runId,
                trigger,
                kafkaTopic,
                kafkaBootstrapServers,
                cassandra.describe(),
                checkpointLocation);
        CheckpointTopic.check(spark.sparkContext().hadoopConfiguration(), settings, KAFKA_TIMEOUT);
        StreamingQuery query = UsersQuery.start(spark, settings, writer);
        try {
            query.awaitTermination();
        } catch (StreamingQueryException e) {
            Summary summary = report(writer.totals(), started);
            throw new TaskFailure("the streaming query failed", summary, e.getCause() == null ? e : e.getCause());
        }
        return report(writer.totals(), started);
    }

    /**
     * Rebuild mode: the earlier run's records, read once (RunRecords) and written as one micro-batch
     * is. Their ids must give the run's digest first, so that records gone with Kafka's retention
     * fail the rebuild before it writes anything: never a partial rebuild.
     */
    Summary rebuild(SparkSession spark) {
        Instant started = Instant.now();
        log.info(
                "rebuilding run {}: its records on topic {} on {} from {} until {} → Cassandra {}; no checkpoint",
                rebuildRunId,
                kafkaTopic,
                kafkaBootstrapServers,
                rebuildFrom == null ? "the topic's start" : rebuildFrom,
                rebuildUntil == null ? "the topic's end" : rebuildUntil,
                cassandra.describe());
        // Read from Kafka once: the check and the writes see the same records.
        Dataset<Row> records = RunRecords.read(spark, streamSettings(), rebuildRunId, rebuildFrom, rebuildUntil)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            RunDigest found = RunRecords.digest(records);
            log.info("run {}: the records read hold {} users (ids digest {})", rebuildRunId, found.count(), found);
            if (!found.equals(rebuildExpectedDigest)) {
                throw new TaskFailure("Kafka no longer holds run " + rebuildRunId + " as fetch-users produced it:"
                        + " its records give ids digest " + found + ", not " + rebuildExpectedDigest
                        + " (records older than the topic's retention.ms are gone); nothing was written");
            }
            MicroBatchWriter writer = new MicroBatchWriter(spark, cassandraWriteSettings());
            writer.call(records, 0L);
            return report(writer.totals(), started);
        } finally {
            records.unpersist();
        }
    }

    private Summary report(MicroBatchWriter.Totals totals, Instant started) {
        Double firstBatchSeconds = totals.firstBatchStarted() == null
                ? null
                : Elapsed.seconds(Duration.between(Elapsed.processStarted(), totals.firstBatchStarted()));
        return new Summary(
                StreamUsersOutput.COMMAND,
                runId,
                totals.written(),
                totals.rejected(),
                totals.duplicates(),
                totals.batches(),
                Elapsed.secondsSince(started),
                firstBatchSeconds,
                Elapsed.seconds(totals.batchesTook()));
    }

    CassandraWriteSettings cassandraWriteSettings() {
        return new CassandraWriteSettings(
                cassandra,
                cassandraTtlSeconds,
                cassandraWritesInFlight,
                cassandraBatchRows,
                cassandraConsistency.toUpperCase(Locale.ROOT));
    }

    QuerySettings streamSettings() {
        return new QuerySettings(
                runId,
                kafkaBootstrapServers,
                kafkaTopic,
                startingOffsets,
                maxOffsetsPerTrigger,
                QuerySettings.Trigger.valueOf(trigger.toUpperCase(Locale.ROOT).replace('-', '_')),
                triggerInterval,
                checkpointLocation);
    }

    private void validateOptions() {
        if (!trigger.equals("available-now") && !trigger.equals("processing-time")) {
            throw BadOptionValue.mustBe("STREAM_TRIGGER", "available-now or processing-time", trigger);
        }
        if (!rebuildRunId.isEmpty()) {
            RunIds.require("STREAM_REBUILD_RUN_ID", rebuildRunId);
            if (rebuildExpectedDigest == null) {
                throw new BadOptionValue("STREAM_REBUILD_EXPECTED_DIGEST must be set for a rebuild");
            }
            if (rebuildFrom != null && rebuildUntil != null && !rebuildFrom.isBefore(rebuildUntil)) {
                throw new BadOptionValue("STREAM_REBUILD_FROM must be before STREAM_REBUILD_UNTIL, got " + rebuildFrom
                        + " and " + rebuildUntil);
            }
        } else if (checkpointLocation.isBlank()) {
            throw new BadOptionValue("STREAM_CHECKPOINT_LOCATION must not be blank");
        }
        BadOptionValue.requireAtLeast("CASSANDRA_WRITES_IN_FLIGHT", cassandraWritesInFlight, 1);
        BadOptionValue.requireAtLeast("CASSANDRA_BATCH_ROWS", cassandraBatchRows, 1);
        BadOptionValue.requireWithin("CASSANDRA_TTL_SECONDS", cassandraTtlSeconds, 0, MAX_TTL_SECONDS);
        if (Arrays.stream(DefaultConsistencyLevel.values())
                .noneMatch(level -> level.name().equalsIgnoreCase(cassandraConsistency))) {
            throw BadOptionValue.mustBe(
                    "CASSANDRA_CONSISTENCY", "a consistency level such as LOCAL_QUORUM", cassandraConsistency);
        }
        cassandra.validate();
    }
}
