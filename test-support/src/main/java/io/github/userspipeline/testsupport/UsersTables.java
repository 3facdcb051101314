package io.github.userspipeline.testsupport;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import io.github.userspipeline.task.contract.SchemaMigrations;
import io.github.userspipeline.task.contract.StorageLayout;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * The tests' one Cassandra tables reader: what the pipeline left in the tables of
 * {@link StorageLayout}, read bucket by bucket as verify-cassandra reads them, with a session to the
 * test node.
 */
public final class UsersTables implements AutoCloseable {

    /** Cassandra's refusal of a LOCAL_QUORUM request to a keyspace {@link #replicatedTo} 3 replicas. */
    public static final String NOT_ENOUGH_REPLICAS =
            "Not enough replicas available for query at consistency LOCAL_QUORUM (2 required but only 1 alive)";

    private final CqlSession session;

    private UsersTables(CqlSession session) {
        this.session = session;
    }

    /** Connects to the node (schema changes and bulk writes on two shared cores: 60 s per request). */
    public static UsersTables connect(CassandraNode node) {
        return new UsersTables(CqlSession.builder()
                .addContactPoint(new InetSocketAddress(node.host(), node.port()))
                .withLocalDatacenter(node.localDatacenter())
                .withAuthCredentials(node.username(), node.password())
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(60))
                        .build())
                .build());
    }

    /** Connects and brings the schema to the latest migration, as migrate-schema does (idempotent). */
    public static UsersTables withSchema(CassandraNode node) {
        UsersTables tables = connect(node);
        tables.session.execute(SchemaMigrations.keyspaceStatement(SchemaMigrations.SINGLE_NODE_REPLICATION));
        SchemaMigrations.apply(tables.session, migration -> {});
        return tables;
    }

    /** {@code node} with the latest schema: what the job finds on a stack where migrate-schema ran. */
    public static CassandraNode migrated(CassandraNode node) {
        withSchema(node).close();
        return node;
    }

    public CqlSession session() {
        return session;
    }

    /** Rows of created_users among {@code ids}. */
    public long usersAmong(List<UUID> ids) {
        long found = 0;
        for (int from = 0; from < ids.size(); from += 500) {
            found += session.execute(session.prepare("SELECT count(*) FROM "
                                    + StorageLayout.qualified(StorageLayout.CREATED_USERS) + " WHERE id IN ?")
                            .bind(ids.subList(from, Math.min(ids.size(), from + 500))))
                    .one()
                    .getLong(0);
        }
        return found;
    }

    /** The run's user ids in users_by_run, bucket by bucket. */
    public Set<UUID> idsOfRun(String runId) {
        Set<UUID> ids = new HashSet<>();
        for (int bucket = 0; bucket < StorageLayout.BUCKETS; bucket++) {
            for (Row row : session.execute(
                    "SELECT id FROM " + StorageLayout.qualified(StorageLayout.USERS_BY_RUN)
                            + " WHERE run_id = ? AND bucket = ?",
                    runId,
                    bucket)) {
                ids.add(row.getUuid("id"));
            }
        }
        return ids;
    }

    /** How many users the run has in users_by_run: what verify-cassandra finds. */
    public long usersOfRun(String runId) {
        return idsOfRun(runId).size();
    }

    /** created_users' ids by run, of the runs {@code runs} accepts (a full scan: the tests' table is small). */
    public Map<String, Set<UUID>> createdUsersByRun(Predicate<String> runs) {
        Map<String, Set<UUID>> ids = new HashMap<>();
        for (Row row :
                session.execute("SELECT id, run_id FROM " + StorageLayout.qualified(StorageLayout.CREATED_USERS))) {
            String runId = row.getString("run_id");
            if (runId != null && runs.test(runId)) {
                ids.computeIfAbsent(runId, run -> new HashSet<>()).add(row.getUuid("id"));
            }
        }
        return ids;
    }

    /**
     * Reasons of the rejected rows whose raw value mentions {@code runId}: a record too broken to
     * read is filed under run "", so both runs' buckets are read.
     */
    public List<String> rejectedReasons(String runId) {
        return session
                .execute(session.prepare(
                                "SELECT reason, raw FROM " + StorageLayout.qualified(StorageLayout.REJECTED_USERS)
                                        + " WHERE run_id IN ? AND bucket IN ?")
                        .bind(
                                List.of("", runId),
                                IntStream.range(0, StorageLayout.BUCKETS)
                                        .boxed()
                                        .toList()))
                .all()
                .stream()
                .filter(row -> row.getString("raw").contains(runId))
                .map(row -> row.getString("reason"))
                .toList();
    }

    /**
     * The run's rows whose bucket is not the one {@link StorageLayout} gives, where verify-cassandra
     * would not look for them: read without naming a bucket (ALLOW FILTERING: the tests' tables are small).
     */
    public List<String> rowsOutsideTheLayout(String runId) {
        List<String> misplaced = new ArrayList<>();
        for (Row row : session.execute(
                "SELECT bucket, id FROM " + StorageLayout.qualified(StorageLayout.USERS_BY_RUN)
                        + " WHERE run_id = ? ALLOW FILTERING",
                runId)) {
            if (row.getInt("bucket") != StorageLayout.bucketOf(row.getUuid("id"))) {
                misplaced.add(StorageLayout.USERS_BY_RUN + ": id " + row.getUuid("id") + " in bucket "
                        + row.getInt("bucket"));
            }
        }
        for (String run : List.of("", runId)) {
            for (Row row : session.execute(
                    "SELECT bucket, kafka_partition, raw FROM " + StorageLayout.qualified(StorageLayout.REJECTED_USERS)
                            + " WHERE run_id = ? ALLOW FILTERING",
                    run)) {
                if (row.getString("raw").contains(runId)
                        && row.getInt("bucket") != StorageLayout.bucketOfPartition(row.getInt("kafka_partition"))) {
                    misplaced.add(StorageLayout.REJECTED_USERS + ": kafka_partition " + row.getInt("kafka_partition")
                            + " in bucket " + row.getInt("bucket"));
                }
            }
        }
        return misplaced;
    }

    /** One user's row: a few columns and the time to live left. */
    public Row user(UUID id) {
        return session.execute(
                        "SELECT first_name, dob, latitude, run_id, TTL(first_name) AS ttl FROM "
                                + StorageLayout.qualified(StorageLayout.CREATED_USERS) + " WHERE id = ?",
                        id)
                .one();
    }

    /**
     * Keeps the keyspace at {@code replicas} replicas in the node's data center until closed, then
     * at {@link SchemaMigrations#SINGLE_NODE_REPLICATION} again. With 3, the single node still answers
     * LOCAL_ONE but refuses LOCAL_QUORUM ("2 required but only 1 alive"): what a client's consistency
     * level really is shows.
     */
    public AutoCloseable replicatedTo(int replicas) {
        String dataCenter =
                session.execute("SELECT data_center FROM system.local").one().getString(0);
        alterReplication("{'class': 'NetworkTopologyStrategy', '" + dataCenter + "': " + replicas + "}");
        return () -> alterReplication(SchemaMigrations.SINGLE_NODE_REPLICATION);
    }

    private void alterReplication(String replication) {
        session.execute("ALTER KEYSPACE " + StorageLayout.KEYSPACE + " WITH replication = " + replication);
    }

    public void truncate(String table) {
        session.execute("TRUNCATE " + StorageLayout.qualified(table));
    }

    @Override
    public void close() {
        session.close();
    }
}
