package io.github.userspipeline.task;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The environment variables that configure the stream-users job: submit-spark forwards these and
 * no others, and the job's options are exactly these (its options test checks it). Named once, for
 * both, like {@link StreamUsersOutput}'s lines.
 */
public final class StreamUsersEnvironment {

    public static final Set<String> NAMES = Set.of(
            "RUN_ID",
            "KAFKA_BOOTSTRAP_SERVERS",
            "KAFKA_TOPIC",
            "STREAM_TRIGGER",
            "STREAM_TRIGGER_INTERVAL",
            "STREAM_CHECKPOINT_LOCATION",
            "STREAM_STARTING_OFFSETS",
            "STREAM_MAX_OFFSETS_PER_TRIGGER",
            "STREAM_REBUILD_RUN_ID",
            "STREAM_REBUILD_EXPECTED_DIGEST",
            "STREAM_REBUILD_FROM",
            "STREAM_REBUILD_UNTIL",
            "CASSANDRA_CONTACT_POINTS",
            "CASSANDRA_LOCAL_DC",
            "CASSANDRA_USERNAME",
            "CASSANDRA_PASSWORD",
            "CASSANDRA_CONNECT_TIMEOUT_SECONDS",
            "CASSANDRA_REQUEST_TIMEOUT_SECONDS",
            "CASSANDRA_TTL_SECONDS",
            "CASSANDRA_WRITES_IN_FLIGHT",
            "CASSANDRA_BATCH_ROWS",
            "CASSANDRA_CONSISTENCY");

    private StreamUsersEnvironment() {}

    /** The job's variables among {@code environment}. */
    public static Map<String, String> of(Map<String, String> environment) {
        Map<String, String> forwarded = new TreeMap<>(environment);
        forwarded.keySet().retainAll(NAMES);
        return forwarded;
    }
}
