package io.github.userspipeline.task.contract;

import java.util.List;
import java.util.UUID;

/**
 * Where the pipeline's rows live in Cassandra, defined once: stream-users writes by it and
 * verify-cassandra reads by it (schema/migrations.cql creates the same keyspace and tables, and
 * StorageLayoutTest fails when they disagree). users_by_run and rejected_users are
 * keyed by ((run_id, bucket), …): a run spreads over {@link #BUCKETS} partitions, each read on
 * its own, so the cost of reading a run grows with the run and not with the table.
 */
public final class StorageLayout {

    public static final String KEYSPACE = "spark_streams";
    /** One row per user, keyed by id. */
    public static final String CREATED_USERS = "created_users";
    /** The ids each run delivered, keyed by ((run_id, bucket), id). */
    public static final String USERS_BY_RUN = "users_by_run";
    /** Records the job could not accept, keyed by ((run_id, bucket), kafka_partition, kafka_offset). */
    public static final String REJECTED_USERS = "rejected_users";
    /** The people erased on request, keyed by id ({@code ErasureList}). */
    public static final String ERASED_USERS = "erased_users";
    /** The migrations applied to the keyspace ({@code SchemaMigrations}), keyed by version. */
    public static final String SCHEMA_MIGRATIONS = "schema_migrations";
    /** Every table of the keyspace, in schema/migrations.cql's order. */
    public static final List<String> TABLES =
            List.of(SCHEMA_MIGRATIONS, CREATED_USERS, USERS_BY_RUN, REJECTED_USERS, ERASED_USERS);
    /** Partitions per run in users_by_run and rejected_users. */
    public static final int BUCKETS = 16;

    private StorageLayout() {}

    /** {@code keyspace.table}. */
    public static String qualified(String table) {
        return KEYSPACE + "." + table;
    }

    /** A user's bucket in users_by_run: the id's first hex digit (0-15). */
    public static int bucketOf(UUID id) {
        return (int) (id.getMostSignificantBits() >>> 60);
    }

    /** A rejected record's bucket in rejected_users: from its Kafka partition. */
    public static int bucketOfPartition(int kafkaPartition) {
        return kafkaPartition % BUCKETS;
    }
}
