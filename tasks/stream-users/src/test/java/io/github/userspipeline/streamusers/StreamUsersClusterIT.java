package io.github.userspipeline.streamusers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.FreePort;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.RealServers;
import io.github.userspipeline.testsupport.SparkCluster;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.UsersTables;
import io.github.userspipeline.testsupport.UsersTopic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged job submitted with spark-submit to a real standalone Master + Worker, against the
 * real Kafka broker and Cassandra node: a crash and a restart from the checkpoint, and the exit
 * status and output that submit-spark relays.
 */
@ExtendWith(RealServers.class)
class StreamUsersClusterIT {

    private static final Path WORK = Path.of("target", "cluster-it");
    private static final int USERS = 4000;
    private static final int USERS_PER_BATCH = 400;

    @Test
    void aJobKilledMidRunResumesFromItsCheckpointWithNoUserLostOrDuplicated(
            KafkaBroker kafka, CassandraNode cassandra, SparkCluster spark) throws Exception {
        String runId = "killed-" + System.nanoTime();
        Path checkpoint = WORK.resolve(runId).resolve("checkpoint");
        UsersTopic.create(kafka.bootstrapServers(), runId);
        List<String> users = ContractUsers.valid(runId, USERS, 11).stream()
                .map(ObjectNode::toString)
                .toList();
        UsersTopic.produce(kafka.bootstrapServers(), runId, users);
        Map<String, String> settings = JobSettings.forServers(kafka, cassandra, runId, checkpoint);
        settings.put("RUN_ID", runId);
        settings.put("STREAM_MAX_OFFSETS_PER_TRIGGER", String.valueOf(USERS_PER_BATCH));

        SparkSubmit crashing = SparkSubmit.start(spark.masterUrl(), settings, WORK.resolve(runId), "crashing");
        awaitFirstCommit(checkpoint, crashing);
        crashing.kill();
        long committedBeforeCrash = committedBatches(checkpoint);
        TaskJar.Run restart = SparkSubmit.start(spark.masterUrl(), settings, WORK.resolve(runId), "restart")
                .await(Duration.ofMinutes(5));

        assertThat(committedBeforeCrash)
                .as("batches committed before the kill")
                .isBetween(1L, USERS / USERS_PER_BATCH - 1L);
        assertThat(restart.exitCode())
                .as("restart's stderr: %s", restart.stderr())
                .isZero();
        JsonNode summary = restart.summary();
        assertThat(summary.path("task").asText()).isEqualTo("stream-users");
        assertThat(summary.path("written").asLong())
                .as("the restart resumed, it did not start over")
                .isLessThan(USERS);
        assertThat(restart.stdout()).anySatisfy(line -> assertThat(line).isEqualTo("STREAM_USERS_SUMMARY " + summary));
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            assertThat(tables.usersAmong(users.stream().map(ContractUsers::id).toList()))
                    .isEqualTo(USERS);
            assertThat(tables.usersOfRun(runId)).isEqualTo(USERS);
        }
    }

    @Test
    void anUnreachableCassandraEndsTheSubmissionWithExitOneAndTheReason(
            KafkaBroker kafka, CassandraNode cassandra, SparkCluster spark) throws Exception {
        Map<String, String> settings =
                JobSettings.forServers(kafka, cassandra, "users_created", WORK.resolve("unreachable"));
        String nobody = "127.0.0.1:" + FreePort.next();
        settings.put("CASSANDRA_CONTACT_POINTS", nobody);

        TaskJar.Run run = SparkSubmit.start(spark.masterUrl(), settings, WORK, "unreachable")
                .await(Duration.ofMinutes(2));

        assertThat(run.exitCode()).isEqualTo(1);
        // Not necessarily the last line: Spark's shutdown hook logs after it.
        assertThat(run.stderr())
                .anySatisfy(line -> assertThat(line)
                        .startsWith("stream-users failed: cannot use Cassandra at " + nobody
                                + ": Failed to open native connection to Cassandra"));
        assertThat(run.took()).isLessThan(Duration.ofSeconds(60));
    }

    private static void awaitFirstCommit(Path checkpoint, SparkSubmit job) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(180);
        while (!Files.exists(checkpoint.resolve("commits").resolve("0"))) {
            assertThat(job.isAlive()).as("the job is running").isTrue();
            assertThat(Instant.now())
                    .as("waiting for the first committed batch")
                    .isBefore(deadline);
            Thread.sleep(50);
        }
    }

    /** Batches the checkpoint records as committed: files commits/0, commits/1, … */
    private static long committedBatches(Path checkpoint) throws IOException {
        try (Stream<Path> commits = Files.list(checkpoint.resolve("commits"))) {
            return commits.filter(file -> file.getFileName().toString().matches("\\d+"))
                    .count();
        }
    }
}
