package io.github.userspipeline.pipelinetests;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.task.StreamUsersOutput;
import io.github.userspipeline.task.StreamUsersSparkConf;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.Figure;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.PeakRss;
import io.github.userspipeline.testsupport.SparkCluster;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.UsersTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the cost grows with a run: one run each of 10,000, 100,000 and 1,000,000 users (or the sizes
 * in {@code BENCH_SCALE_USERS}, comma-separated), all fetched into Kafka first by fetch-users from
 * the randomuser stand-in (rate limit lifted), then each moved by submit-spark (the job on a real
 * standalone master and worker, as the DAG runs it) and proved by verify-cassandra, the smallest
 * first, into the same tables: a run meets the rows of the runs before it. For each size:
 * <ul>
 *   <li>{@code scale_<n>_rows_per_s}: rows written over the job's micro-batch time (its start-up is
 *       {@code spark_first_batch_seconds}' matter); baseline: the size before it, so the ratio is
 *       the linearity (1.0 when linear);
 *   <li>{@code scale_<n>_seconds}: submit-spark's whole time; baseline the size before, scaled to
 *       this size;
 *   <li>{@code scale_<n>_driver_peak_rss_mib}, {@code scale_<n>_executor_peak_rss_mib}: the peak
 *       resident memory of the job's driver and executor JVMs; baseline: the smallest size;
 *   <li>{@code scale_<n>_executor_heap_committed_mib}, {@code
 *       scale_<n>_executor_heap_in_use_after_gc_median_mib}: from the executor's G1 log ({@link GcLog}),
 *       how far G1 grew its heap, and what the heap held after a collection (the median); baseline:
 *       the smallest size;
 *   <li>{@code scale_<n>_cassandra_cpu_seconds_per_1000_rows}: the Cassandra node's CPU time
 *       during the job, per 1,000 rows written; baseline: the smallest size;
 *   <li>{@code scale_<n>_verify_seconds}: verify-cassandra's own time for the run, reading
 *       created_users the way it chooses by the table's size estimate (a node this young may have
 *       none yet: then the look-ups);
 *   <li>{@code scale_<n>_verify_scan_seconds}: the same with the token-range scan forced; baseline:
 *       the look-ups forced.
 * </ul>
 * Run by script/bench.sh scale (about 6 minutes), from this module's folder.
 */
public final class ScaleBenchmark {

    private static final Path WORK = Path.of("target", "scale-bench").toAbsolutePath();
    private static final String SIZES = "10000,100000,1000000";
    private static final Duration TASK_TIMEOUT = Duration.ofMinutes(30);

    /** What one size measured. */
    private record Measured(
            int users,
            double rowsPerSecond,
            double seconds,
            double driverMib,
            double executorMib,
            GcLog executorHeap,
            double cassandraCpuPer1000,
            double verifySeconds,
            double verifyLookupsSeconds,
            double verifyScanSeconds) {}

