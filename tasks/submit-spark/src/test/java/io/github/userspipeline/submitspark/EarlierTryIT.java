package io.github.userspipeline.submitspark;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An Airflow worker that dies during submit_spark leaves its try's driver running while the retry
 * starts: the retry must take that application of the run off the master before it submits its own
 * (two drivers on one checkpoint corrupt it), and leave every other run's alone. The jar against the
 * real Spark cluster, Kafka broker and Cassandra node; an earlier try is submit-spark itself, the job
 * in processing-time mode, so that it runs until it is stopped.
 */
@ExtendWith(RealServers.class)
class EarlierTryIT {

    private static final TaskJar SUBMIT_SPARK = new TaskJar(Path.of("target", "submit-spark.jar"));
    private static final Path WORK = Path.of("target", "earlier-try");
    private static final Pattern APP_ID = Pattern.compile("application id (app-\\S+)");

    private final KafkaBroker kafka;
    private final CassandraNode cassandra;
    private final SparkCluster spark;
    private String runId;

    EarlierTryIT(KafkaBroker kafka, CassandraNode cassandra, SparkCluster spark) {
        this.kafka = kafka;
        this.cassandra = cassandra;
        this.spark = spark;
    }

    @BeforeEach
    void newRun(TestInfo test) throws Exception {
        runId = test.getTestMethod().orElseThrow().getName() + "_" + System.currentTimeMillis();
        Files.createDirectories(WORK);
        createTopic(runId);
    }

    /** The run's own topic, users_RUN. */
    private void createTopic(String run) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("users_" + run, 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    @Test
    void anEarlierTrysApplicationOfTheRunIsKilledBeforeTheRetrySubmitsItsOwn() throws Exception {
        EarlierTry earlier = EarlierTry.start(runId, environment(runId));
        try {
            TaskJar.Run retry = submitSucceeds();

            assertThat(retry.summary().path("earlier_apps_killed").asInt())
                    .as("the retry's summary: %s", retry.lastStdoutLine())
                    .isEqualTo(1);
            JsonNode killed = application(earlier.appId).orElseThrow();
            assertThat(killed.path("state").asText()).isEqualTo("KILLED");
            assertThat(activeApplications())
                    .noneMatch(app -> app.path("id").asText().equals(earlier.appId));
            JsonNode own = application(retry.summary().path("app_id").asText()).orElseThrow();
            assertThat(own.path("starttime").asLong())
                    .as("the retry's application started after the earlier one ended")
                    .isGreaterThanOrEqualTo(killed.path("starttime").asLong()
                            + killed.path("duration").asLong());
            assertThat(retry.stderr())
                    .anySatisfy(line -> assertThat(line).contains("killed application " + earlier.appId));
            assertThat(earlier.process.waitFor(2, TimeUnit.MINUTES))
                    .as("the earlier try ended")
                    .isTrue();
            assertThat(earlier.process.exitValue()).isNotZero();
        } finally {
            earlier.stop();
        }
    }

    @Test
    void anotherRunsApplicationIsLeftAlone() throws Exception {
        // A name that starts with this run's application name: only the very name is this run's.
        String otherRun = runId + "_other";
        createTopic(otherRun);
        EarlierTry other = EarlierTry.start(otherRun, environment(otherRun));
        try {
            TaskJar.Run submitted = submitSucceeds();

            assertThat(submitted.summary().path("earlier_apps_killed").asInt()).isZero();
            assertThat(activeApplications())
                    .anySatisfy(app -> assertThat(app.path("id").asText()).isEqualTo(other.appId));
        } finally {
            other.stop();
        }
    }

    @Test
    void anUnreachableMasterWebUiFailsTheTaskWithTheReason() {
        Map<String, String> env = environment(runId);
        String nobody = "http://127.0.0.1:" + FreePort.next();
        env.put("SPARK_MASTER_UI_URL", nobody);

        TaskJar.Run submitted = SUBMIT_SPARK.run(env, Duration.ofMinutes(1));

        assertThat(submitted.exitCode()).isEqualTo(1);
        assertThat(submitted.lastStderrLine())
                .startsWith("submit-spark failed: Spark master web UI " + nobody + " unreachable")
                .doesNotContain("\tat ");
    }

    /** submit-spark for this test's run, which must succeed. */
    private TaskJar.Run submitSucceeds() {
        TaskJar.Run submitted = SUBMIT_SPARK.run(environment(runId), Duration.ofMinutes(5));
        assertThat(submitted.exitCode())
                .as("submit-spark: %s", submitted.lastStderrLine())
                .isZero();
        return submitted;
    }

    /** submit-spark's environment for {@code run}: its own topic and checkpoint, one core of the cluster's two. */
    private Map<String, String> environment(String run) {
        Map<String, String> env = spark.submitSparkEnvironment();
        env.putAll(Map.of(
                "RUN_ID",
                run,
                "SPARK_JOB_JAR",
                Path.of("target", "stream-users.jar").toAbsolutePath().toString(),
                "SPARK_EXECUTOR_CORES",
                "1",
                "SPARK_TOTAL_EXECUTOR_CORES",
                "1",
                "SPARK_DRIVER_MEMORY",
                "512m",
                "KAFKA_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "KAFKA_TOPIC",
                "users_" + run,
                "STREAM_CHECKPOINT_LOCATION",
                WORK.resolve(run).resolve("checkpoint").toAbsolutePath().toString()));
        env.putAll(Map.of(
                "CASSANDRA_CONTACT_POINTS", cassandra.contactPoint(),
                "CASSANDRA_LOCAL_DC", cassandra.localDatacenter(),
                "CASSANDRA_USERNAME", cassandra.username(),
                "CASSANDRA_PASSWORD", cassandra.password()));
        return env;
    }

    private List<JsonNode> activeApplications() throws Exception {
        return StreamSupport.stream(spark.masterStatus().path("activeapps").spliterator(), false)
                .toList();
    }

    /** The application with {@code appId}, active or completed, as the master lists it. */
    private Optional<JsonNode> application(String appId) throws Exception {
        JsonNode status = spark.masterStatus();
        return StreamSupport.stream(status.path("activeapps").spliterator(), false)
                .filter(app -> app.path("id").asText().equals(appId))
                .findFirst()
                .or(() -> StreamSupport.stream(status.path("completedapps").spliterator(), false)
                        .filter(app -> app.path("id").asText().equals(appId))
                        .findFirst());
    }

    /** A try of the run that still runs: submit-spark with the job in processing-time mode, its driver registered. */
    private record EarlierTry(Process process, String appId, Path stderr) {

        static EarlierTry start(String run, Map<String, String> environment) throws Exception {
            environment.put("STREAM_TRIGGER", "processing-time");
            environment.put("STREAM_TRIGGER_INTERVAL", "1 second");
            Path stderr = WORK.resolve(run + "-earlier.err");
            Process process = SUBMIT_SPARK.start(environment, WORK.resolve(run + "-earlier.out"), stderr);
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            while (Instant.now().isBefore(deadline)) {
                assertThat(process.isAlive())
                        .as("the earlier try runs; stderr: %s", Files.readString(stderr))
                        .isTrue();
                Matcher appId = APP_ID.matcher(Files.readString(stderr));
                if (appId.find() && Files.readString(stderr).contains("is RUNNING")) {
                    return new EarlierTry(process, appId.group(1), stderr);
                }
                Thread.sleep(500);
            }
            process.destroyForcibly();
            throw new AssertionError("the earlier try's application did not start: " + Files.readString(stderr));
        }

        /** SIGTERM: submit-spark stops its application. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
