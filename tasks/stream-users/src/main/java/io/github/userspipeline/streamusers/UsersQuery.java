package io.github.userspipeline.streamusers;

import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/** The streaming query: Kafka topic → {@link MicroBatchWriter}, with the configured trigger and checkpoint. */
final class UsersQuery {

    private UsersQuery() {}

    /**
     * The topic as the job reads it, streaming or in a rebuild's batch: fetch-users commits each
     * attempt of a run as one transaction, so with read_committed an attempt that failed or was
     * killed stays invisible, and the offsets (end offsets too) stop at an open one.
     */
    static Map<String, String> source(QuerySettings settings) {
        return Map.of(
                "kafka.bootstrap.servers", settings.kafkaBootstrapServers(),
                "subscribe", settings.kafkaTopic(),
                "kafka.isolation.level", "read_committed");
    }

    static StreamingQuery start(SparkSession spark, QuerySettings settings, MicroBatchWriter writer)
            throws TimeoutException {
        DataStreamReader kafka = spark.readStream()
                .format("kafka")
                .options(source(settings))
                // Used only on the first start: afterwards the checkpoint says where to resume.
                .option("startingOffsets", settings.startingOffsets())
                // Records deleted by retention before they were read fail the job instead of vanishing.
                .option("failOnDataLoss", "true");
        if (settings.maxOffsetsPerTrigger() > 0) {
            kafka = kafka.option("maxOffsetsPerTrigger", settings.maxOffsetsPerTrigger());
        }
        return kafka.load()
                .select("value", "partition", "offset")
                .writeStream()
                .queryName("stream_users")
                .option("checkpointLocation", settings.checkpointLocation())
                .trigger(
                        settings.trigger() == QuerySettings.Trigger.AVAILABLE_NOW
                                ? Trigger.AvailableNow()
                                : Trigger.ProcessingTime(settings.triggerInterval()))
                .foreachBatch(writer)
                .start();
    }
}
