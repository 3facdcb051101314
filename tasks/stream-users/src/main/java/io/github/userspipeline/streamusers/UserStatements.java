package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.github.userspipeline.task.RunIds;
import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.task.contract.UserRecord;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The job's three writes as prepared statements, bound from the rows {@link RecordClassifier} produces.
 * Every write is an idempotent upsert (the driver may retry it) with the configured TTL and
 * consistency level. Values are bound by index with typed setters: each column's index in its
 * statement, and each field's in the rows (read from the first row's schema), is looked up once.
 */
final class UserStatements {

    private static final List<String> USER_COLUMNS = List.of(RecordClassifier.CONTRACT.fieldNames());
    /** The id's position in {@link UserRecord#FIELDS}: text in the rows, a uuid in Cassandra. */
    private static final int ID_FIELD = UserRecord.names().indexOf(UserRecord.ID);
    /** Kafka's default record limit is 1 MB: a longer raw value is rare, and at most 4 MB as UTF-8. */
    static final int RAW_LENGTH = 1_000_000;

    private final PreparedStatement user;
    private final PreparedStatement userByRun;
    private final PreparedStatement rejected;
    private final int ttlSeconds;
    private final ConsistencyLevel consistency;
    /** Per contract field ({@link UserRecord#FIELDS}): its variable's index in {@link #user}. */
    private final int[] userVariables;

    private final int userTtlVariable;
    /** Where the fields are in the rows; null until the first row. */
    private RowLayout rows;

    /** Where the written fields are in the classified rows. */
    private record RowLayout(StructType schema, int[] userFields, int runId, int partition, int offset, int raw) {

        static RowLayout of(StructType schema) {
            return new RowLayout(
                    schema,
                    UserRecord.FIELDS.stream()
                            .mapToInt(field -> schema.fieldIndex(field.name()))
                            .toArray(),
                    schema.fieldIndex("run_id"),
                    schema.fieldIndex(RecordClassifier.KAFKA_PARTITION),
                    schema.fieldIndex(RecordClassifier.KAFKA_OFFSET),
                    schema.fieldIndex(RecordClassifier.RAW));
        }
    }

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
        this.userVariables = UserRecord.FIELDS.stream()
                .mapToInt(field -> user.getVariableDefinitions().firstIndexOf(field.name()))
                .toArray();
        this.userTtlVariable = USER_COLUMNS.size();
    }

    private RowLayout layout(Row row) {
        // The rows of a partition share one schema instance: compared by reference, not field by field.
        if (rows == null || rows.schema() != row.schema()) {
            rows = RowLayout.of(row.schema());
        }
        return rows;
    }

    /**
     * The user's row. A valid user lacks a field only where its record's contract version predates
     * it: that column is left unset, not bound to null (a tombstone), so that an older record leaves
     * it empty, or as an earlier copy of the user wrote it.
     */
    BoundStatement user(Row row) {
        RowLayout layout = layout(row);
        // A new builder has every variable unset: a field is bound only where the row has a value.
        BoundStatementBuilder statement = user.boundStatementBuilder();
        for (int f = 0; f < userVariables.length; f++) {
            int field = layout.userFields()[f];
            if (row.isNullAt(field)) {
                continue;
            }
            int variable = userVariables[f];
            if (f == ID_FIELD) {
                statement = statement.setUuid(variable, UUID.fromString(row.getString(field)));
            } else {
                statement = switch (UserRecord.FIELDS.get(f).kind()) {
                    case TEXT -> statement.setString(variable, row.getString(field));
                    case NUMBER -> statement.setDouble(variable, row.getDouble(field));
                    // Spark's timestamps are java.sql.Timestamp; the driver maps CQL timestamp to Instant.
                    case INSTANT ->
                        statement.setInstant(variable, row.getTimestamp(field).toInstant());
                };
            }
        }
        return finish(statement.setInt(userTtlVariable, ttlSeconds).build());
    }

    /** One single-partition batch: the ids of one (run, bucket), cheap for Cassandra to apply. */
    BatchStatement usersOfRun(String runId, int bucket, List<UUID> ids) {
        BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
        for (UUID id : ids) {
            batch = batch.add(userByRun
                    .boundStatementBuilder()
                    .setString(0, runId)
                    .setInt(1, bucket)
                    .setUuid(2, id)
                    .setInt(3, ttlSeconds)
                    .build());
        }
        return batch.setIdempotent(true).setConsistencyLevel(consistency);
    }

    /**
     * The record's row in rejected_users: under its own run id only when that is a valid one (a
     * bounded key), "" otherwise; the raw value cut to {@link #RAW_LENGTH} characters, so that the
     * rejection itself stays far below Cassandra's mutation limit.
     */
    BoundStatement rejected(Row row, String reason, Instant rejectedAt) {
        RowLayout layout = layout(row);
        String runId = row.getString(layout.runId());
        int partition = row.getInt(layout.partition());
        String raw = row.getString(layout.raw());
        if (raw != null && raw.length() > RAW_LENGTH) {
            // The length after ": ", as values are, so that the reason's kind (UserRules.kindOf) stays one.
            reason += "; raw value cut to its first " + RAW_LENGTH + " characters, its length: " + raw.length();
            raw = raw.substring(0, RAW_LENGTH);
        }
        return finish(rejected.boundStatementBuilder()
                .setString(0, RunIds.isValid(runId) ? runId : "")
                .setInt(1, StorageLayout.bucketOfPartition(partition))
                .setInt(2, partition)
                .setLong(3, row.getLong(layout.offset()))
                .setString(4, reason)
                .setString(5, raw)
                .setInstant(6, rejectedAt)
                .setInt(7, ttlSeconds)
                .build());
    }

    private BoundStatement finish(BoundStatement statement) {
        return statement.setIdempotent(true).setConsistencyLevel(consistency);
    }
}
