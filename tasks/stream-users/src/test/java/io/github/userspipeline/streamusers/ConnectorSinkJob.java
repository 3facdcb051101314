package io.github.userspipeline.streamusers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;

import io.github.userspipeline.task.TaskMain;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The benchmark's peer: what the tutorials write, the connector's standard streaming sink
 * ({@code format("org.apache.spark.sql.cassandra")}) fed by {@code from_json} with the record
 * contract's schema, available-now, into {@link #TABLE} (created_users' schema). No validation, no
 * rejections, no users_by_run. Submitted like the job, with the job's environment variables for
 * Kafka, Cassandra and the checkpoint. Its last stdout line: {@code {"rows":N,"batches_seconds":S}},
 * S the sum of the micro-batches' addBatch times (read, parse, write).
 */
public final class ConnectorSinkJob {

    static final String TABLE = "connector_sink_users";

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
            StreamingQuery query = spark.readStream()
                    .format("kafka")
                    .option("kafka.bootstrap.servers", env.get("KAFKA_BOOTSTRAP_SERVERS"))
                    .option("subscribe", env.get("KAFKA_TOPIC"))
                    .option("startingOffsets", "earliest")
                    .load()
                    .select(from_json(col("value").cast("string"), RecordClassifier.CONTRACT)
                            .as("user"))
                    .select("user.*")
                    .writeStream()
                    .format("org.apache.spark.sql.cassandra")
                    .option("keyspace", "spark_streams")
                    .option("table", TABLE)
                    .option("checkpointLocation", env.get("STREAM_CHECKPOINT_LOCATION"))
                    .trigger(Trigger.AvailableNow())
                    .start();
            query.awaitTermination();
            long rows = 0;
            long addBatchMillis = 0;
            for (StreamingQueryProgress progress : query.recentProgress()) {
                rows += progress.numInputRows();
                addBatchMillis += progress.durationMs().getOrDefault("addBatch", 0L);
            }
            System.out.println(
                    TaskMain.JSON.writeValueAsString(Map.of("rows", rows, "batches_seconds", addBatchMillis / 1000.0)));
        } finally {
            spark.stop();
        }
    }
}
