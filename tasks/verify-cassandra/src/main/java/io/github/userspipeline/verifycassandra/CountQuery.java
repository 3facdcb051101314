package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.BoundedInFlight;
import io.github.userspipeline.task.CassandraSessions;
import io.github.userspipeline.task.TaskFailure;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code SELECT count(*) FROM table WHERE …}, prepared once and run for many disjoint parts of
 * the table (partitions, token ranges) at once; the parts' counts add up to the total.
 */
final class CountQuery {

    private final CqlSession session;
    private final String table;
    private final PreparedStatement count;

    CountQuery(CqlSession session, TableMetadata table, String where) {
        this.session = session;
        this.table = CassandraSessions.qualifiedName(table);
        this.count = session.prepare("SELECT count(*) FROM " + this.table + " WHERE " + where);
    }

    /** Counts each part (its bind values), {@code maxInFlight} at once, and returns the sum. */
    long sum(List<Object[]> parts, int maxInFlight) throws InterruptedException {
        LongAdder rows = new LongAdder();
        BoundedInFlight inFlight = new BoundedInFlight(maxInFlight);
        try {
            for (Object[] values : parts) {
                inFlight.submit(() -> ReadRetries.executeAsync(session, count.bind(values))
                        .thenAccept(result -> rows.add(result.one().getLong(0))));
            }
            inFlight.awaitAll();
        } catch (ExecutionException e) {
            throw new TaskFailure("counting rows of " + table + " failed", e.getCause());
        }
        return rows.sum();
    }
}
