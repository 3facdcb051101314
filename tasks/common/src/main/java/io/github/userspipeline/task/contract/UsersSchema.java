package io.github.userspipeline.task.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The pipeline's Cassandra schema, from the repository's one schema file (schema/users.cql,
 * packaged into task-common's jar by the build) as CQL statements. Every statement is
 * IF NOT EXISTS: applying them again is harmless. compose/cassandra-init.sh feeds the same file to
 * cqlsh.
 */
public final class UsersSchema {

    /** One node: one replica. */
    public static final String SINGLE_NODE_REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

    private static final String RESOURCE = "/schema/users.cql";
    private static final String REPLICATION = "${replication}";

    private UsersSchema() {}

    /** The schema's statements, comments removed, with {@code ${replication}} replaced. */
    public static List<String> statements(String replication) {
        String withoutComments = text().replaceAll("(?m)--.*$", "");
        return Arrays.stream(withoutComments.split(";"))
                .map(String::strip)
                .filter(statement -> !statement.isEmpty())
                .map(statement -> statement.replace(REPLICATION, replication))
                .toList();
    }

    /** The file as it is, placeholder included. */
    public static String text() {
        try (InputStream in = UsersSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not in the jar: build it with `mvn package`");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
