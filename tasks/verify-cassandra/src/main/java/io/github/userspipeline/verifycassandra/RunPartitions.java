package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.BoundedInFlight;
import io.github.userspipeline.task.CassandraSessions;
import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.contract.StorageLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Reads one run's rows of a table keyed by {@code ((run_id, bucket), …)} (users_by_run,
 * rejected_users): its {@link StorageLayout#BUCKETS bucket} partitions, all in flight at once,
 * each read page by page. The cost grows with the run, never with the rows of other runs.
 */
final class RunPartitions {

    private final CqlSession session;
    private final PreparedStatement selectBucket;
    /** What is read, as a failure names it: "id from spark_streams.users_by_run". */
    private final String columnFromTable;

    RunPartitions(CqlSession session, TableMetadata table, String column) {
        String name = CassandraSessions.qualifiedName(table);
        this.session = session;
        this.selectBucket = session.prepare("SELECT " + column + " FROM " + name + " WHERE run_id = ? AND bucket = ?");
        this.columnFromTable = column + " from " + name;
    }

    /**
     * Gives each of the run's rows (the one column) to {@code rowsOfBucket.apply(bucket)}: the
     * rows of one bucket one after another, the buckets' at the same time.
     */
    void read(String runId, IntFunction<Consumer<Row>> rowsOfBucket) throws InterruptedException {
        BoundedInFlight inFlight = new BoundedInFlight(StorageLayout.BUCKETS);
        try {
            for (int bucket = 0; bucket < StorageLayout.BUCKETS; bucket++) {
                Consumer<Row> rows = rowsOfBucket.apply(bucket);
                int partition = bucket;
                inFlight.submit(() -> ReadRetries.executeAsync(session, selectBucket.bind(runId, partition))
                        .thenCompose(page -> readPages(page, rows)));
            }
            inFlight.awaitAll();
        } catch (ExecutionException e) {
            throw new TaskFailure("reading run " + runId + "'s " + columnFromTable + " failed", e.getCause());
        }
    }

    /** This page's rows, then those of the pages after it: one partition's (or range's) pages come one after another. */
    static CompletionStage<Void> readPages(AsyncResultSet page, Consumer<Row> rows) {
        page.currentPage().forEach(rows);
        return page.hasMorePages()
                ? page.fetchNextPage().thenCompose(next -> readPages(next, rows))
                : CompletableFuture.completedFuture(null);
    }
}
