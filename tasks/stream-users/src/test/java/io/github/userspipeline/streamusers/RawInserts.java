package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.task.contract.UserRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The benchmark's baseline: the same users inserted into created_users straight from one client
 * with the driver, prepared and asynchronous with a bounded number in flight: as fast as a
 * plain client writes this node, with nothing else to do.
 */
final class RawInserts {

    private final CqlSession session;
    private final PreparedStatement insert;

    RawInserts(CqlSession session) {
        this.session = session;
        List<String> columns = UserRecord.names();
        this.insert = session.prepare("INSERT INTO " + StorageLayout.qualified(StorageLayout.CREATED_USERS) + " ("
                + String.join(", ", columns) + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)");
    }

    /** Inserts every user, {@code inFlight} at a time; returns how long it took. */
    Duration insertAll(List<JsonNode> users, int inFlight) throws InterruptedException {
        AsyncWrites writes = new AsyncWrites(session, inFlight);
        Instant started = Instant.now();
        for (JsonNode user : users) {
            Object[] values =
                    UserRecord.FIELDS.stream().map(field -> value(user, field)).toArray();
            writes.execute(
                    insert.bind(values).setIdempotent(true).setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM));
        }
        writes.awaitAll();
        return Duration.between(started, Instant.now());
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
