package io.github.userspipeline.verifycassandra;

import static java.util.stream.Collectors.groupingBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.github.userspipeline.task.BoundedInFlight;
import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.UsersTables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The test node seen from this module: a session with the schema applied, rows written the way
 * the streaming job writes them, and the environment that points the task jar at the node.
 */
final class TestCassandra implements AutoCloseable {

    /** Enough to keep the node busy without queueing past the driver's per-connection limit. */
    private static final int ROWS_IN_FLIGHT = 256;
    /** Under Cassandra's 5 KiB batch size warning. */
    private static final int ROWS_PER_BATCH = 50;

    private static final int BATCHES_IN_FLIGHT = 16;

    private final CassandraNode node;
    private final UsersTables tables;
    private final CqlSession session;

    private TestCassandra(CassandraNode node, UsersTables tables) {
        this.node = node;
        this.tables = tables;
        this.session = tables.session();
    }

    /** Connects to {@code node} with the latest schema (idempotent). */
    static TestCassandra withSchema(CassandraNode node) {
        return new TestCassandra(node, UsersTables.withSchema(node));
    }

    CqlSession session() {
        return session;
    }

    /** What the task jar needs to reach the node, as the container would get it. */
    Map<String, String> environment() {
        return Map.of(
                "CASSANDRA_CONTACT_POINTS", node.contactPoint(),
                "CASSANDRA_LOCAL_DC", node.localDatacenter(),
                "CASSANDRA_USERNAME", node.username(),
                "CASSANDRA_PASSWORD", node.password());
    }

    static List<UUID> randomIds(int count) {
        return Stream.generate(UUID::randomUUID).limit(count).toList();
    }

    /**
     * Adds {@code ids} to the run in users_by_run, in the bucket the streaming job picks. Rows of
     * one partition go in unlogged batches, as the Spark connector writes them: Cassandra applies
     * each batch as one mutation, several times faster than row by row.
     */
    void insertUsersByRun(String runId, Collection<UUID> ids) {
        PreparedStatement insert = session.prepare("INSERT INTO " + StorageLayout.qualified(StorageLayout.USERS_BY_RUN)
                + " (run_id, bucket, id) VALUES (?, ?, ?)");
        List<BatchStatement> batches = new ArrayList<>();
        ids.stream().collect(groupingBy(StorageLayout::bucketOf)).forEach((bucket, partition) -> {
            for (int from = 0; from < partition.size(); from += ROWS_PER_BATCH) {
                batches.add(BatchStatement.newInstance(
                        DefaultBatchType.UNLOGGED,
                        partition.subList(from, Math.min(from + ROWS_PER_BATCH, partition.size())).stream()
                                .map(id -> insert.bind(runId, bucket, id))
                                .toArray(BatchableStatement[]::new)));
            }
        });
        insertAll(batches.stream(), BATCHES_IN_FLIGHT);
    }

    /** Stores the run's users as the streaming job does: their rows in created_users, then their index rows. */
    void insertRun(String runId, Collection<UUID> ids) {
        insertCreatedUsers(ids, runId);
        insertUsersByRun(runId, ids);
    }

    /** Adds users to created_users, the table of all users. */
    void insertCreatedUsers(Collection<UUID> ids, String runId) {
        PreparedStatement insert = session.prepare(
                "INSERT INTO " + StorageLayout.qualified(StorageLayout.CREATED_USERS) + " (id, run_id) VALUES (?, ?)");
        insertAll(ids.stream().map(id -> insert.bind(id, runId)), ROWS_IN_FLIGHT);
    }

    /** A created_users row with the columns the run's profile counts. */
    record User(
            UUID id,
            String gender,
            String nationality,
            Instant dob,
            Instant registered,
            double latitude,
            double longitude) {}

    /** Stores the run's users as the streaming job does, with the columns of {@link User}. */
    void insertUsers(String runId, List<User> users) {
        PreparedStatement insert = session.prepare("INSERT INTO " + StorageLayout.qualified(StorageLayout.CREATED_USERS)
                + " (id, run_id, gender, nationality, dob, registered_date, latitude, longitude)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insertAll(
                users.stream()
                        .map(user -> insert.bind(
                                user.id(),
                                runId,
                                user.gender(),
                                user.nationality(),
                                user.dob(),
                                user.registered(),
                                user.latitude(),
                                user.longitude())),
                ROWS_IN_FLIGHT);
        insertUsersByRun(runId, users.stream().map(User::id).toList());
    }

    /** Records {@code count} rejections for the run with one reason. */
    void insertRejected(String runId, int count) {
        insertRejected(runId, Collections.nCopies(count, "test rejection"));
    }

    /**
     * Records one rejection per reason for the run, as if from Kafka partitions 0, 1 and 2 in turn
     * (so from three buckets), offsets 0…
     */
    void insertRejected(String runId, List<String> reasons) {
        PreparedStatement insert =
                session.prepare("INSERT INTO " + StorageLayout.qualified(StorageLayout.REJECTED_USERS)
                        + " (run_id, bucket, kafka_partition, kafka_offset, reason) VALUES (?, ?, ?, ?, ?)");
        insertAll(
                IntStream.range(0, reasons.size())
                        .mapToObj(offset -> insert.bind(
                                runId,
                                StorageLayout.bucketOfPartition(offset % 3),
                                offset % 3,
                                (long) offset,
                                reasons.get(offset))),
                ROWS_IN_FLIGHT);
    }

    /** {@link UsersTables#replicatedTo}. */
    AutoCloseable replicatedTo(int replicas) {
        return tables.replicatedTo(replicas);
    }

    void truncate(String table) {
        tables.truncate(table);
    }

    private void insertAll(Stream<? extends Statement<?>> inserts, int maxInFlight) {
        BoundedInFlight inFlight = new BoundedInFlight(maxInFlight);
        try {
            Iterator<? extends Statement<?>> statements = inserts.iterator();
            while (statements.hasNext()) {
                Statement<?> insert = statements.next();
                inFlight.submit(() -> session.executeAsync(insert));
            }
            inFlight.awaitAll();
        } catch (ExecutionException e) {
            throw new IllegalStateException("insert failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        tables.close();
    }
}
