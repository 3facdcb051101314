package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.BoundedInFlight;
import io.github.userspipeline.task.CassandraSessions;
import io.github.userspipeline.task.TaskFailure;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * {@link CreatedUsersCheck}'s scan: the whole of created_users read by token range, as {@link
 * FullTableCount} splits the ring (the same ranges, as many at once), only the columns the check
 * needs; each row whose id the run indexed is checked, the others are passed over. The ids never seen
 * are missing. Cassandra reads a range sequentially, a fraction of the cost of a partition read per
 * row, so the scan wins once the run is a large enough part of the table; its cost grows with the
 * table.
 */
final class CreatedUsersScan {

    private final CqlSession session;
    private final String table;
    private final PreparedStatement selectRange;

    CreatedUsersScan(CqlSession session, TableMetadata table) {
        this.session = session;
        this.table = CassandraSessions.qualifiedName(table);
        this.selectRange = session.prepare(
                "SELECT " + CreatedUsersCheck.COLUMNS + " FROM " + this.table + " WHERE " + TokenRanges.where(table));
    }

    CreatedUsersCheck.Result check(String runId, Collection<UUID> ids) throws InterruptedException {
        // Only read once filled: the driver's threads may share it.
        Set<UUID> indexed = new HashSet<>(ids);
        Set<UUID> seen = ConcurrentHashMap.newKeySet(indexed.size());
        CreatedUsersCheck.RunRows rows = new CreatedUsersCheck.RunRows(runId);
        Consumer<Row> check = row -> {
            if (indexed.contains(row.getUuid(0))) {
                seen.add(rows.add(row));
            }
        };
        BoundedInFlight inFlight = new BoundedInFlight(FullTableCount.DEFAULT_CONCURRENCY);
        try {
            for (TokenRanges.Range range : TokenRanges.split(FullTableCount.DEFAULT_SPLITS)) {
                inFlight.submit(() -> ReadRetries.executeAsync(session, selectRange.bind(range.start(), range.end()))
                        .thenCompose(page -> RunPartitions.readPages(page, check)));
            }
            inFlight.awaitAll();
        } catch (ExecutionException e) {
            throw new TaskFailure("scanning " + table + " for run " + runId + "'s users failed", e.getCause());
        }
        indexed.stream().filter(id -> !seen.contains(id)).forEach(rows::missing);
        return rows.result();
    }
}
