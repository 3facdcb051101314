package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The keyspace and tables the job writes, from the repository's one schema file (schema/users.cql,
 * packaged into the jar by the build). Every statement is IF NOT EXISTS: applying it again is harmless.
 */
final class CassandraSchema {

    static final String KEYSPACE = "spark_streams";
    private static final String RESOURCE = "/schema/users.cql";

    private CassandraSchema() {
    }

    /** The schema's statements, comments removed, with {@code ${replication}} replaced. */
    static List<String> statements(String replication) {
        String withoutComments = resource().replaceAll("(?m)--.*$", "");
        return Arrays.stream(withoutComments.split(";"))
                .map(String::strip)
                .filter(statement -> !statement.isEmpty())
                .map(statement -> statement.replace("${replication}", replication))
                .toList();
    }

    /** Creates what is missing; schema agreement is awaited by the driver after each DDL statement. */
    static void apply(CqlSession session, String replication) {
        statements(replication).forEach(session::execute);
    }

    private static String resource() {
        try (InputStream in = CassandraSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not in the jar: build it with `mvn package`");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
