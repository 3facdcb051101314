package io.github.userspipeline.task.contract;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The erasure list ({@link StorageLayout#ERASED_USERS}), defined once for the three tasks that use
 * it: erase-user adds to it, the job (and so a rebuild) drops the records of every id on it, and
 * verify-cassandra leaves a run's erased ids out of what it expects. It holds ids only, never a
 * person's data; it stays small (one row per request), so reading it whole is cheap.
 */
public final class ErasureList {

    private static final String TABLE = StorageLayout.qualified(StorageLayout.ERASED_USERS);

    private ErasureList() {}

    /** Every erased id. */
    public static Set<UUID> all(CqlSession session) {
        return StreamSupport.stream(session.execute("SELECT id FROM " + TABLE).spliterator(), false)
                .map(row -> row.getUuid("id"))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The erased ids whose created_users row belonged to {@code runId} when they were erased. */
    public static Set<UUID> ofRun(CqlSession session, String runId) {
        return StreamSupport.stream(
                        session.execute("SELECT id, run_id FROM " + TABLE).spliterator(), false)
                .filter(row -> Objects.equals(row.getString("run_id"), runId))
                .map(row -> row.getUuid("id"))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Lists {@code id} (an upsert: erasing again changes only the time). */
    public static void add(CqlSession session, UUID id, String runId, Instant erasedAt) {
        session.execute(SimpleStatement.newInstance(
                        "INSERT INTO " + TABLE + " (id, run_id, erased_at) VALUES (?, ?, ?)", id, runId, erasedAt)
                .setIdempotent(true));
    }
}
