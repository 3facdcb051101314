package io.github.userspipeline.pipelinetests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.SparkCluster;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.randomuser.RandomUserApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The task jars (and migrate-schema's) and the environment the DAG gives them, against the tests' real Kafka
 * broker, Cassandra node and Spark cluster; and what is left on the cluster after a submission.
 */
final class PipelineTasks {

    /** Where this module's build copies the task jars (pom.xml, "task-jars"). */
    private static final Path TASK_JARS = Path.of("target", "tasks");

    static final TaskJar FETCH_USERS = new TaskJar(TASK_JARS.resolve("fetch-users.jar"));
    static final TaskJar SUBMIT_SPARK = new TaskJar(TASK_JARS.resolve("submit-spark.jar"));
    static final TaskJar VERIFY_CASSANDRA = new TaskJar(TASK_JARS.resolve("verify-cassandra.jar"));
    static final TaskJar MIGRATE_SCHEMA = new TaskJar(TASK_JARS.resolve("migrate-schema.jar"));

    private final KafkaBroker kafka;
    private final CassandraNode cassandra;
    private final SparkCluster spark;

    PipelineTasks(KafkaBroker kafka, CassandraNode cassandra, SparkCluster spark) {
        this.kafka = kafka;
        this.cassandra = cassandra;
        this.spark = spark;
    }

    /** What the DAG gives every task: the run, and where Kafka and Cassandra are. */
    Map<String, String> environment(String runId, String topic) {
        Map<String, String> env = new HashMap<>();
        env.put("RUN_ID", runId);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_TOPIC", topic);
        env.put("CASSANDRA_CONTACT_POINTS", cassandra.contactPoint());
        env.put("CASSANDRA_LOCAL_DC", cassandra.localDatacenter());
        env.put("CASSANDRA_USERNAME", cassandra.username());
        env.put("CASSANDRA_PASSWORD", cassandra.password());
        return env;
    }

    /** Runs fetch-users for the run against a randomuser stand-in of its own; its summary, or the test fails. */
    JsonNode fetchUsers(String runId, String topic, int users) throws Exception {
        try (RandomUserApi api = RandomUserApi.start()) {
            return fetchUsers(runId, topic, users, api, Map.of(), Duration.ofMinutes(2));
        }
    }

    /** As {@link #fetchUsers(String, String, int)}, with the API's rate limit lifted on both sides: a benchmark's size. */
    JsonNode fetchUsersUnlimited(String runId, String topic, int users, Duration timeout) throws Exception {
        try (RandomUserApi api = RandomUserApi.start("127.0.0.1", 0, 0, RandomUserApi.RATE_WINDOW)) {
            return fetchUsers(runId, topic, users, api, Map.of("RANDOMUSER_RATE_LIMIT_USERS", "0"), timeout);
        }
    }

    private JsonNode fetchUsers(
            String runId, String topic, int users, RandomUserApi api, Map<String, String> settings, Duration timeout) {
        Map<String, String> env = environment(runId, topic);
        env.put("USERS_COUNT", String.valueOf(users));
        env.put("RANDOMUSER_URL", api.baseUrl());
        env.putAll(settings);
        TaskJar.Run fetched = FETCH_USERS.run(env, timeout);
        assertThat(fetched.exitCode()).as("fetch-users: %s", fetched.stderr()).isZero();
        return fetched.summary();
    }

    /** submit-spark's own settings, as the image and the DAG set them, for this machine. */
    Map<String, String> submitEnvironment(String runId, String topic, Path checkpoint) {
        Map<String, String> env = environment(runId, topic);
        env.putAll(spark.submitSparkEnvironment());
        env.put(
                "SPARK_JOB_JAR",
                TASK_JARS.resolve("stream-users.jar").toAbsolutePath().toString());
        env.put("STREAM_CHECKPOINT_LOCATION", checkpoint.toString());
        return env;
    }

    /** Processes whose command line names the run: the job's driver, which submit-spark must not leave. */
    static List<String> driversOf(String runId) throws InterruptedException {
        List<String> drivers = List.of();
        for (int attempt = 0; attempt < 30; attempt++) {
            drivers = ProcessHandle.allProcesses()
                    .map(process -> process.info().commandLine().orElse(""))
                    .filter(commandLine -> commandLine.contains(runId))
                    .toList();
            if (drivers.isEmpty()) {
                break;
            }
            Thread.sleep(1000);
        }
        return drivers;
    }

    /**
     * The applications the master still runs, from its JSON status page, once it has had up to
     * 30 s to notice a driver that went away.
     */
    int activeApplications() throws Exception {
        int active = 0;
        for (int attempt = 0; attempt < 30; attempt++) {
            active = spark.masterStatus().path("activeapps").size();
            if (active == 0) {
                break;
            }
            Thread.sleep(1000);
        }
        return active;
    }
}
