package io.github.userspipeline.pipelinetests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.FreePort;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.RealServers;
import io.github.userspipeline.testsupport.SparkCluster;
import io.github.userspipeline.testsupport.TaskJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The three task jars in the DAG's order — fetch-users, submit-spark, verify-cassandra — against
 * the real Kafka broker, Cassandra node and Spark standalone master + worker; then the ways a
 * submission must fail.
 */
@ExtendWith(RealServers.class)
class PipelineIT {

    private static final Path WORK = Path.of("target", "pipeline-it").toAbsolutePath();

    private final CassandraNode cassandra;
    private final PipelineTasks tasks;

    PipelineIT(KafkaBroker kafka, CassandraNode cassandra, SparkCluster spark) {
        this.cassandra = cassandra;
        this.tasks = new PipelineTasks(kafka, cassandra, spark);
    }

    /** A run id of its own for every test run, so no checkpoint or topic of an earlier run is reused. */
    private static String fresh(String name) {
        return name + "_" + System.currentTimeMillis();
    }

    /** The DAG's environment for a run, with a topic of the run's own. */
    private Map<String, String> environment(String runId) {
        return tasks.environment(runId, "users_" + runId);
    }

    private Map<String, String> submitEnvironment(String runId) {
        return tasks.submitEnvironment(
                runId, "users_" + runId, WORK.resolve(runId).resolve("checkpoint"));
    }

    /** Runs fetch-users for the run and returns its summary. */
    private JsonNode fetchUsers(String runId, int users) throws Exception {
        return tasks.fetchUsers(runId, "users_" + runId, users);
    }

    @Test
    void theRunsUsersGoThroughSparkIntoCassandraAndAreVerified() throws Exception {
        String runId = fresh("pipeline_ok");
        JsonNode fetched = fetchUsers(runId, 1500);
        long produced = fetched.path("produced").asLong();

        TaskJar.Run submitted = PipelineTasks.SUBMIT_SPARK.run(submitEnvironment(runId), Duration.ofMinutes(5));

        assertThat(submitted.exitCode())
                .as("submit-spark: %s", submitted.stderr())
                .isZero();
        JsonNode summary = submitted.summary();
        assertThat(summary.path("task").asText()).isEqualTo("submit-spark");
        assertThat(summary.path("run_id").asText()).isEqualTo(runId);
        assertThat(summary.path("state").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("app_id").asText()).startsWith("app-");
        assertThat(summary.path("written").asLong())
                .as("submit-spark: %s", submitted.stderr())
                .isEqualTo(produced);
        assertThat(summary.path("rejected").asLong()).isZero();
        assertThat(String.join("\n", submitted.stderr())).contains("is RUNNING", "is FINISHED");

        Map<String, String> verify = environment(runId);
        verify.put("VERIFY_EXPECTED_DIGEST", fetched.path("ids_digest").asText());
        TaskJar.Run verified = PipelineTasks.VERIFY_CASSANDRA.run(verify, Duration.ofMinutes(2));
        assertThat(verified.exitCode())
                .as("verify-cassandra: %s", verified.stderr())
                .isZero();
        assertThat(verified.summary().path("found").asLong()).isEqualTo(produced);
        assertThat(tasks.activeApplications()).isZero();
    }

