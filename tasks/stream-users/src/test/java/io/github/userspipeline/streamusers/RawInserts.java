package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.JsonNode;
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
        this.insert = session.prepare("INSERT INTO spark_streams.created_users (id, first_name, last_name, gender,"
                + " address, post_code, email, username, dob, registered_date, phone, picture, nationality, latitude,"
                + " longitude, run_id, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /** Inserts every user, {@code inFlight} at a time; returns how long it took. */
    Duration insertAll(List<JsonNode> users, int inFlight) throws InterruptedException {
        AsyncWrites writes = new AsyncWrites(session, inFlight);
        Instant started = Instant.now();
        for (JsonNode user : users) {
            writes.execute(insert.bind(UUID.fromString(user.get("id").asText()), text(user, "first_name"),
                    text(user, "last_name"), text(user, "gender"), text(user, "address"), text(user, "post_code"),
                    text(user, "email"), text(user, "username"), instant(user, "dob"),
                    instant(user, "registered_date"), text(user, "phone"), text(user, "picture"),
                    text(user, "nationality"), user.get("latitude").asDouble(), user.get("longitude").asDouble(),
                    text(user, "run_id"), instant(user, "fetched_at"))
                    .setIdempotent(true).setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM));
        }
        writes.awaitAll();
        return Duration.between(started, Instant.now());
    }

    private static String text(JsonNode user, String field) {
        return user.get(field).asText();
    }

    private static Instant instant(JsonNode user, String field) {
        return Instant.parse(user.get(field).asText());
    }
}