    private ScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = Arrays.stream(
                        System.getenv().getOrDefault("BENCH_SCALE_USERS", SIZES).split(","))
                .map(size -> Integer.valueOf(size.strip()))
                .sorted()
                .toList();
        String suffix = "_" + System.currentTimeMillis();
        try (KafkaBroker kafka = KafkaBroker.start(WORK.resolve("kafka"));
                CassandraNode cassandra = UsersTables.migrated(CassandraNode.start(WORK.resolve("cassandra")));
                SparkCluster spark = SparkCluster.start(WORK.resolve("spark"), 2, "2g")) {
            PipelineTasks tasks = new PipelineTasks(kafka, cassandra, spark);
            Map<Integer, JsonNode> fetched = new LinkedHashMap<>();
            for (int users : sizes) {
                JsonNode summary = tasks.fetchUsersUnlimited(runId(users, suffix), topic(users), users, TASK_TIMEOUT);
                progress("fetch-users: " + summary);
                fetched.put(users, summary);
            }
            Measured previous = null;
            Measured smallest = null;
            for (int users : sizes) {
                Measured measured = measure(tasks, cassandra, users, runId(users, suffix), fetched.get(users));
                print(measured, previous, smallest == null ? measured : smallest);
                previous = measured;
                smallest = smallest == null ? measured : smallest;
            }
        }
    }

    private static Measured measure(
            PipelineTasks tasks, CassandraNode cassandra, int users, String runId, JsonNode fetched)
            throws IOException {
        Map<String, String> submit =
                tasks.submitEnvironment(runId, topic(users), WORK.resolve(runId).resolve("checkpoint"));
        // Not under the run's folder: PeakRss tells the driver by the run id in its command line.
        Path executorGcLog = Files.createTempDirectory(WORK, "gc-").resolve("executor.log");
        submit.put(
                "SPARK_CONF",
                submit.get("SPARK_CONF") + "," + StreamUsersSparkConf.EXECUTOR_JAVA_OPTIONS + "="
                        + StreamUsersSparkConf.G1_FOOTPRINT + " "
                        + GcLog.option(executorGcLog));
        // The executor's command line names its driver by the driver's own port.
        String executor =
                "CoarseGrainedScheduler@" + submit.get("SPARK_DRIVER_HOST") + ":" + submit.get("SPARK_DRIVER_PORT");
        Duration cpuBefore = cpu(cassandra);
        TaskJar.Run submitted;
        double driverMib;
        double executorMib;
        try (PeakRss peaks = PeakRss.sample(Map.of("driver", runId, "executor", executor))) {
            submitted = PipelineTasks.SUBMIT_SPARK.run(submit, TASK_TIMEOUT);
            peaks.close();
            driverMib = peaks.peakMib("driver");
            executorMib = peaks.peakMib("executor");
        }
        double cassandraCpu = seconds(cpu(cassandra).minus(cpuBefore));
        require(submitted.exitCode() == 0, "submit-spark failed: " + submitted.lastStderrLine());
        JsonNode job = jobSummary(submitted);
        require(job.path("written").asLong() == users, "the job wrote " + job.path("written") + " of " + users);
        progress("stream-users: " + job);

        return new Measured(
                users,
                users / job.path("batches_seconds").asDouble(),
                submitted.summary().path("seconds").asDouble(),
                driverMib,
                executorMib,
                GcLog.read(executorGcLog),
                cassandraCpu / (users / 1000.0),
                verifySeconds(tasks, runId, users, fetched, "auto"),
                verifySeconds(tasks, runId, users, fetched, "lookups"),
                verifySeconds(tasks, runId, users, fetched, "scan"));
    }

    /** verify-cassandra's own time for the run, reading created_users the given way. */
    private static double verifySeconds(PipelineTasks tasks, String runId, int users, JsonNode fetched, String way) {
        Map<String, String> verify = tasks.environment(runId, topic(users));
        verify.put("VERIFY_EXPECTED_DIGEST", fetched.path("ids_digest").asText());
        verify.put("VERIFY_CREATED_USERS_READ", way);
        TaskJar.Run verified = PipelineTasks.VERIFY_CASSANDRA.run(verify, TASK_TIMEOUT);
        require(verified.exitCode() == 0, "verify-cassandra failed: " + verified.lastStderrLine());
        JsonNode summary = verified.summary();
        progress("verify-cassandra (" + way + "): read created_users by " + summary.path("created_users_read")
                + ", found " + summary.path("found") + " in " + summary.path("seconds") + " s");
        return summary.path("seconds").asDouble();
    }

    private static void print(Measured size, Measured previous, Measured smallest) {
        String name = "scale_" + size.users() + "_";
        double growth = previous == null ? 1 : size.users() / (double) previous.users();
        new Figure(
                        name + "rows_per_s",
                        size.rowsPerSecond(),
                        "rows/s",
                        previous == null ? null : previous.rowsPerSecond())
                .print();
        new Figure(name + "seconds", size.seconds(), "s", previous == null ? null : previous.seconds() * growth)
                .print();
        new Figure(name + "driver_peak_rss_mib", size.driverMib(), "MiB", smallest.driverMib()).print();
        new Figure(name + "executor_peak_rss_mib", size.executorMib(), "MiB", smallest.executorMib()).print();
        new Figure(
                        name + "executor_heap_committed_mib",
                        size.executorHeap().maxCommittedMib(),
                        "MiB",
                        smallest.executorHeap().maxCommittedMib())
                .print();
        new Figure(
                        name + "executor_heap_in_use_after_gc_median_mib",
                        size.executorHeap().medianInUseMib(),
                        "MiB",
                        smallest.executorHeap().medianInUseMib())
                .print();
        new Figure(
                        name + "cassandra_cpu_seconds_per_1000_rows",
                        size.cassandraCpuPer1000(),
                        "s",
                        smallest.cassandraCpuPer1000())
                .print();
        new Figure(name + "verify_seconds", size.verifySeconds(), "s", null).print();
        new Figure(name + "verify_scan_seconds", size.verifyScanSeconds(), "s", size.verifyLookupsSeconds()).print();
    }

    /** The job's own summary, which submit-spark copies from the driver's output into its log. */
    private static JsonNode jobSummary(TaskJar.Run submitted) throws IOException {
        JsonNode summary = null;
        for (String line : submitted.stderr()) {
            summary = StreamUsersOutput.summaryIn(line).orElse(summary);
        }
        if (summary == null) {
            throw new IllegalStateException("no job summary in submit-spark's log");
        }
        return summary;
    }

    private static Duration cpu(CassandraNode cassandra) {
        return cassandra.handle().info().totalCpuDuration().orElseThrow();
    }

    private static String runId(int users, String suffix) {
        return "scale_" + users + suffix;
    }

    private static String topic(int users) {
        return "users_scale_" + users;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
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
}
