package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.github.userspipeline.task.RunIds;
import io.github.userspipeline.task.contract.StorageLayout;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Row;

/**
 * The job's three writes as prepared statements, bound from the rows {@link RecordClassifier} produces.
 * Every write is an idempotent upsert (the driver may retry it) with the configured TTL and
 * consistency level.
 */
final class UserStatements {

    private static final List<String> USER_COLUMNS = List.of(RecordClassifier.CONTRACT.fieldNames());
    /** Kafka's default record limit is 1 MB: a longer raw value is rare, and at most 4 MB as UTF-8. */
    static final int RAW_LENGTH = 1_000_000;

    private final PreparedStatement user;
    private final PreparedStatement userByRun;
    private final PreparedStatement rejected;
    private final int ttlSeconds;
    private final ConsistencyLevel consistency;

    UserStatements(CqlSession session, CassandraWriteSettings settings) {
        this.user = session.prepare("INSERT INTO " + StorageLayout.qualified(StorageLayout.CREATED_USERS) + " ("
                + String.join(", ", USER_COLUMNS) + ") VALUES (" + "?, ".repeat(USER_COLUMNS.size() - 1)
                + "?) USING TTL ?");
        this.userByRun = session.prepare("INSERT INTO " + StorageLayout.qualified(StorageLayout.USERS_BY_RUN)
                + " (run_id, bucket, id) VALUES (?, ?, ?) USING TTL ?");
        this.rejected = session.prepare("INSERT INTO " + StorageLayout.qualified(StorageLayout.REJECTED_USERS)
                + " (run_id, bucket, kafka_partition, kafka_offset, reason, raw, rejected_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?");
        this.ttlSeconds = settings.ttlSeconds();
        this.consistency = DefaultConsistencyLevel.valueOf(settings.consistencyLevel());
    }

    /**
     * The user's row. A valid user lacks a field only where its record's contract version predates
     * it: that column is left unset, not bound to null (a tombstone), so that an older record leaves
     * it empty, or as an earlier copy of the user wrote it.
     */
    BoundStatement user(Row row) {
        Object[] values = new Object[USER_COLUMNS.size() + 1];
        for (int i = 0; i < USER_COLUMNS.size(); i++) {
            values[i] = cassandraValue(row.get(row.fieldIndex(USER_COLUMNS.get(i))));
        }
        values[0] = UUID.fromString(row.getAs("id"));
        values[values.length - 1] = ttlSeconds;
        BoundStatement statement = user.bind(values);
        for (int i = 0; i < USER_COLUMNS.size(); i++) {
            if (values[i] == null) {
                statement = statement.unset(i);
            }
        }
        return finish(statement);
    }

    /** One single-partition batch: the ids of one (run, bucket), cheap for Cassandra to apply. */
    BatchStatement usersOfRun(String runId, int bucket, List<UUID> ids) {
        BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
        for (UUID id : ids) {
            batch = batch.add(userByRun.bind(runId, bucket, id, ttlSeconds));
        }
        return batch.setIdempotent(true).setConsistencyLevel(consistency);
    }

    /**
     * The record's row in rejected_users: under its own run id only when that is a valid one (a
     * bounded key), "" otherwise; the raw value cut to {@link #RAW_LENGTH} characters, so that the
     * rejection itself stays far below Cassandra's mutation limit.
     */
    BoundStatement rejected(Row row, String reason, Instant rejectedAt) {
        String runId = row.getAs("run_id");
        int partition = row.getAs(RecordClassifier.KAFKA_PARTITION);
        String raw = row.getAs(RecordClassifier.RAW);
        if (raw != null && raw.length() > RAW_LENGTH) {
            // The length after ": ", as values are, so that the reason's kind (UserRules.kindOf) stays one.
            reason += "; raw value cut to its first " + RAW_LENGTH + " characters, its length: " + raw.length();
            raw = raw.substring(0, RAW_LENGTH);
        }
        return finish(rejected.bind(
                RunIds.isValid(runId) ? runId : "",
                StorageLayout.bucketOfPartition(partition),
                partition,
                (long) row.getAs(RecordClassifier.KAFKA_OFFSET),
                reason,
                raw,
                rejectedAt,
                ttlSeconds));
    }

    private BoundStatement finish(BoundStatement statement) {
        return statement.setIdempotent(true).setConsistencyLevel(consistency);
    }

    /** Spark's timestamps are java.sql.Timestamp; the driver maps CQL timestamp to Instant. */
    private static Object cassandraValue(Object sparkValue) {
        return sparkValue instanceof Timestamp timestamp ? timestamp.toInstant() : sparkValue;
    }
}
