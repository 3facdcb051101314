package io.github.userspipeline.task;

import static java.util.Map.entry;

import java.util.Map;

/**
 * How the tasks' environment variables are named, so that one exported environment can configure
 * every task and no name means two things: a task's own settings start with its prefix; every other
 * name is shared, listed here with its one meaning, and means that in every task that reads it.
 * Each task's options test holds the task to this.
 */
public final class SettingNames {

    /** Each task's prefix for the settings only it reads. */
    public static final Map<String, String> OWN_PREFIXES = Map.of(
            "fetch-users",
            "RANDOMUSER_",
            StreamUsersOutput.COMMAND,
            "STREAM_",
            "submit-spark",
            "SPARK_",
            "verify-cassandra",
            "VERIFY_",
            "erase-user",
            "ERASE_",
            "migrate-schema",
            "MIGRATE_");

    /** The shared settings: the run, and the Kafka topics and Cassandra cluster that the tasks share. */
    public static final Map<String, String> SHARED = Map.ofEntries(
            entry("RUN_ID", "the DAG run the task works for"),
            entry("USERS_COUNT", "users fetched for the run"),
            entry("KAFKA_BOOTSTRAP_SERVERS", "the Kafka brokers"),
            entry("KAFKA_TOPIC", "the topic of the run's users"),
            entry("KAFKA_DLQ_TOPIC", "the topic of the users that fail validation"),
            entry("KAFKA_TOPIC_PARTITIONS", "partitions of the topics, when they are created"),
            entry("KAFKA_REPLICATION_FACTOR", "replication factor of the topics, when they are created"),
            entry("KAFKA_TIMEOUT_SECONDS", "how long Kafka may take to answer or acknowledge"),
            entry("KAFKA_TRANSACTION_TIMEOUT_SECONDS", "how long the run's Kafka transaction may stay open"),
            entry("CASSANDRA_CONTACT_POINTS", "the Cassandra nodes, host[:port] (CassandraConnection)"),
            entry("CASSANDRA_LOCAL_DC", "Cassandra's local data center (CassandraConnection)"),
            entry("CASSANDRA_USERNAME", "Cassandra user, empty without authentication (CassandraConnection)"),
            entry("CASSANDRA_PASSWORD", "the Cassandra user's password (CassandraConnection)"),
            entry("CASSANDRA_CONNECT_TIMEOUT_SECONDS", "how long connecting may take (CassandraConnection)"),
            entry("CASSANDRA_REQUEST_TIMEOUT_SECONDS", "timeout of one Cassandra request (CassandraConnection)"),
            entry("CASSANDRA_REPLICATION", "replication of the pipeline's keyspace, when migrate-schema creates it"),
            entry("CASSANDRA_TTL_SECONDS", "time to live of the rows written; 0 keeps them"),
            entry("CASSANDRA_WRITES_IN_FLIGHT", "asynchronous writes one writer keeps outstanding"),
            entry("CASSANDRA_BATCH_ROWS", "users_by_run ids per single-partition batch"),
            entry("CASSANDRA_CONSISTENCY", "consistency level of the writes"));

    private SettingNames() {}
}
