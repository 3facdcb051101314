package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.spark.connector.cql.CassandraConnector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Writes one partition of a micro-batch, on an executor: each user to created_users, its id to
 * users_by_run (grouped into single-partition batches), each rejected row to rejected_users.
 * Every copy of a user is in this partition ({@link UserRows#byUser}): the first counts as
 * written, later ones as duplicates (overwriting the same row, so the latest copy is kept).
 * The counts are added only once every write of the partition succeeded, so a failed and
 * retried task is counted once.
 */
final class CassandraUsersWriter implements ForeachPartitionFunction<Row> {

    /** What a run's micro-batches wrote so far: accumulators, merged by Spark from successful tasks. */
    record Counts(LongAccumulator written, LongAccumulator rejected, LongAccumulator duplicates)
            implements java.io.Serializable {
    }

    private record RunBucket(String runId, int bucket) {
    }

    private final CassandraConnector connector;
    private final CassandraSettings settings;
    private final Counts counts;

    CassandraUsersWriter(CassandraSettings settings, Counts counts) {
        this.connector = settings.connector();
        this.settings = settings;
        this.counts = counts;
    }

    @Override
    public void call(Iterator<Row> rows) throws Exception {
        // The connector caches the session per executor JVM: tasks and batches share its connections.
        try (CqlSession session = connector.openSession()) {
            UserStatements statements = new UserStatements(session, settings);
            AsyncWrites writes = new AsyncWrites(session, settings.writesInFlight());
            Map<RunBucket, List<UUID>> idsByRun = new HashMap<>();
            Map<UUID, String> runOfUser = new HashMap<>();
            Instant now = Instant.now();
            long written = 0;
            long rejected = 0;
            long duplicates = 0;
            while (rows.hasNext()) {
                Row row = rows.next();
                if (!row.<String>getAs(UserRows.REASON).isEmpty()) {
                    writes.execute(statements.rejected(row, now));
                    rejected++;
                    continue;
                }
                UUID id = UUID.fromString(row.getAs("id"));
                String runId = row.getAs("run_id");
                // Copies from one Kafka partition arrive in offset order, and the driver stamps writes in
                // send order: the latest copy wins.
                writes.execute(statements.user(row));
                String earlierRun = runOfUser.put(id, runId);
                if (earlierRun == null) {
                    written++;
                } else {
                    duplicates++;
                }
                if (!runId.equals(earlierRun)) {
                    RunBucket key = new RunBucket(runId, UserStatements.bucket(id));
                    List<UUID> ids = idsByRun.computeIfAbsent(key, k -> new ArrayList<>());
                    ids.add(id);
                    if (ids.size() == settings.batchRows()) {
                        writes.execute(statements.usersOfRun(key.runId(), key.bucket(), ids));
                        idsByRun.remove(key);
                    }
                }
            }
            for (var remaining : idsByRun.entrySet()) {
                writes.execute(statements.usersOfRun(remaining.getKey().runId(), remaining.getKey().bucket(),
                        remaining.getValue()));
            }
            writes.awaitAll();
            counts.written().add(written);
            counts.rejected().add(rejected);
            counts.duplicates().add(duplicates);
        }
    }
}
