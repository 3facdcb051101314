package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.task.RunDigest;
import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.Figure;
import io.github.userspipeline.testsupport.TaskJar;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Benchmark of verify-cassandra on a real node holding 1,000,000 rows of older runs and one run
 * of 100,000 users, all in users_by_run; the run's users also in created_users. Each figure is the median of {@value #REPEATS} timings
 * on one connected session, so that they measure the counting, not the JVM and driver start
 * (the task jar is also run once per mode, to check it, and its own figures logged):
 * <ol>
 *   <li>verify_100k_seconds: the 100k run verified as the task does: its ids read and their
 *       digest compared, its rejections counted, its users looked up in created_users; the older
 *       rows must not slow it down.</li>
 *   <li>full_count_seconds: users_by_run counted over token ranges, as {@code --verify-mode
 *       full-count} does, against one plain {@code SELECT count(*)} of the same table.</li>
 * </ol>
 * Run from the repository root (about 1.5 minutes; build the jar first):
 * <pre>
 * mvn -q -pl tasks/verify-cassandra -am install -DskipTests
 * mvn -q -pl tasks/verify-cassandra exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.github.userspipeline.verifycassandra.VerifyBenchmark
 * </pre>
 * Prints one JSON line per figure on stdout, progress on stderr.
 */
public final class VerifyBenchmark {

    private static final int OLDER_RUNS = 10;
    private static final int USERS_PER_RUN = 100_000;
    private static final String RUN_ID = "bench-100k";
    private static final int REPEATS = 3;
    private static final Duration JAR_TIMEOUT = Duration.ofMinutes(10);

    /** Something to time that returns the rows it counted. */
    @FunctionalInterface
    private interface Count {
        long rows() throws Exception;
    }

