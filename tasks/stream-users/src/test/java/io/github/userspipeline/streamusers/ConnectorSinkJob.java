package io.github.userspipeline.streamusers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.substring;

import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.task.contract.StorageLayout;
import java.util.Map;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The benchmark's peer: what the tutorials write, the connector's standard streaming sink
 * ({@code format("org.apache.spark.sql.cassandra")}) fed by {@code from_json} with the record
 * contract's schema, available-now, into {@link #TABLE} (created_users' schema). No validation, no
 * rejections. With the argument {@value #TWO_TABLES}, it writes what the job writes: each batch to
 * {@link #TABLE}, then its (run_id, bucket, id) rows to {@link #RUN_TABLE} (users_by_run's schema),
 * through foreachBatch with the batch cached, as Spark's guide writes one stream to two places: one
 * Kafka read and one parse per batch, as the job does, and the index written after the rows, as the
 * job writes it (two streaming queries would read and parse every record twice, and write the two
 * tables in no order). Submitted like the job, with the job's environment variables for Kafka,
 * Cassandra and the checkpoint. Its last stdout line:
 * {@code {"rows":N,"batches_seconds":S,"warm_rows":W,"warm_batches_seconds":T}}, S the sum of the
 * micro-batches' addBatch times (read, parse, write), W and T the same for the batches after the
 * first (the first warms the executor up).
 *
 * <p>Usage: {@code spark-submit --class …ConnectorSinkJob stream-users.jar [two-tables]}.
 */
public final class ConnectorSinkJob {

    static final String TABLE = "connector_sink_users";
    static final String RUN_TABLE = "connector_sink_users_by_run";
    static final String TWO_TABLES = "two-tables";
    private static final String CASSANDRA = "org.apache.spark.sql.cassandra";

    private ConnectorSinkJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        SparkSession spark = SparkSession.builder()
                .appName("connector-sink")
                .config("spark.cassandra.connection.host", env.get("CASSANDRA_CONTACT_POINTS"))
                .config("spark.cassandra.connection.localDC", env.get("CASSANDRA_LOCAL_DC"))
                .config("spark.cassandra.auth.username", env.get("CASSANDRA_USERNAME"))
                .config("spark.cassandra.auth.password", env.get("CASSANDRA_PASSWORD"))
                .getOrCreate();
        try {
            boolean twoTables = args.length > 0 && args[0].equals(TWO_TABLES);
            DataStreamWriter<Row> users = spark.readStream()
                    .format("kafka")
                    .option("kafka.bootstrap.servers", env.get("KAFKA_BOOTSTRAP_SERVERS"))
                    .option("subscribe", env.get("KAFKA_TOPIC"))
                    .option("startingOffsets", "earliest")
                    // Micro-batches of the job's size.
                    .option("maxOffsetsPerTrigger", StreamUsers.DEFAULT_MAX_OFFSETS_PER_TRIGGER)
                    .load()
                    .select(from_json(col("value").cast("string"), RecordClassifier.CONTRACT)
                            .as("user"))
                    .select("user.*")
                    .writeStream();
            StreamingQuery query = (twoTables
                            ? users.foreachBatch((VoidFunction2<Dataset<Row>, Long>) ConnectorSinkJob::writeBothTables)
                            : users.format(CASSANDRA)
                                    .option("keyspace", StorageLayout.KEYSPACE)
                                    .option("table", TABLE))
                    .option("checkpointLocation", env.get("STREAM_CHECKPOINT_LOCATION"))
                    .trigger(Trigger.AvailableNow())
                    .start();
            query.awaitTermination();
            long rows = 0;
            long addBatchMillis = 0;
            long warmRows = 0;
            long warmAddBatchMillis = 0;
            for (StreamingQueryProgress progress : query.recentProgress()) {
                long batchMillis = progress.durationMs().getOrDefault("addBatch", 0L);
                rows += progress.numInputRows();
                addBatchMillis += batchMillis;
                if (progress.batchId() > 0) {
                    warmRows += progress.numInputRows();
                    warmAddBatchMillis += batchMillis;
                }
            }
            System.out.println(TaskMain.JSON.writeValueAsString(Map.of(
                    "rows",
                    rows,
                    "batches_seconds",
                    addBatchMillis / 1000.0,
                    "warm_rows",
                    warmRows,
                    "warm_batches_seconds",
                    warmAddBatchMillis / 1000.0)));
        } finally {
            spark.stop();
        }
    }

    /** A batch to {@link #TABLE}, then its users' index rows to {@link #RUN_TABLE}: the standard sink's writes, twice. */
    private static void writeBothTables(Dataset<Row> batch, long batchId) {
        batch.persist();
        try {
            write(batch, TABLE);
            // StorageLayout.bucketOf: the uuid's first 4 bits, its first hex digit.
            write(
                    batch.select(
                            col("run_id"),
                            conv(substring(col("id"), 1, 1), 16, 10).cast("int").as("bucket"),
                            col("id")),
                    RUN_TABLE);
        } finally {
            batch.unpersist();
        }
    }

    private static void write(Dataset<Row> rows, String table) {
        rows.write()
                .format(CASSANDRA)
                .option("keyspace", StorageLayout.KEYSPACE)
                .option("table", table)
                .mode("append")
                .save();
    }
}
