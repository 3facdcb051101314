package io.github.userspipeline.eraseuser;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.github.userspipeline.task.CassandraSessions;
import io.github.userspipeline.task.Elapsed;
import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.task.contract.ErasureList;
import io.github.userspipeline.task.contract.StorageLayout;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The users_erase DAG's step: erases one person, by user id, from created_users, users_by_run and
 * rejected_users, after listing the id on the erasure list ({@link ErasureList}), which the job and
 * a rebuild consult: from then on no batch writes the person again. Then it reads every table again
 * and fails unless nothing of the person is left. It logs and prints the id and counts only, never
 * the person's data.
 *
 * <p>Usage: {@code java -jar erase-user.jar --erase-user-id=UUID [--cassandra-contact-points=…] …} or
 * the same settings as environment variables ({@code ERASE_USER_ID}, {@code CASSANDRA_CONTACT_POINTS},
 * …). The last stdout line is the JSON summary.
 */
@Command(
        name = "erase-user",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Erase one person from Cassandra, and list the id so that nothing writes it again.")
public final class EraseUser implements Callable<EraseUser.Summary> {

    private static final Logger log = LoggerFactory.getLogger(EraseUser.class);

    @Option(
            names = "--run-id",
            defaultValue = "",
            description = "The DAG run that erases, for the summary. Env: RUN_ID")
    String runId;

    @Option(
            names = "--erase-user-id",
            required = true,
            description = "The person's user id, created_users.id. Env: ERASE_USER_ID")
    UUID userId;

    @Mixin
    CassandraSessions cassandra;

    /**
     * What was erased: the rows deleted from each table, and {@code left}, the person's rows found
     * when every table was read again (0, or the task fails). {@code userRunId}: the run the person's
     * created_users row belonged to, null when there was none.
     */
    public record Summary(
            String task,
            String runId,
            UUID erasedId,
            String userRunId,
            long createdUsers,
            long usersByRun,
            long rejectedUsers,
            long left,
            double seconds) {}

    /** A rejected record of the person, by its primary key. */
    private record RejectedRow(String runId, int bucket, int kafkaPartition, long kafkaOffset) {}

    public static void main(String[] args) {
        TaskMain.run(new EraseUser(), args);
    }

    @Override
    public Summary call() {
        cassandra.validate();
        Instant started = Instant.now();
        try (CqlSession session = cassandra.open()) {
            StorageLayout.TABLES.forEach(table -> cassandra.table(session, table));
            String userRun = createdUsersRun(session);
            // Listed first: a batch that starts from now on drops the person's records.
            ErasureList.add(session, userId, userRun, started);
            log.info("user {}: on the erasure list; deleting the rows of run {}", userId, userRun);
            long created = userRun == null ? 0 : 1;
            if (userRun != null) {
                delete(session, StorageLayout.CREATED_USERS, "id = ?", userId);
            }
            long byRun = indexRows(session, userRun);
            if (byRun > 0) {
                delete(
                        session,
                        StorageLayout.USERS_BY_RUN,
                        "run_id = ? AND bucket = ? AND id = ?",
                        userRun,
                        StorageLayout.bucketOf(userId),
                        userId);
            }
            List<RejectedRow> rejected = rejectedRows(session);
            rejected.forEach(row -> delete(
                    session,
                    StorageLayout.REJECTED_USERS,
                    "run_id = ? AND bucket = ? AND kafka_partition = ? AND kafka_offset = ?",
                    row.runId(),
                    row.bucket(),
                    row.kafkaPartition(),
                    row.kafkaOffset()));
            long left = rowsLeft(session, userRun);
            Summary summary = new Summary(
                    "erase-user",
                    runId,
                    userId,
                    userRun,
                    created,
                    byRun,
                    rejected.size(),
                    left,
                    Elapsed.secondsSince(started));
            if (left > 0) {
                throw new TaskFailure(
                        "user " + userId + ": " + left + " rows still there after the deletes (a batch that"
                                + " started before the listing wrote them): run users_erase again",
                        summary,
                        null);
            }
            log.info(
                    "user {}: erased ({} created_users, {} users_by_run, {} rejected_users rows); read again, none left",
                    userId,
                    created,
                    byRun,
                    rejected.size());
            return summary;
        }
    }

    /** The run of the person's created_users row, or null when there is none. */
    private String createdUsersRun(CqlSession session) {
        Row row = session.execute(SimpleStatement.newInstance(
                        "SELECT run_id FROM " + StorageLayout.qualified(StorageLayout.CREATED_USERS) + " WHERE id = ?",
                        userId))
                .one();
        return row == null ? null : row.getString("run_id");
    }

    /** Deletes the row of {@code key}; idempotent, so the driver may retry it. */
    private static void delete(CqlSession session, String table, String key, Object... values) {
        session.execute(
                SimpleStatement.newInstance("DELETE FROM " + StorageLayout.qualified(table) + " WHERE " + key, values)
                        .setIdempotent(true));
    }

    /**
     * The person's users_by_run rows (0 or 1), found by the run of their created_users row; none
     * without one (the index is keyed by run: finding it otherwise would read the whole table).
     */
    private long indexRows(CqlSession session, String userRun) {
        if (userRun == null) {
            return 0;
        }
        return session.execute(SimpleStatement.newInstance(
                        "SELECT id FROM " + StorageLayout.qualified(StorageLayout.USERS_BY_RUN)
                                + " WHERE run_id = ? AND bucket = ? AND id = ?",
                        userRun,
                        StorageLayout.bucketOf(userId),
                        userId))
                .all()
                .size();
    }

    /**
     * The rejected records that carry the person's id, found in their raw text: the whole table is
     * read, because a rejected record's id may be malformed and is not a key (rejects are few).
     */
    private List<RejectedRow> rejectedRows(CqlSession session) {
        String id = userId.toString();
        return StreamSupport.stream(
                        session.execute("SELECT run_id, bucket, kafka_partition, kafka_offset, raw FROM "
                                        + StorageLayout.qualified(StorageLayout.REJECTED_USERS))
                                .spliterator(),
                        false)
                .filter(row -> row.getString("raw") != null
                        && row.getString("raw").toLowerCase(Locale.ROOT).contains(id))
                .map(row -> new RejectedRow(
                        row.getString("run_id"),
                        row.getInt("bucket"),
                        row.getInt("kafka_partition"),
                        row.getLong("kafka_offset")))
                .toList();
    }

    /** The person's rows in the three tables, read again. */
    private long rowsLeft(CqlSession session, String userRun) {
        long created = createdUsersRun(session) == null ? 0 : 1;
        return created + indexRows(session, userRun) + rejectedRows(session).size();
    }
}
