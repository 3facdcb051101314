package io.github.userspipeline.migrateschema;

import com.datastax.oss.driver.api.core.CqlSession;
import io.github.userspipeline.task.CassandraSessions;
import io.github.userspipeline.task.Elapsed;
import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.task.contract.SchemaMigrations;
import io.github.userspipeline.task.contract.SchemaMigrations.Migration;
import io.github.userspipeline.task.contract.StorageLayout;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Brings the Cassandra schema to the version this build needs: creates the keyspace when it is
 * missing, then applies each migration of schema/migrations.cql that schema_migrations does not list
 * yet, in order, recording each. Run before the job writes (compose runs it at every
 * {@code docker compose up}); a second run applies nothing. It is the one step that needs CREATE and
 * ALTER: the job's role only reads and writes rows.
 *
 * <p>Usage: {@code java -jar migrate-schema.jar [--cassandra-contact-points=…] [--cassandra-replication=…]}
 * or the same settings as environment variables. The last stdout line is the JSON summary.
 */
@Command(
        name = "migrate-schema",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Apply the Cassandra schema migrations that are not applied yet.")
public final class MigrateSchema implements Callable<MigrateSchema.Summary> {

    private static final Logger log = LoggerFactory.getLogger(MigrateSchema.class);

    @Mixin
    CassandraSessions cassandra;

    @Option(
            names = "--cassandra-replication",
            defaultValue = SchemaMigrations.SINGLE_NODE_REPLICATION,
            description = "Replication of keyspace " + StorageLayout.KEYSPACE + " when it is missing and created"
                    + " here. Env: CASSANDRA_REPLICATION")
    String cassandraReplication;

    /** The schema's version before and after, and the migrations applied now (none when it was current). */
    public record Summary(String task, int from, int to, List<String> applied, double seconds) {}

    public static void main(String[] args) {
        TaskMain.run(new MigrateSchema(), args);
    }

    @Override
    public Summary call() {
        cassandra.validate();
        Instant started = Instant.now();
        try (CqlSession session = cassandra.open()) {
            // Only when missing: CREATE KEYSPACE IF NOT EXISTS needs CREATE on all keyspaces even when
            // the keyspace exists, a right the migration's role does not hold on compose's stack.
            if (session.getMetadata().getKeyspace(StorageLayout.KEYSPACE).isEmpty()) {
                log.info("creating keyspace {} with replication {}", StorageLayout.KEYSPACE, cassandraReplication);
                session.execute(SchemaMigrations.keyspaceStatement(cassandraReplication));
            }
            int from = SchemaMigrations.applied(session);
            log.info(
                    "{} at {}: schema at migration {}, this build's latest is {}",
                    StorageLayout.KEYSPACE,
                    cassandra.describe(),
                    from,
                    SchemaMigrations.LATEST);
            List<Migration> applied = SchemaMigrations.apply(
                    session, migration -> log.info("applying migration {}: {}", migration.version(), migration.name()));
            log.info("schema at migration {}", SchemaMigrations.LATEST);
            return new Summary(
                    "migrate-schema",
                    from,
                    SchemaMigrations.applied(session),
                    applied.stream().map(m -> m.version() + ": " + m.name()).toList(),
                    Elapsed.secondsSince(started));
        }
    }
}
