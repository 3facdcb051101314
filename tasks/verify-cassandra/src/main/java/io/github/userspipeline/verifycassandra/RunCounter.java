package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.contract.StorageLayout;
import java.util.stream.IntStream;

/**
 * Counts one run's rows in a table keyed by {@code ((run_id, bucket), …)} (rejected_users):
 * one single-partition count per {@link StorageLayout#BUCKETS bucket}, all in flight at once. The cost grows with the run, never with the
 * rows of other runs.
 */
final class RunCounter {

    private final CountQuery countBucket;

    RunCounter(CqlSession session, TableMetadata table) {
        this.countBucket = new CountQuery(session, table, "run_id = ? AND bucket = ?");
    }

    long count(String runId) throws InterruptedException {
        return countBucket.sum(
                IntStream.range(0, StorageLayout.BUCKETS)
                        .mapToObj(bucket -> new Object[] {runId, bucket})
                        .toList(),
                StorageLayout.BUCKETS);
    }
}
