package io.github.userspipeline.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The pipeline's Cassandra schema, read from the one file that defines it ({@code schema/users.cql}
 * at the repository root), as statements for the single test node. Running them is left to each
 * module's tests, with that module's own Cassandra driver.
 */
public final class UsersSchema {

    public static final String KEYSPACE = "spark_streams";

    /** One node: one replica. */
    public static final String TEST_REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

    private static final Path FILE = Path.of("schema", "users.cql");

    private UsersSchema() {
    }

    /** The schema's statements with {@code ${replication}} filled in, comments removed. */
    public static List<String> statements() {
        try {
            String script = Files.readString(locate()).replaceAll("--[^\n]*", "");
            return Arrays.stream(script.replace("${replication}", TEST_REPLICATION).split(";"))
                    .map(String::strip)
                    .filter(statement -> !statement.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tests run in a module's directory: the file is in it or in one of its parents. */
    private static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(FILE))) {
                return dir.resolve(FILE);
            }
        }
        throw new IllegalStateException(FILE + " not found above " + Path.of("").toAbsolutePath());
    }
}
