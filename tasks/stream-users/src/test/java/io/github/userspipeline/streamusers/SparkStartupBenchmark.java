package io.github.userspipeline.streamusers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.StreamUsersOutput;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.Figure;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.SparkCluster;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.UsersTables;
import io.github.userspipeline.testsupport.UsersTopic;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code spark_first_batch_seconds}: the packaged job's fixed cost, from spark-submit's start to
 * the start of its first micro-batch, against its floor, {@code spark_floor_seconds}: the least
 * Spark application on the same cluster ({@link SparkFloor}: a session, one Kafka record of the
 * same topic, stop), submitted the same way and timed from the same instant, in the same run.
 * Each round adds the daily run's 1,000 users to the topic, then submits the floor and the job;
 * the figures are the medians of {@value #ROUNDS} rounds, after a first job run that creates the
 * schema and the checkpoint (a daily run finds both). Run by script/bench.sh; the drivers' logs
 * (Spark's default INFO logging, timestamps to the millisecond) stay in target/bench-startup.
 */
public final class SparkStartupBenchmark {

    private static final int ROUNDS = 3;
    private static final int USERS = 1000;
    private static final String TOPIC = "startup_users";
    private static final Path WORK = Path.of("target", "bench-startup");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    public static void main(String[] args) throws Exception {
        Path checkpoint = WORK.resolve("checkpoint-" + System.currentTimeMillis());
        try (KafkaBroker kafka = KafkaBroker.start(WORK.resolve("kafka"));
                CassandraNode cassandra = UsersTables.migrated(CassandraNode.start(WORK.resolve("cassandra")));
                SparkCluster spark = SparkCluster.start(WORK.resolve("spark"), 2, "2g")) {
            UsersTopic.create(kafka.bootstrapServers(), TOPIC);
            Map<String, String> settings = JobSettings.forServers(kafka, cassandra, TOPIC, checkpoint);
            settings.put("SPARK_CONF_DIR", sparkConfDir().toAbsolutePath().toString());
            List<String> floorApplication = List.of(
                    "--class",
                    SparkFloor.class.getName(),
                    "--jars",
                    SparkSubmit.JAR.toAbsolutePath().toString(),
                    floorJar().toAbsolutePath().toString(),
                    kafka.bootstrapServers(),
                    TOPIC);

            produce(kafka, "startup-warm-up");
            job(spark, settings, "startup-warm-up");
            List<Double> floor = new ArrayList<>();
            List<Double> firstBatch = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                String runId = "startup-" + round;
                produce(kafka, runId);
                TaskJar.Run floorRun = SparkSubmit.start(
                                spark.masterUrl(),
                                Map.of("SPARK_CONF_DIR", settings.get("SPARK_CONF_DIR")),
                                WORK,
                                "floor-" + round,
                                floorApplication)
                        .await(RUN_TIMEOUT);
                floor.add(floorSeconds(floorRun));
                firstBatch.add(
                        job(spark, settings, runId).path("first_batch_seconds").asDouble());
            }
            System.err.println("spark floor seconds: " + floor + ", first batch seconds: " + firstBatch);
            double floorMedian = Figure.median(floor);
            new Figure("spark_floor_seconds", floorMedian, "s", null).print();
            new Figure("spark_first_batch_seconds", Figure.median(firstBatch), "s", floorMedian).print();
        }
    }

    private static void produce(KafkaBroker kafka, String runId) throws Exception {
        UsersTopic.produce(
                kafka.bootstrapServers(),
                TOPIC,
                ContractUsers.valid(runId, USERS, runId.hashCode()).stream()
                        .map(ObjectNode::toString)
                        .toList());
    }

    /** Runs the job over the round's users and checks it wrote them all. */
    private static JsonNode job(SparkCluster spark, Map<String, String> settings, String runId) throws Exception {
        settings.put("RUN_ID", runId);
        TaskJar.Run run =
                SparkSubmit.start(spark.masterUrl(), settings, WORK, runId).await(RUN_TIMEOUT);
        JsonNode summary = run.summary();
        if (run.exitCode() != 0 || summary.path("written").asLong() != USERS) {
            throw new IllegalStateException("stream-users did not write " + USERS + " users: " + summary);
        }
        System.err.println("stream-users: " + summary);
        return summary;
    }

    private static double floorSeconds(TaskJar.Run run) throws IOException {
        if (run.exitCode() != 0) {
            throw new IllegalStateException("the floor application failed: " + String.join("\n", run.stderr()));
        }
        for (String line : run.stdout()) {
            Optional<JsonNode> summary = StreamUsersOutput.summaryIn(line);
            if (summary.isPresent()) {
                return summary.get().path("floor_seconds").asDouble();
            }
        }
        throw new IllegalStateException("the floor application printed no summary: " + run.stdout());
    }

    /** {@link SparkFloor} alone, as the module's build packages it (the jar's name carries the version). */
    private static Path floorJar() throws IOException {
        try (DirectoryStream<Path> jars =
                Files.newDirectoryStream(Path.of("target"), "stream-users-*-spark-floor.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new IllegalStateException("no target/stream-users-*-spark-floor.jar: run `mvn package` first");
    }

    /** Spark's own default logging (INFO on stderr), with milliseconds: the phases of start-up in the logs. */
    private static Path sparkConfDir() throws IOException {
        Path conf = WORK.resolve("spark-conf");
        Files.createDirectories(conf);
        Files.writeString(
                conf.resolve("log4j2.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = info",
                        "rootLogger.appenderRef.stdout.ref = console",
                        "appender.console.type = Console",
                        "appender.console.name = console",
                        "appender.console.target = SYSTEM_ERR",
                        "appender.console.layout.type = PatternLayout",
                        "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex",
                        "logger.jetty.name = org.sparkproject.jetty",
                        "logger.jetty.level = warn",
                        ""));
        return conf;
    }
}
