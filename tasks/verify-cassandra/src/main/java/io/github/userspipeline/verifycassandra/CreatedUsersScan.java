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
 * needs, and only the rows that name the run: Cassandra filters {@code run_id} as it reads each range
 * sequentially, so the other runs' rows cost a read but are never sent (sending them cost ten times
 * the read). The run's ids not seen that way, none when the run is whole, are then looked up by
 * primary key ({@link CreatedUsersLookups}): missing, or another run's row. The cost grows with the
 * table, a fraction of a partition read per row: the scan wins once the run is a large enough part
 * of the table.
 */
final class CreatedUsersScan {

    private final CqlSession session;
    private final String table;
    private final PreparedStatement selectRange;
    private final CreatedUsersLookups lookups;

    CreatedUsersScan(CqlSession session, TableMetadata table) {
        this.session = session;
        this.table = CassandraSessions.qualifiedName(table);
        this.selectRange = session.prepare("SELECT " + CreatedUsersCheck.COLUMNS + " FROM " + this.table + " WHERE "
                + TokenRanges.where(table) + " AND run_id = ? ALLOW FILTERING");
        this.lookups = new CreatedUsersLookups(session, table);
    }

    void check(String runId, Collection<UUID> ids, CreatedUsersCheck.RunRows rows) throws InterruptedException {
        // Only read once filled: the driver's threads may share it.
        Set<UUID> indexed = new HashSet<>(ids);
        Set<UUID> seen = ConcurrentHashMap.newKeySet(indexed.size());
        // A row naming the run that the run did not index is none of this check's business.
        Consumer<Row> check = row -> {
            if (indexed.contains(row.getUuid(0))) {
                seen.add(rows.add(row));
            }
        };
        BoundedInFlight inFlight = new BoundedInFlight(FullTableCount.DEFAULT_CONCURRENCY);
        try {
            for (TokenRanges.Range range : TokenRanges.split(FullTableCount.DEFAULT_SPLITS)) {
                inFlight.submit(
                        () -> ReadRetries.executeAsync(session, selectRange.bind(range.start(), range.end(), runId))
                                .thenCompose(page -> RunPartitions.readPages(page, check)));
            }
            inFlight.awaitAll();
        } catch (ExecutionException e) {
            throw new TaskFailure("scanning " + table + " for run " + runId + "'s users failed", e.getCause());
        }
        lookups.check(runId, indexed.stream().filter(id -> !seen.contains(id)).toList(), rows);
    }
}