    @Test
    void aFailingJobFailsTheTaskWithTheJobsReason() throws Exception {
        String runId = fresh("pipeline_no_cassandra");
        fetchUsers(runId, 10);
        Map<String, String> env = submitEnvironment(runId);
        env.put("CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + FreePort.next());

        TaskJar.Run submitted = PipelineTasks.SUBMIT_SPARK.run(env, Duration.ofMinutes(5));

        assertThat(submitted.exitCode()).isEqualTo(1);
        assertThat(submitted.summary().path("state").asText()).isEqualTo("FAILED");
        // The driver fails before it registers with the master, so the application has no id.
        assertThat(submitted.lastStderrLine())
                .startsWith("submit-spark failed: the application (no id: it never registered with the master) ")
                .contains("ended FAILED: cannot use Cassandra at ");
        assertNothingLeftBehind(runId);
    }

    @Test
    void cassandraLostAfterTheFirstBatchFailsTheTask() throws Exception {
        String runId = fresh("pipeline_cassandra_lost");
        Map<String, String> env = manySmallBatches(runId);
        TaskJar.Run submitted;
        try {
            submitted = submitWithFaultAfterFirstBatch(env, runId, cassandra::stop);
        } finally {
            cassandra.start();
        }
        assertFailedAfterRegistration(submitted);
    }

    @Test
    void anUnwritableCheckpointAfterTheFirstBatchFailsTheTask() throws Exception {
        String runId = fresh("pipeline_checkpoint_lost");
        Map<String, String> env = manySmallBatches(runId);
        Path commits = Path.of(env.get("STREAM_CHECKPOINT_LOCATION")).resolve("commits");

        // The commit log's directory becomes a file: the next batch's commit cannot be written.
        TaskJar.Run submitted = submitWithFaultAfterFirstBatch(env, runId, () -> {
            Files.move(commits, commits.resolveSibling("commits.moved"));
            Files.writeString(commits, "not a directory");
        });

        assertFailedAfterRegistration(submitted);
    }

    /** A run of 3000 users in batches of 10: far more batches than a fault needs to land in the middle. */
    private Map<String, String> manySmallBatches(String runId) throws Exception {
        fetchUsers(runId, 3000);
        Map<String, String> env = submitEnvironment(runId);
        env.put("STREAM_MAX_OFFSETS_PER_TRIGGER", "10");
        // Fail in seconds, not after Spark's four task attempts and the driver's 30 s request timeout.
        env.put("SPARK_CONF", "spark.ui.enabled=false,spark.task.maxFailures=1");
        env.put("CASSANDRA_CONNECT_TIMEOUT_SECONDS", "3");
        env.put("CASSANDRA_REQUEST_TIMEOUT_SECONDS", "5");
        return env;
    }

    @FunctionalInterface
    private interface Fault {
        void inject() throws Exception;
    }

    /** Runs submit-spark and injects {@code fault} once the job has committed its first batch. */
    private TaskJar.Run submitWithFaultAfterFirstBatch(Map<String, String> env, String runId, Fault fault)
            throws Exception {
        Files.createDirectories(WORK);
        Path stdout = WORK.resolve(runId + ".out");
        Path stderr = WORK.resolve(runId + ".err");
        Path firstCommit = Path.of(env.get("STREAM_CHECKPOINT_LOCATION"))
                .resolve("commits")
                .resolve("0");
        Instant started = Instant.now();
        Process submit = PipelineTasks.SUBMIT_SPARK.start(env, stdout, stderr);
        try {
            Instant deadline = started.plusSeconds(180);
            while (!Files.exists(firstCommit)) {
                assertThat(submit.isAlive())
                        .as("submit-spark running; stderr: %s", Files.readString(stderr))
                        .isTrue();
                assertThat(Instant.now())
                        .as("waiting for the first committed batch")
                        .isBefore(deadline);
                Thread.sleep(50);
            }
            assertThat(Files.readString(stderr)).as("the driver registered").contains("is RUNNING");
            fault.inject();
            assertThat(submit.waitFor(5, TimeUnit.MINUTES))
                    .as("submit-spark ended")
                    .isTrue();
        } finally {
            submit.destroy();
        }
        return new TaskJar.Run(
                submit.exitValue(),
                Files.readAllLines(stdout),
                Files.readAllLines(stderr),
                Duration.between(started, Instant.now()));
    }

    /** Exit 1, the job's own reason as the last line, and nothing left on the cluster. */
    /** Neither an application on the master nor a driver process of the run outlives the task. */
    private void assertNothingLeftBehind(String runId) throws Exception {
        assertThat(tasks.activeApplications()).isZero();
        assertThat(PipelineTasks.driversOf(runId))
                .as("driver processes left behind")
                .isEmpty();
    }

    private void assertFailedAfterRegistration(TaskJar.Run submitted) throws Exception {
        assertThat(submitted.exitCode())
                .as("submit-spark's exit status; stdout: %s", submitted.stdout())
                .isEqualTo(1);
        assertThat(submitted.summary().path("state").asText()).isEqualTo("FAILED");
        assertThat(submitted.summary().path("app_id").asText()).startsWith("app-");
        assertThat(submitted.lastStderrLine())
                .startsWith("submit-spark failed: application app-")
                .contains(" ended FAILED: the streaming query failed: ");
        assertNothingLeftBehind(submitted.summary().path("run_id").asText());
    }

    @Test
    void aJobPastItsTimeoutIsStoppedAndTheTaskFails() throws Exception {
        String runId = fresh("pipeline_timeout");
        fetchUsers(runId, 10);
        Map<String, String> env = submitEnvironment(runId);
        env.put("STREAM_TRIGGER", "processing-time");
        env.put("SPARK_JOB_TIMEOUT_SECONDS", "45");

        TaskJar.Run submitted = PipelineTasks.SUBMIT_SPARK.run(env, Duration.ofMinutes(5));

        assertThat(submitted.exitCode()).isEqualTo(1);
        assertThat(submitted.lastStderrLine()).startsWith("submit-spark failed: timed out after 45 s; application ");
        assertThat(submitted.summary().path("state").asText()).isIn("FINISHED", "KILLED", "FAILED", "LOST");
        assertNothingLeftBehind(runId);
    }

    @Test
    void sigtermStopsTheApplicationInsteadOfLeavingItOnTheCluster() throws Exception {
        String runId = fresh("pipeline_sigterm");
        fetchUsers(runId, 10);
        Map<String, String> env = submitEnvironment(runId);
        env.put("STREAM_TRIGGER", "processing-time");
        Path stderr = WORK.resolve(runId + ".err");
        Files.createDirectories(WORK);

        Process submit = PipelineTasks.SUBMIT_SPARK.start(env, WORK.resolve(runId + ".out"), stderr);
        for (int waited = 0; waited < 180 && !Files.readString(stderr).contains("is RUNNING"); waited++) {
            Thread.sleep(1000);
        }
        assertThat(Files.readString(stderr))
                .as("the application got to RUNNING")
                .contains("is RUNNING");
        submit.destroy();

        assertThat(submit.waitFor(90, TimeUnit.SECONDS))
                .as("submit-spark ended after SIGTERM")
                .isTrue();
        assertThat(submit.exitValue()).isNotZero();
        assertNothingLeftBehind(runId);
    }

    @Test
    void anUnreachableMasterFailsAtOnceWithAClearReason() {
        Map<String, String> env = submitEnvironment(fresh("pipeline_no_master"));
        env.put("SPARK_MASTER_URL", "spark://127.0.0.1:" + FreePort.next());
        env.put("SPARK_MASTER_CONNECT_TIMEOUT_SECONDS", "3");

        TaskJar.Run submitted = PipelineTasks.SUBMIT_SPARK.run(env, Duration.ofMinutes(1));

        assertThat(submitted.exitCode()).isEqualTo(1);
        assertThat(submitted.lastStderrLine())
                .startsWith("submit-spark failed: Spark master spark://127.0.0.1:")
                .contains("unreachable within 3 s");
    }
}
