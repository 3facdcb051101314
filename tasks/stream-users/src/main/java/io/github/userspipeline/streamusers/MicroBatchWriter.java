package io.github.userspipeline.streamusers;

import java.time.Duration;
import java.time.Instant;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreachBatch sink, run on the driver once per micro-batch: classify and write, one writer
 * task per Kafka partition of the batch (no shuffle: {@link RecordClassifier}).
 * A batch that fails is retried whole after a restart (the checkpoint commits it only after this
 * returns); the writes are upserts, so a retried batch changes nothing twice.
 */
final class MicroBatchWriter implements VoidFunction2<Dataset<Row>, Long> {

    private static final Logger log = LoggerFactory.getLogger(MicroBatchWriter.class);

    /** What the batches of this run did. */
    record Totals(
            long written,
            long rejected,
            long duplicates,
            int batches,
            Instant firstBatchStarted,
            Duration batchesTook) {}

    private final PartitionWriter.Counts counts;
    private final PartitionWriter partitionWriter;
    private int batches;
    private Instant firstBatchStarted;
    private Instant lastBatchEnded;

    MicroBatchWriter(SparkSession spark, CassandraWriteSettings cassandra) {
        this.counts = new PartitionWriter.Counts(
                spark.sparkContext().longAccumulator("written"),
                spark.sparkContext().longAccumulator("rejected"),
                spark.sparkContext().longAccumulator("duplicates"));
        this.partitionWriter = new PartitionWriter(cassandra, counts);
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) {
        Instant started = Instant.now();
        Totals before = totals();
        RecordClassifier.classify(batch).foreachPartition(partitionWriter);
        Instant ended = Instant.now();
        synchronized (this) {
            batches++;
            if (firstBatchStarted == null) {
                firstBatchStarted = started;
            }
            lastBatchEnded = ended;
        }
        Totals after = totals();
        log.info(
                "batch {}: {} users written, {} rejected, {} duplicates merged in {} ms",
                batchId,
                after.written() - before.written(),
                after.rejected() - before.rejected(),
                after.duplicates() - before.duplicates(),
                Duration.between(started, ended).toMillis());
    }

    synchronized Totals totals() {
        return new Totals(
                counts.written().value(),
                counts.rejected().value(),
                counts.duplicates().value(),
                batches,
                firstBatchStarted,
                firstBatchStarted == null ? Duration.ZERO : Duration.between(firstBatchStarted, lastBatchEnded));
    }
}
