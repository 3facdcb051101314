package io.github.userspipeline.task;

import java.io.Serializable;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the Cassandra cluster is, who connects and how long connecting and a request may take: the
 * same settings, under the same {@code CASSANDRA_} names, for every task that talks to Cassandra,
 * each with its own driver (a picocli mixin: {@code @Mixin CassandraConnection}). Serializable, so
 * a Spark job can ship it to its executors.
 */
public final class CassandraConnection implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int DEFAULT_PORT = 9042;

    @Option(
            names = "--cassandra-contact-points",
            defaultValue = "localhost:9042",
            description = "Comma list of host[:port] (port 9042 when left out). Env: CASSANDRA_CONTACT_POINTS")
    private String contactPoints;

    @Option(
            names = "--cassandra-local-dc",
            defaultValue = "datacenter1",
            description = "The local data center. Env: CASSANDRA_LOCAL_DC")
    private String localDc;

    @Option(
            names = "--cassandra-username",
            defaultValue = "",
            description = "Empty when Cassandra does not require authentication. Env: CASSANDRA_USERNAME")
    private String username;

    @Option(names = "--cassandra-password", defaultValue = "", description = "Env: CASSANDRA_PASSWORD")
    private String password;

    @Option(
            names = "--cassandra-connect-timeout-seconds",
            defaultValue = "10",
            description = "How long connecting may take before the task fails. Env: CASSANDRA_CONNECT_TIMEOUT_SECONDS")
    private int connectTimeoutSeconds;

    @Option(
            names = "--cassandra-request-timeout-seconds",
            defaultValue = "60",
            description = "Timeout of one request (a write, a count query). Env: CASSANDRA_REQUEST_TIMEOUT_SECONDS")
    private int requestTimeoutSeconds;

    /** Refuses values no driver can work with (exit 2); a task calls it before it connects. */
    public void validate() {
        contactAddresses();
        BadOptionValue.requireTimeout("CASSANDRA_CONNECT_TIMEOUT_SECONDS", connectTimeoutSeconds);
        BadOptionValue.requireTimeout("CASSANDRA_REQUEST_TIMEOUT_SECONDS", requestTimeoutSeconds);
    }

    /** The comma list as given, e.g. for the Spark Cassandra connector's {@code connection.host}. */
    public String contactPoints() {
        return contactPoints;
    }

    /** Each contact point, unresolved, so that the driver resolves (and reports) names itself. */
    public List<InetSocketAddress> contactAddresses() {
        List<InetSocketAddress> addresses = Arrays.stream(contactPoints.split(","))
                .map(String::strip)
                .filter(point -> !point.isEmpty())
                .map(CassandraConnection::address)
                .toList();
        if (addresses.isEmpty()) {
            throw BadOptionValue.mustBe("CASSANDRA_CONTACT_POINTS", "a comma list of host[:port]", contactPoints);
        }
        return addresses;
    }

    private static InetSocketAddress address(String point) {
        int colon = point.lastIndexOf(':');
        if (colon < 0) {
            return InetSocketAddress.createUnresolved(point, DEFAULT_PORT);
        }
        try {
            return InetSocketAddress.createUnresolved(
                    point.substring(0, colon), Integer.parseInt(point.substring(colon + 1)));
        } catch (IllegalArgumentException notAPort) { // not a number, or out of range
            throw BadOptionValue.mustBe("CASSANDRA_CONTACT_POINTS", "a comma list of host[:port]", point);
        }
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

    public int connectTimeoutSeconds() {
        return connectTimeoutSeconds;
    }

    public int requestTimeoutSeconds() {
        return requestTimeoutSeconds;
    }

    /** For messages: never the password. */
    public String describe() {
        return contactPoints + " (data center " + localDc + ")";
    }

    /** Like {@link #describe()}: the password must not reach a log or an exception message. */
    @Override
    public String toString() {
        return "CassandraConnection[" + describe() + (username.isEmpty() ? "" : ", user " + username) + "]";
    }
}
