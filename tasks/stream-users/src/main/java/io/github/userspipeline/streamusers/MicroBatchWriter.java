package io.github.userspipeline.streamusers;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import com.datastax.oss.driver.api.core.CqlSession;
import io.github.userspipeline.task.contract.ErasureList;
import io.github.userspipeline.task.contract.UserRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreachBatch sink, run on the driver once per micro-batch: classify, drop the records of the
 * people on the erasure list (read anew for each batch), and write, one writer task per core, each
 * with whole Kafka partitions of the batch (no shuffle: {@link RecordClassifier}).
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

    private final CassandraWriteSettings cassandra;
    private final PartitionWriter.Counts counts;
    private final PartitionWriter partitionWriter;
    private int batches;
    private Instant firstBatchStarted;
    private Instant lastBatchEnded;

    MicroBatchWriter(SparkSession spark, CassandraWriteSettings cassandra) {
        this.cassandra = cassandra;
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
        Set<UUID> erased = erasedIds();
        Dataset<Row> users = RecordClassifier.classify(oneTaskPerCore(batch));
        if (!erased.isEmpty()) {
            // A record with no id (a reject) is of nobody listed: kept.
            String[] ids = erased.stream().map(UUID::toString).toArray(String[]::new);
            users = users.filter(not(coalesce(col(UserRecord.ID).isin((Object[]) ids), lit(false))));
        }
        users.foreachPartition(partitionWriter);
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
                "batch {}: {} users written, {} rejected, {} duplicates merged in {} ms ({} ids on the erasure list)",
                batchId,
                after.written() - before.written(),
                after.rejected() - before.rejected(),
                after.duplicates() - before.duplicates(),
                Duration.between(started, ended).toMillis(),
                erased.size());
    }

    /**
     * The batch in at most one task per core of the application. The Kafka source plans one task per
     * topic partition; with more partitions than cores (3 on the stack's 2) the last ones wait for a
     * second wave, each paying a task's fixed cost again: 1.2 s of a daily run's first batch on a
     * fresh executor. Coalescing joins whole partitions in a task without a shuffle, so the copies of
     * a user, all in one Kafka partition, stay in one task ({@link PartitionWriter}).
     */
    static Dataset<Row> oneTaskPerCore(Dataset<Row> batch) {
        return batch.coalesce(batch.sparkSession().sparkContext().defaultParallelism());
    }

    private Set<UUID> erasedIds() {
        try (CqlSession session = cassandra.connector().openSession()) {
            return ErasureList.all(session);
        }
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
