package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.spark.connector.cql.CassandraConnector;
import io.github.userspipeline.task.Excerpt;
import io.github.userspipeline.task.contract.StorageLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Writes one partition of a micro-batch, on an executor, in two steps. First each user to
 * created_users and each rejected row to rejected_users. Then, once those writes are done, the ids
 * of the users written to users_by_run (grouped into single-partition batches): a user is indexed
 * only after its row exists. A user whose own write Cassandra refuses (InvalidQueryException:
 * every replay would be refused alike) becomes a rejected row with Cassandra's reason, neither
 * written nor indexed; any other failure fails the task, and Spark retries the batch.
 * Every copy of a user is in this partition (records are keyed by id: {@link RecordClassifier}): the first written counts as
 * written, later ones as duplicates (overwriting the same row, so the latest copy is kept).
 * The counts are added only once every write of the partition succeeded, so a failed and
 * retried task is counted once.
 */
final class PartitionWriter implements ForeachPartitionFunction<Row> {

    private static final String REFUSED = "Cassandra refused the write: ";

    /** What a run's micro-batches wrote so far: accumulators, merged by Spark from successful tasks. */
    record Counts(LongAccumulator written, LongAccumulator rejected, LongAccumulator duplicates)
            implements java.io.Serializable {}

    private record RunBucket(String runId, int bucket) {}

    /** A valid record sent to created_users. */
    private record Copy(UUID id, String runId) {}

    private record Refusal(Row row, String reason) {}

    private final CassandraConnector connector;
    private final CassandraWriteSettings settings;
    private final Counts counts;

    PartitionWriter(CassandraWriteSettings settings, Counts counts) {
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
            Instant now = Instant.now();
            List<Copy> copies = new ArrayList<>();
            // Filled on driver threads: indexes in copies, and the refused rows until their rejection is sent.
            Set<Integer> refusedCopies = ConcurrentHashMap.newKeySet();
            Queue<Refusal> refusals = new ConcurrentLinkedQueue<>();
            long rejected = 0;
            while (rows.hasNext()) {
                rejected += sendRejections(refusals, statements, writes, now);
                Row row = rows.next();
                String reason = row.getAs(RecordClassifier.REASON);
                if (!reason.isEmpty()) {
                    writes.execute(statements.rejected(row, reason, now));
                    rejected++;
                    continue;
                }
                int index = copies.size();
                copies.add(new Copy(UUID.fromString(row.getAs("id")), row.getAs("run_id")));
                // Copies from one Kafka partition arrive in offset order, and the driver stamps writes in
                // send order: the latest copy wins.
                writes.execute(statements.user(row), refused -> {
                    refusedCopies.add(index);
                    refusals.add(new Refusal(row, REFUSED + Excerpt.of(refused.getMessage())));
                });
            }
            writes.awaitAll();
            rejected += sendRejections(refusals, statements, writes, now);

            Map<RunBucket, List<UUID>> idsByRun = new HashMap<>();
            Map<UUID, String> runOfUser = new HashMap<>();
            long written = 0;
            long duplicates = 0;
            for (int index = 0; index < copies.size(); index++) {
                if (refusedCopies.contains(index)) {
                    continue;
                }
                UUID id = copies.get(index).id();
                String runId = copies.get(index).runId();
                String earlierRun = runOfUser.put(id, runId);
                if (earlierRun == null) {
                    written++;
                } else {
                    duplicates++;
                }
                if (!runId.equals(earlierRun)) {
                    RunBucket key = new RunBucket(runId, StorageLayout.bucketOf(id));
                    List<UUID> ids = idsByRun.computeIfAbsent(key, k -> new ArrayList<>());
                    ids.add(id);
                    if (ids.size() == settings.batchRows()) {
                        writes.execute(statements.usersOfRun(key.runId(), key.bucket(), ids));
                        idsByRun.remove(key);
                    }
                }
            }
            for (var remaining : idsByRun.entrySet()) {
                writes.execute(statements.usersOfRun(
                        remaining.getKey().runId(), remaining.getKey().bucket(), remaining.getValue()));
            }
            writes.awaitAll();
            counts.written().add(written);
            counts.rejected().add(rejected);
            counts.duplicates().add(duplicates);
        }
    }

    /** Sends the rejections of the refusals so far: a refused row is held only until then. Returns how many. */
    private static long sendRejections(
            Queue<Refusal> refusals, UserStatements statements, AsyncWrites writes, Instant now)
            throws InterruptedException {
        long sent = 0;
        for (Refusal refusal = refusals.poll(); refusal != null; refusal = refusals.poll()) {
            writes.execute(statements.rejected(refusal.row(), refusal.reason(), now));
            sent++;
        }
        return sent;
    }
}
