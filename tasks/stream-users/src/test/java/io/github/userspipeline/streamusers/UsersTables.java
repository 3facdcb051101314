package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.testsupport.CassandraNode;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/** What the job left in Cassandra, read with the connector's driver as the job writes it. */
final class UsersTables implements AutoCloseable {

    private final CqlSession session;

    UsersTables(CassandraNode cassandra) {
        this.session = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
                .withLocalDatacenter(cassandra.localDatacenter())
                .withAuthCredentials(cassandra.username(), cassandra.password())
                .build();
    }

    /** Rows of created_users among {@code ids}. */
    long usersAmong(List<UUID> ids) {
        long found = 0;
        for (int from = 0; from < ids.size(); from += 500) {
            found += session.execute(session.prepare("SELECT count(*) FROM " + StorageLayout.qualified(StorageLayout.CREATED_USERS) + " WHERE id IN ?")
                    .bind(ids.subList(from, Math.min(ids.size(), from + 500)))).one().getLong(0);
        }
        return found;
    }

    /** The run's users, counted as verify-cassandra counts them: users_by_run, bucket by bucket. */
    long usersOfRun(String runId) {
        long count = 0;
        for (int bucket = 0; bucket < StorageLayout.BUCKETS; bucket++) {
            count += session.execute("SELECT count(*) FROM " + StorageLayout.qualified(StorageLayout.USERS_BY_RUN)
                    + " WHERE run_id = ? AND bucket = ?", runId, bucket).one().getLong(0);
        }
        return count;
    }

    /**
     * Reasons of the rejected rows whose raw value mentions {@code runId}: a record too broken to
     * read is filed under run "", so both partitions' buckets are read.
     */
    List<String> rejectedReasons(String runId) {
        return session.execute(session.prepare("SELECT reason, raw FROM "
                        + StorageLayout.qualified(StorageLayout.REJECTED_USERS) + " WHERE run_id IN ? AND bucket IN ?")
                        .bind(List.of("", runId), IntStream.range(0, StorageLayout.BUCKETS).boxed().toList()))
                .all().stream()
                .filter(row -> row.getString("raw").contains(runId))
                .map(row -> row.getString("reason"))
                .toList();
    }

    /**
     * The run's rows whose bucket is not the one {@link StorageLayout} gives, where verify-cassandra
     * would not look for them: read without naming a bucket (ALLOW FILTERING: the test's tables are small).
     */
    List<String> rowsOutsideTheLayout(String runId) {
        List<String> misplaced = new ArrayList<>();
        for (Row row : session.execute("SELECT bucket, id FROM " + StorageLayout.qualified(StorageLayout.USERS_BY_RUN)
                + " WHERE run_id = ? ALLOW FILTERING", runId)) {
            if (row.getInt("bucket") != StorageLayout.bucketOf(row.getUuid("id"))) {
                misplaced.add(StorageLayout.USERS_BY_RUN + " " + row.getFormattedContents());
            }
        }
        for (String run : List.of("", runId)) {
            for (Row row : session.execute("SELECT bucket, kafka_partition, raw FROM "
                    + StorageLayout.qualified(StorageLayout.REJECTED_USERS) + " WHERE run_id = ? ALLOW FILTERING", run)) {
                if (row.getString("raw").contains(runId)
                        && row.getInt("bucket") != StorageLayout.bucketOfPartition(row.getInt("kafka_partition"))) {
                    misplaced.add(StorageLayout.REJECTED_USERS + " bucket " + row.getInt("bucket") + ", kafka_partition "
                            + row.getInt("kafka_partition"));
                }
            }
        }
        return misplaced;
    }

    Row user(UUID id) {
        return session.execute("SELECT first_name, dob, latitude, run_id, TTL(first_name) AS ttl"
                + " FROM " + StorageLayout.qualified(StorageLayout.CREATED_USERS) + " WHERE id = ?", id).one();
    }

    @Override
    public void close() {
        session.close();
    }
}
