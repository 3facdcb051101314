package io.github.userspipeline.task;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.contract.StorageLayout;
import java.time.Duration;
import picocli.CommandLine.Mixin;

/**
 * Opens a session with the shared connection settings ({@link CassandraConnection}) and looks up the
 * tables: for the tasks that talk to Cassandra with the driver itself (verify-cassandra, erase-user),
 * a picocli mixin of theirs.
 */
public final class CassandraSessions {

    @Mixin
    CassandraConnection connection;

    public void validate() {
        connection.validate();
    }

    public String describe() {
        return connection.describe();
    }

    /** Connects within the connect timeout, or fails with the reason (unreachable, bad credentials, …). */
    public CqlSession open() {
        Duration connectTimeout = Duration.ofSeconds(connection.connectTimeoutSeconds());
        Duration requestTimeout = Duration.ofSeconds(connection.requestTimeoutSeconds());
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
                .addContactPoints(connection.contactAddresses())
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
    public TableMetadata table(CqlSession session, String name) {
        CqlIdentifier keyspaceId = CqlIdentifier.fromCql(StorageLayout.KEYSPACE);
        KeyspaceMetadata keyspaceMetadata = session.getMetadata()
                .getKeyspace(keyspaceId)
                .orElseThrow(() -> schemaMissing("keyspace " + keyspaceId.asCql(true)));
        return keyspaceMetadata
                .getTable(CqlIdentifier.fromCql(name))
                .orElseThrow(() -> schemaMissing("table " + keyspaceId.asCql(true) + "." + name));
    }

    private TaskFailure schemaMissing(String what) {
        return new TaskFailure(what + " does not exist in Cassandra at " + describe()
                + ": run migrate-schema (tasks/migrate-schema) first");
    }

    public static String qualifiedName(TableMetadata table) {
        return table.getKeyspace().asCql(true) + "." + table.getName().asCql(true);
    }
}
