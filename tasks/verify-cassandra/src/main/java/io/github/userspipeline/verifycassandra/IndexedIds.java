package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.BoundedInFlight;
import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.contract.StorageLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

/**
 * Reads one run's user ids from users_by_run: its bucket partitions, all in flight at once,
 * each read page by page. The cost grows with the run, never with the rows of other runs.
 */
final class IndexedIds {

    private final CqlSession session;
    private final String table;
    private final PreparedStatement selectBucket;

    IndexedIds(CqlSession session, TableMetadata table) {
        this.session = session;
        this.table = CassandraSessions.qualifiedName(table);
        this.selectBucket = session.prepare("SELECT id FROM " + this.table + " WHERE run_id = ? AND bucket = ?");
    }

    List<UUID> read(String runId) throws InterruptedException {
        List<List<UUID>> buckets = IntStream.range(0, StorageLayout.BUCKETS)
                .mapToObj(bucket -> (List<UUID>) new ArrayList<UUID>())
                .toList();
        BoundedInFlight inFlight = new BoundedInFlight(StorageLayout.BUCKETS);
        try {
            for (int bucket = 0; bucket < StorageLayout.BUCKETS; bucket++) {
                List<UUID> ids = buckets.get(bucket);
                int partition = bucket;
                inFlight.submit(() -> session.executeAsync(selectBucket.bind(runId, partition))
                        .thenCompose(page -> readPages(page, ids)));
            }
            inFlight.awaitAll();
        } catch (ExecutionException e) {
            throw new TaskFailure("reading the ids of run " + runId + " from " + table + " failed", e.getCause());
        }
        return buckets.stream().flatMap(List::stream).toList();
    }

    /** Adds this page's ids and those of the pages after it; one bucket's pages come one after another. */
    private static CompletionStage<Void> readPages(AsyncResultSet page, List<UUID> ids) {
        for (Row row : page.currentPage()) {
            ids.add(row.getUuid(0));
        }
        return page.hasMorePages()
                ? page.fetchNextPage().thenCompose(next -> readPages(next, ids))
                : CompletableFuture.completedFuture(null);
    }
}
