package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import java.util.stream.IntStream;

/**
 * Counts one run's rows in a table keyed by {@code ((run_id, bucket), …)} (rejected_users):
 * 16 single-partition counts, all in flight at once. The cost grows with the run, never with the
 * rows of other runs.
 */
final class RunCounter {

    /** The writer's buckets: a user id's first hex digit, or a Kafka partition % 16. */
    static final int BUCKETS = 16;

    private final CountQuery countBucket;

    RunCounter(CqlSession session, TableMetadata table) {
        this.countBucket = new CountQuery(session, table, "run_id = ? AND bucket = ?");
    }

    long count(String runId) throws InterruptedException {
        return countBucket.sum(IntStream.range(0, BUCKETS).mapToObj(bucket -> new Object[] {runId, bucket}).toList(),
                BUCKETS);
    }
}