    private VerifyBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path target = moduleTarget();
        TaskJar jar = new TaskJar(target.resolve("verify-cassandra.jar"));
        try (CassandraNode node = CassandraNode.start(target.resolve("servers").resolve("cassandra-bench"));
                TestCassandra cassandra = TestCassandra.withSchema(node)) {
            for (int run = 0; run < OLDER_RUNS; run++) {
                insertOlderRun(cassandra, "older-" + run);
            }
            RunDigest produced = insertRun(cassandra);
            long rows = (OLDER_RUNS + 1L) * USERS_PER_RUN;
            checkTheJar(jar, cassandra, produced, rows);

            CqlSession session = cassandra.session();
            TableMetadata usersByRun = table(session, "users_by_run");
            TableMetadata rejected = table(session, "rejected_users");
            TableMetadata createdUsers = table(session, "created_users");
            double verify = medianSeconds("verify " + RUN_ID, USERS_PER_RUN, () -> {
                long started = System.nanoTime();
                RunWait.Found found = new RunWait(
                                new IndexedIds(session, usersByRun),
                                new RunRejections(session, rejected),
                                Duration.ZERO,
                                Duration.ofSeconds(1))
                        .readUntilSettled(RUN_ID, USERS_PER_RUN);
                long read = System.nanoTime();
                require(RunDigest.of(found.ids()).equals(produced), "the digest of the ids found differs");
                long digested = System.nanoTime();
                CreatedUsersCheck.Result data = new CreatedUsersCheck(session, createdUsers).check(RUN_ID, found.ids());
                require(data.missing().isEmpty() && data.otherRun().isEmpty(), "created_users lacks users: " + data);
                // Where the time goes: the created_users look-ups dominate (one partition read per id).
                progress("  ids and rejections read " + seconds(started, read) + " s, digest " + seconds(read, digested)
                        + " s, created_users look-ups " + seconds(digested, System.nanoTime()) + " s");
                return found.ids().size();
            });
            double fullCount = medianSeconds(
                    "full count",
                    rows,
                    () -> new FullTableCount(session, usersByRun)
                            .count(FullTableCount.DEFAULT_SPLITS, FullTableCount.DEFAULT_CONCURRENCY));
            double plainCount = medianSeconds(
                    "SELECT count(*)",
                    rows,
                    () -> session.execute(SimpleStatement.newInstance("SELECT count(*) FROM "
                                            + StorageLayout.qualified(StorageLayout.USERS_BY_RUN))
                                    .setTimeout(Duration.ofMinutes(5)))
                            .one()
                            .getLong(0));
            new Figure("verify_100k_seconds", verify, "s", null).print();
            new Figure("full_count_seconds", fullCount, "s", plainCount).print();
        }
    }

    private static void insertOlderRun(TestCassandra cassandra, String runId) {
        long started = System.nanoTime();
        cassandra.insertUsersByRun(runId, TestCassandra.randomIds(USERS_PER_RUN));
        inserted(runId + " in users_by_run", started);
    }

    /** The run to verify, in both tables; returns the digest fetch-users would have reported. */
    private static RunDigest insertRun(TestCassandra cassandra) {
        long started = System.nanoTime();
        List<UUID> ids = TestCassandra.randomIds(USERS_PER_RUN);
        cassandra.insertRun(RUN_ID, ids);
        inserted(RUN_ID + " in created_users and users_by_run", started);
        return RunDigest.of(ids);
    }

    private static void inserted(String what, long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        progress("run " + what + ": " + USERS_PER_RUN + " users inserted in " + round(seconds) + " s ("
                + Math.round(USERS_PER_RUN / seconds) + " users/s)");
    }

    /** Both modes of the real jar count right; their own timings include the JVM and driver start. */
    private static void checkTheJar(TaskJar jar, TestCassandra cassandra, RunDigest produced, long rows) {
        Map<String, String> verifyRun = new HashMap<>(cassandra.environment());
        verifyRun.putAll(Map.of("RUN_ID", RUN_ID, "VERIFY_EXPECTED_DIGEST", produced.toString()));
        succeeded(jar.run(verifyRun, JAR_TIMEOUT));
        Map<String, String> fullCount = new HashMap<>(cassandra.environment());
        fullCount.putAll(Map.of("VERIFY_MODE", "full-count", "VERIFY_FULL_COUNT_TABLE", "users_by_run"));
        JsonNode counted = succeeded(jar.run(fullCount, JAR_TIMEOUT));
        require(counted.get("count").asLong() == rows, "full count found " + counted.get("count") + " of " + rows);
    }

    private static JsonNode succeeded(TaskJar.Run run) {
        require(run.exitCode() == 0, "verify-cassandra exited with " + run.exitCode() + ": " + run.lastStderrLine());
        progress("verify-cassandra jar, " + round(run.took().toMillis() / 1000.0) + " s in all: "
                + run.lastStdoutLine());
        return run.summary();
    }

    private static double medianSeconds(String what, long expectedRows, Count count) throws Exception {
        double[] seconds = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long started = System.nanoTime();
            long rows = count.rows();
            seconds[i] = (System.nanoTime() - started) / 1e9;
            require(rows == expectedRows, what + " found " + rows + " rows, not " + expectedRows);
        }
        Arrays.sort(seconds);
        progress(what + ": " + expectedRows + " rows in " + round(seconds[REPEATS / 2]) + " s (median of "
                + Arrays.toString(seconds) + ")");
        return seconds[REPEATS / 2];
    }

    private static TableMetadata table(CqlSession session, String name) {
        return session.getMetadata()
                .getKeyspace(StorageLayout.KEYSPACE)
                .flatMap(keyspace -> keyspace.getTable(name))
                .orElseThrow();
    }

    private static void require(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }

    /** Straight to stderr: under {@code mvn -q exec:java} Maven's quiet level silences INFO logging. */
    private static void progress(String line) {
        System.err.println(line);
    }

    private static double seconds(long fromNanos, long toNanos) {
        return round((toNanos - fromNanos) / 1e9);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** This module's target directory, wherever Maven was started from. */
    private static Path moduleTarget() throws URISyntaxException {
        return Path.of(VerifyBenchmark.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .getParent();
    }
}
