package io.github.userspipeline.task.contract;

import com.datastax.oss.driver.api.core.CqlSession;
import io.github.userspipeline.task.TaskFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * The pipeline's Cassandra schema as the repository defines it (schema/keyspace.cql and
 * schema/migrations.cql, packaged into task-common's jar): the keyspace, then numbered migrations.
 * {@link #apply} runs the ones {@code schema_migrations} does not list yet, in order, and records
 * each; {@link #requireLatest} is what a task that writes checks at its start, so that a job never
 * writes columns that are not there yet (Cassandra would refuse every write).
 */
public final class SchemaMigrations {

    /** One migration: its number, what it does, and its CQL statements. */
    public record Migration(int version, String name, List<String> statements) {}

    /** One node: one replica. */
    public static final String SINGLE_NODE_REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

    private static final Pattern HEADER = Pattern.compile("(?m)^-- migration (\\d+): (.+)$");
    private static final String REPLICATION = "${replication}";

    /** Every migration, in order; their numbers are 1, 2, 3… */
    public static final List<Migration> ALL = parse(resource("migrations.cql"));

    /** The version this build's tasks need: the last migration's number. */
    public static final int LATEST = ALL.get(ALL.size() - 1).version();

    private static final String SCHEMA_MIGRATIONS = StorageLayout.qualified(StorageLayout.SCHEMA_MIGRATIONS);

    private SchemaMigrations() {}

    /** CREATE KEYSPACE IF NOT EXISTS with {@code replication}, a CQL replication map. */
    public static String keyspaceStatement(String replication) {
        List<String> statements = statements(resource("keyspace.cql"));
        if (statements.size() != 1) {
            throw new IllegalStateException("schema/keyspace.cql must hold one statement, not " + statements.size());
        }
        return statements.get(0).replace(REPLICATION, replication);
    }

    /** The highest migration recorded in the keyspace; 0 when the keyspace or the record is missing. */
    public static int applied(CqlSession session) {
        boolean recorded = session.getMetadata()
                .getKeyspace(StorageLayout.KEYSPACE)
                .flatMap(keyspace -> keyspace.getTable(StorageLayout.SCHEMA_MIGRATIONS))
                .isPresent();
        if (!recorded) {
            return 0;
        }
        return session.execute("SELECT version FROM " + SCHEMA_MIGRATIONS).all().stream()
                .mapToInt(row -> row.getInt("version"))
                .max()
                .orElse(0);
    }

    /**
     * Applies, in order, each migration after the applied version, recording each once its
     * statements succeeded. Returns the migrations it applied; {@code progress} hears of each.
     */
    public static List<Migration> apply(CqlSession session, Consumer<Migration> progress) {
        int applied = applied(session);
        List<Migration> pending =
                ALL.stream().filter(m -> m.version() > applied).toList();
        for (Migration migration : pending) {
            progress.accept(migration);
            migration.statements().forEach(session::execute);
            session.execute(
                    "INSERT INTO " + SCHEMA_MIGRATIONS + " (version, name, applied_at) VALUES (?, ?, ?)",
                    migration.version(),
                    migration.name(),
                    Instant.now());
        }
        return pending;
    }

    /** Fails, saying what to run, unless every migration this build knows is applied. */
    public static void requireLatest(CqlSession session, String where) {
        int applied = applied(session);
        if (applied < LATEST) {
            throw new TaskFailure("the Cassandra schema at " + where + " is at migration " + applied
                    + ", and this build needs " + LATEST + " ("
                    + ALL.get(LATEST - 1).name()
                    + "): run migrate-schema first (tasks/migrate-schema)");
        }
    }

    static List<Migration> parse(String text) {
        List<MatchResult> headers = HEADER.matcher(text).results().toList();
        if (headers.isEmpty()) {
            throw new IllegalStateException("schema/migrations.cql has no '-- migration N: what it does' line");
        }
        List<Migration> migrations = new ArrayList<>();
        for (int i = 0; i < headers.size(); i++) {
            MatchResult header = headers.get(i);
            int version = Integer.parseInt(header.group(1));
            if (version != i + 1) {
                throw new IllegalStateException(
                        "schema/migrations.cql: migration " + version + " where " + (i + 1) + " belongs");
            }
            int end = i + 1 < headers.size() ? headers.get(i + 1).start() : text.length();
            List<String> statements = statements(text.substring(header.end(), end));
            if (statements.isEmpty()) {
                throw new IllegalStateException("schema/migrations.cql: migration " + version + " has no statement");
            }
            migrations.add(new Migration(version, header.group(2).strip(), statements));
        }
        return List.copyOf(migrations);
    }

    private static List<String> statements(String cql) {
        String withoutComments = cql.replaceAll("(?m)--.*$", "");
        return Arrays.stream(withoutComments.split(";"))
                .map(String::strip)
                .filter(statement -> !statement.isEmpty())
                .toList();
    }

    private static String resource(String file) {
        String path = "/schema/" + file;
        try (InputStream in = SchemaMigrations.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not in the jar: build it with `mvn package`");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
