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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Benchmark of verify-cassandra on a real node holding 10 older runs of 100,000 users and one run of
 * 100,000 users to verify, all in created_users and users_by_run as the job writes them: the run
 * is 1/11 (9 %) of created_users. The node is then restarted, which flushes every table to
 * SSTables, and the benchmark waits for Cassandra's first size estimates (30 s after the start), as
 * a table that has lived for more than a few minutes has them. Each figure is the median of
 * {@value #REPEATS} timings on one connected session (the three ways of the run's check taken in
 * turn, round after round), so that they measure the reading, not the JVM
 * and driver start (the task jar is also run once per mode, to check it, and its own figures logged):
 * <ol>
 *   <li>verify_100k_seconds: the 100k run verified as the task does: its ids read and their
 *       digest compared, its rejections counted, its rows in created_users checked the way the
 *       task chooses by the table's estimated size; baseline: the same with the look-ups.</li>
 *   <li>verify_100k_lookups_seconds and verify_100k_scan_seconds: the same, each way forced; with
 *       the estimate, their per-id and per-row costs give the break-even share of the run in the
 *       table (logged), against {@link CreatedUsersCheck#SCAN_FROM_RUN_SHARE}.</li>
 *   <li>verify_100k_lookups_cassandra_cpu_seconds: the Cassandra node's CPU time in the look-ups'
 *       created_users part (median); baseline: that part's time, so the ratio is how many cores
 *       Cassandra kept busy (this JVM's own CPU time is logged beside it).</li>
 *   <li>full_count_seconds: users_by_run counted over token ranges, as {@code --verify-mode
 *       full-count} does, against one plain {@code SELECT count(*)} of the same table.</li>
 * </ol>
 * Run from the repository root (about 4 minutes; build the jar first):
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
    private static final int REPEATS = 7;
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
        try (CassandraNode node = CassandraNode.start(target.resolve("servers").resolve("cassandra-bench"))) {
            RunDigest produced;
            try (TestCassandra cassandra = TestCassandra.withSchema(node)) {
                for (int run = 0; run < OLDER_RUNS; run++) {
                    insertRun(cassandra, "older-" + run);
                }
                produced = insertRun(cassandra, RUN_ID);
            }
            long rows = (OLDER_RUNS + 1L) * USERS_PER_RUN;
            long started = System.nanoTime();
            node.stop();
            node.start();
            progress("node restarted (its memtables flushed) in " + seconds(started, System.nanoTime()) + " s");
            try (TestCassandra cassandra = TestCassandra.withSchema(node)) {
                CqlSession session = cassandra.session();
                TableMetadata usersByRun = table(session, "users_by_run");
                TableMetadata rejected = table(session, "rejected_users");
                TableMetadata createdUsers = table(session, "created_users");
                long estimate = awaitEstimate(session, createdUsers);
                checkTheJar(jar, cassandra, produced, rows);

                CreatedUsersCheck check = new CreatedUsersCheck(session, createdUsers);
                CreatedUsersCheck.Choice choice = check.choose(USERS_PER_RUN);
                progress("the task's choice: " + choice.way() + ", " + choice.reason());
                Verify verify = new Verify(session, usersByRun, rejected, check, produced, node.handle());
                // Untimed: whichever is timed first would otherwise pay for the cold caches and JIT.
                progress("warming up, each way once:");
                verify.once(CreatedUsersCheck.Way.LOOKUPS);
                verify.once(CreatedUsersCheck.Way.SCAN);
                verify.reset();
                Map<String, Double> ways = medianSecondsInTurn(
                        USERS_PER_RUN,
                        Map.of(
                                "the task's choice", verify::asTheTask,
                                "lookups", () -> verify.once(CreatedUsersCheck.Way.LOOKUPS),
                                "scan", () -> verify.once(CreatedUsersCheck.Way.SCAN)));
                double chosen = ways.get("the task's choice");
                double lookups = ways.get("lookups");
                double scan = ways.get("scan");
                // Where the scan and the look-ups break even: a look-up's cost per id against the scan's per row.
                double lookupPerId = verify.median(CreatedUsersCheck.Way.LOOKUPS) / USERS_PER_RUN;
                double scanPerRow = verify.median(CreatedUsersCheck.Way.SCAN) / rows;
                progress(String.format(
                        Locale.ROOT,
                        "created_users: a look-up %.1f us per id, the scan %.2f us per row of the table (%d rows,"
                                + " estimated %d): break-even at a run of %.1f %% of the table (the task scans"
                                + " from %.0f %%)",
                        lookupPerId * 1e6,
                        scanPerRow * 1e6,
                        rows,
                        estimate,
                        100 * scanPerRow / lookupPerId,
                        100 * CreatedUsersCheck.SCAN_FROM_RUN_SHARE));
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
                new Figure("verify_100k_seconds", chosen, "s", lookups).print();
                new Figure("verify_100k_lookups_seconds", lookups, "s", null).print();
                new Figure("verify_100k_scan_seconds", scan, "s", null).print();
                // Against the same part's time: the ratio is how many of the machine's cores Cassandra kept busy.
                new Figure(
                                "verify_100k_lookups_cassandra_cpu_seconds",
                                verify.medianCassandraCpu(CreatedUsersCheck.Way.LOOKUPS),
                                "s",
                                verify.median(CreatedUsersCheck.Way.LOOKUPS))
                        .print();
                new Figure("full_count_seconds", fullCount, "s", plainCount).print();
            }
        }
    }

    /** The run verified as the task does, created_users read one way; remembers where the time went. */
    private static final class Verify {

        private final CqlSession session;
        private final TableMetadata usersByRun;
        private final TableMetadata rejected;
        private final CreatedUsersCheck check;
        private final RunDigest produced;
        private final ProcessHandle cassandra;
        private final Map<CreatedUsersCheck.Way, List<Double>> checkSeconds =
                new EnumMap<>(CreatedUsersCheck.Way.class);
        private final Map<CreatedUsersCheck.Way, List<Double>> cassandraCpuSeconds =
                new EnumMap<>(CreatedUsersCheck.Way.class);

        Verify(
                CqlSession session,
                TableMetadata usersByRun,
                TableMetadata rejected,
                CreatedUsersCheck check,
                RunDigest produced,
                ProcessHandle cassandra) {
            this.session = session;
            this.usersByRun = usersByRun;
            this.rejected = rejected;
            this.check = check;
            this.produced = produced;
            this.cassandra = cassandra;
        }

        /** As the task: the way chosen by the table's estimated size, the choice timed too. */
        long asTheTask() throws InterruptedException {
            return once(Optional.empty());
        }

        long once(CreatedUsersCheck.Way way) throws InterruptedException {
            return once(Optional.of(way));
        }

        private long once(Optional<CreatedUsersCheck.Way> forced) throws InterruptedException {
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
            CreatedUsersCheck.Way way =
                    forced.orElseGet(() -> check.choose(found.ids().size()).way());
            Duration cassandraCpu = cpu(cassandra);
            Duration ownCpu = cpu(ProcessHandle.current());
            CreatedUsersCheck.Result data = check.check(RUN_ID, found.ids(), way);
            long checked = System.nanoTime();
            cassandraCpu = cpu(cassandra).minus(cassandraCpu);
            ownCpu = cpu(ProcessHandle.current()).minus(ownCpu);
            require(data.missing().isEmpty() && data.otherRun().isEmpty(), "created_users lacks users: " + data);
            require(
                    data.profile().users() == USERS_PER_RUN,
                    "profiled " + data.profile().users() + " users");
            checkSeconds.computeIfAbsent(way, any -> new ArrayList<>()).add((checked - digested) / 1e9);
            cassandraCpuSeconds.computeIfAbsent(way, any -> new ArrayList<>()).add(cassandraCpu.toNanos() / 1e9);
            progress("  ids and rejections read " + seconds(started, read) + " s, digest " + seconds(read, digested)
                    + " s, created_users " + way + " " + seconds(digested, checked) + " s (CPU: Cassandra "
                    + round(cassandraCpu.toNanos() / 1e9) + " s, this JVM " + round(ownCpu.toNanos() / 1e9) + " s)");
            return found.ids().size();
        }

        void reset() {
            checkSeconds.clear();
            cassandraCpuSeconds.clear();
        }

        /** The median time of the created_users part alone, the way's {@link #once} so far. */
        double median(CreatedUsersCheck.Way way) {
            return medianOf(checkSeconds.get(way));
        }

        /** The median CPU time Cassandra spent on the created_users part, the way's {@link #once} so far. */
        double medianCassandraCpu(CreatedUsersCheck.Way way) {
            return medianOf(cassandraCpuSeconds.get(way));
        }

        private static double medianOf(List<Double> values) {
            return values.stream().sorted().toList().get(values.size() / 2);
        }
    }

    /** A process's CPU time so far, to tell the server's share of a way's cost from the client's. */
    private static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElseThrow();
    }

    /**
     * The first size estimate of created_users after the restart, the one the task's choice reads;
     * Cassandra records it 30 s after the start.
     */
    private static long awaitEstimate(CqlSession session, TableMetadata createdUsers) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + Duration.ofMinutes(2).toNanos();
        while (true) {
            OptionalLong estimate = PartitionsEstimate.of(session, createdUsers);
            if (estimate.isPresent() && estimate.getAsLong() > 0) {
                progress("created_users estimated at " + estimate.getAsLong() + " partitions after "
                        + seconds(started, System.nanoTime()) + " s");
                return estimate.getAsLong();
            }
            require(System.nanoTime() < deadline, "no size estimate of created_users within 2 minutes");
            Thread.sleep(2000);
        }
    }

    /** A run as the job stores it, in created_users and users_by_run; returns the digest fetch-users would have reported. */
    private static RunDigest insertRun(TestCassandra cassandra, String runId) {
        long started = System.nanoTime();
        List<UUID> ids = TestCassandra.randomIds(USERS_PER_RUN);
        cassandra.insertRun(runId, ids);
        inserted(runId + " in created_users and users_by_run", started);
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
            seconds[i] = timed(what, expectedRows, count);
        }
        return median(what, expectedRows, seconds);
    }

    /**
     * The median of each way (by name) over {@value #REPEATS} rounds, the ways taken in turn within a
     * round: the machine's speed drifts within a run (the look-ups once took 2.24 s, then 1.19 s, with
     * nothing changed), and timing one way's repeats together would charge the drift to that way.
     */
    private static Map<String, Double> medianSecondsInTurn(long expectedRows, Map<String, Count> ways)
            throws Exception {
        Map<String, double[]> seconds = new TreeMap<>();
        ways.keySet().forEach(way -> seconds.put(way, new double[REPEATS]));
        for (int round = 0; round < REPEATS; round++) {
            for (Map.Entry<String, double[]> way : seconds.entrySet()) {
                way.getValue()[round] = timed(way.getKey(), expectedRows, ways.get(way.getKey()));
            }
        }
        Map<String, Double> medians = new TreeMap<>();
        seconds.forEach((way, timings) ->
                medians.put(way, median("verify " + RUN_ID + " (" + way + ")", expectedRows, timings)));
        return medians;
    }

    private static double timed(String what, long expectedRows, Count count) throws Exception {
        long started = System.nanoTime();
        long rows = count.rows();
        double seconds = (System.nanoTime() - started) / 1e9;
        require(rows == expectedRows, what + " found " + rows + " rows, not " + expectedRows);
        return seconds;
    }

    private static double median(String what, long expectedRows, double[] seconds) {
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
