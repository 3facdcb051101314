package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.BadOptionValue;
import io.github.userspipeline.task.CassandraConnection;
import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.contract.StorageLayout;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where Cassandra is and how to talk to it; opens the session and looks up the tables. */
final class CassandraOptions {

    private static final int DEFAULT_PORT = 9042;

    @Mixin
    CassandraConnection connection;

    @Option(names = "--connect-timeout-seconds", defaultValue = "10",
            description = "How long connecting may take before the task fails. Env: CONNECT_TIMEOUT_SECONDS")
    int connectTimeoutSeconds;

    @Option(names = "--request-timeout-seconds", defaultValue = "60",
            description = "Timeout of one count query. Env: REQUEST_TIMEOUT_SECONDS")
    int requestTimeoutSeconds;

    void validate() {
        BadOptionValue.requireTimeout("CONNECT_TIMEOUT_SECONDS", connectTimeoutSeconds);
        BadOptionValue.requireTimeout("REQUEST_TIMEOUT_SECONDS", requestTimeoutSeconds);
    }

    String describe() {
        return connection.describe();
    }

    /** Connects within the connect timeout, or fails with the reason (unreachable, bad credentials, …). */
    CqlSession open() {
        Duration connectTimeout = Duration.ofSeconds(connectTimeoutSeconds);
        Duration requestTimeout = Duration.ofSeconds(requestTimeoutSeconds);
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, connectTimeout)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, connectTimeout)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, connectTimeout)
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, requestTimeout)
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
                // The sink writes at LOCAL_QUORUM: reading at LOCAL_QUORUM sees every acknowledged row.
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "LOCAL_QUORUM")
                // A short-lived task: no 2 s quiet period when closing, no native library just for a clock.
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                .withBoolean(DefaultDriverOption.TIMESTAMP_GENERATOR_FORCE_JAVA_CLOCK, true)
                .build();
        CqlSessionBuilder builder = CqlSession.builder()
                .withConfigLoader(config)
                .addContactPoints(contactPoints())
                .withLocalDatacenter(connection.localDc());
        if (!connection.username().isBlank()) {
            builder.withAuthCredentials(connection.username(), connection.password());
        }
        try {
            return builder.build();
        } catch (AllNodesFailedException e) {
            throw new TaskFailure("cannot connect to Cassandra at " + describe(), e);
        }
    }

    /** The table's metadata, or a failure that says what is missing: the schema not applied yet. */
    TableMetadata table(CqlSession session, String name) {
        CqlIdentifier keyspaceId = CqlIdentifier.fromCql(StorageLayout.KEYSPACE);
        KeyspaceMetadata keyspaceMetadata = session.getMetadata().getKeyspace(keyspaceId)
                .orElseThrow(() -> schemaMissing("keyspace " + keyspaceId.asCql(true)));
        return keyspaceMetadata.getTable(CqlIdentifier.fromCql(name))
                .orElseThrow(() -> schemaMissing("table " + keyspaceId.asCql(true) + "." + name));
    }

    private TaskFailure schemaMissing(String what) {
        return new TaskFailure(what + " does not exist in Cassandra at " + describe()
                + ": apply schema/users.cql (the streaming job applies it when it starts)");
    }

    static String qualifiedName(TableMetadata table) {
        return table.getKeyspace().asCql(true) + "." + table.getName().asCql(true);
    }

    private List<InetSocketAddress> contactPoints() {
        return Arrays.stream(connection.contactPoints().split(","))
                .map(String::strip)
                .filter(point -> !point.isEmpty())
                .map(CassandraOptions::address)
                .toList();
    }

    /** {@code host[:port]}; unresolved, so that the driver resolves (and reports) names itself. */
    private static InetSocketAddress address(String point) {
        int colon = point.lastIndexOf(':');
        if (colon < 0) {
            return InetSocketAddress.createUnresolved(point, DEFAULT_PORT);
        }
        try {
            return InetSocketAddress.createUnresolved(point.substring(0, colon),
                    Integer.parseInt(point.substring(colon + 1)));
        } catch (IllegalArgumentException notAPort) { // not a number, or out of range
            throw BadOptionValue.mustBe("CASSANDRA_CONTACT_POINTS", "a comma list of host[:port]", point);
        }
    }
}

