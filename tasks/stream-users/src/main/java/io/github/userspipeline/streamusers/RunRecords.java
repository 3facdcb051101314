package io.github.userspipeline.streamusers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get_json_object;

import io.github.userspipeline.task.RunDigest;
import io.github.userspipeline.task.contract.UserRecord;
import java.time.Instant;
import java.util.UUID;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One past run's committed records on the topic, for a rebuild: a bounded batch read (no
 * checkpoint) between the offsets of two Kafka timestamps, then the run id as a filter. The rows
 * have the streaming query's columns, so {@link MicroBatchWriter} writes them as it writes a batch.
 */
final class RunRecords {

    private RunRecords() {}

    /**
     * @param from  the first Kafka timestamp to read, or null for the topic's start
     * @param until the Kafka timestamp to stop before, or null for the topic's end
     */
    static Dataset<Row> read(SparkSession spark, QuerySettings source, String runId, Instant from, Instant until) {
        DataFrameReader kafka = spark.read().format("kafka").options(UsersQuery.source(source));
        if (from != null) {
            kafka = kafka.option("startingTimestamp", from.toEpochMilli())
                    // A partition with nothing as new as `from` holds nothing of the run: read none of it.
                    .option("startingOffsetsByTimestampStrategy", "latest");
        }
        if (until != null) {
            kafka = kafka.option("endingTimestamp", until.toEpochMilli());
        }
        return kafka.load()
                .filter(get_json_object(col("value").cast("string"), "$.run_id").equalTo(runId))
                .select("value", "partition", "offset");
    }

    /** The digest of the valid users' distinct ids among {@code records}, as fetch-users computed it. */
    static RunDigest digest(Dataset<Row> records) {
        Dataset<Row> ids = RecordClassifier.classify(records)
                .filter(col(RecordClassifier.REASON).equalTo(""))
                .select(UserRecord.ID)
                .distinct();
        return RunDigest.of(ids.collectAsList().stream()
                .map(row -> UUID.fromString(row.getString(0)))
                .toList());
    }
}
