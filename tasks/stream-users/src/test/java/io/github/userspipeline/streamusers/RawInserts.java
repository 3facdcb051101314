package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.task.contract.UserRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The benchmark's baseline: the rows the job writes for the same users, inserted straight from one
 * client with the driver, prepared and asynchronous with a bounded number in flight: as fast as a
 * plain client writes this node, with nothing else to do. Like the job, each user to created_users,
 * then, once those are written, its id to users_by_run in single-partition batches of
 * {@code batchRows} ids of one (run, bucket).
 */
final class RawInserts {

    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement insertOfRun;
    private final int batchRows;

    RawInserts(CqlSession session, int batchRows) {
        this.session = session;
        this.batchRows = batchRows;
        this.insertOfRun = session.prepare("INSERT INTO " + StorageLayout.qualified(StorageLayout.USERS_BY_RUN)
                + " (run_id, bucket, id) VALUES (?, ?, ?)");
        List<String> columns = UserRecord.names();
        this.insert = session.prepare("INSERT INTO " + StorageLayout.qualified(StorageLayout.CREATED_USERS) + " ("
                + String.join(", ", columns) + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)");
    }

    /** Inserts every user and its users_by_run row, {@code inFlight} at a time; returns how long it took. */
    Duration insertAll(List<JsonNode> users, int inFlight) throws InterruptedException {
        AsyncWrites writes = new AsyncWrites(session, inFlight);
        Instant started = Instant.now();
        for (JsonNode user : users) {
            Object[] values =
                    UserRecord.FIELDS.stream().map(field -> value(user, field)).toArray();
            writes.execute(finish(insert.bind(values)));
        }
        writes.awaitAll();
        Map<List<Object>, List<UUID>> idsByRunBucket = new HashMap<>();
        for (JsonNode user : users) {
            UUID id = UUID.fromString(user.get(UserRecord.ID).asText());
            String runId = user.get("run_id").asText();
            idsByRunBucket
                    .computeIfAbsent(List.of(runId, StorageLayout.bucketOf(id)), key -> new ArrayList<>())
                    .add(id);
        }
        for (var ids : idsByRunBucket.entrySet()) {
            String runId = (String) ids.getKey().get(0);
            int bucket = (Integer) ids.getKey().get(1);
            for (int from = 0; from < ids.getValue().size(); from += batchRows) {
                BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
                for (UUID id : ids.getValue()
                        .subList(from, Math.min(from + batchRows, ids.getValue().size()))) {
                    batch = batch.add(insertOfRun.bind(runId, bucket, id));
                }
                writes.execute(finish(batch));
            }
        }
        writes.awaitAll();
        return Duration.between(started, Instant.now());
    }

    private static <S extends Statement<S>> S finish(S statement) {
        return statement.setIdempotent(true).setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM);
    }

    /** The field's value as the driver binds its column. */
    private static Object value(JsonNode user, UserRecord.Field field) {
        JsonNode value = user.get(field.name());
        if (field.name().equals(UserRecord.ID)) {
            return UUID.fromString(value.asText());
        }
        return switch (field.kind()) {
            case NUMBER -> value.asDouble();
            case INSTANT -> Instant.parse(value.asText());
            case TEXT -> value.asText();
        };
    }
}
