package io.github.userspipeline.task;

import picocli.CommandLine.Option;

/**
 * Where the Cassandra cluster is and who connects: the same four settings for every task that
 * talks to Cassandra, each with its own driver (a picocli mixin: {@code @Mixin CassandraConnection}).
 */
public final class CassandraConnection {

    @Option(names = "--cassandra-contact-points", defaultValue = "localhost:9042",
            description = "Comma list of host[:port]. Env: CASSANDRA_CONTACT_POINTS")
    private String contactPoints;

    @Option(names = "--cassandra-local-dc", defaultValue = "datacenter1",
            description = "The local data center. Env: CASSANDRA_LOCAL_DC")
    private String localDc;

    @Option(names = "--cassandra-username", defaultValue = "",
            description = "Empty when Cassandra does not require authentication. Env: CASSANDRA_USERNAME")
    private String username;

    @Option(names = "--cassandra-password", defaultValue = "", description = "Env: CASSANDRA_PASSWORD")
    private String password;

    public String contactPoints() {
        return contactPoints;
    }

    public String localDc() {
        return localDc;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** For messages: never the password. */
    public String describe() {
        return contactPoints + " (data center " + localDc + ")";
    }
}
