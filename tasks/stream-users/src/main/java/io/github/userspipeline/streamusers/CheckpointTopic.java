package io.github.userspipeline.streamusers;

import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.TaskMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka topic that a checkpoint was made on, kept in the checkpoint beside Spark's offsets, by
 * topic id. A checkpoint that outlives its topic (deleted and created again under the same name, as
 * {@code docker compose down -v} does when a volume stays) holds offsets that mean nothing in the new
 * one: Spark would stop with the advice to set failOnDataLoss to false, which drops data without a
 * word, or, with the offsets the other way round, skip the new topic's first records silently.
 */
final class CheckpointTopic {

    private static final Logger log = LoggerFactory.getLogger(CheckpointTopic.class);
    /** Beside Spark's offsets/, commits/ and metadata, which Spark alone reads. */
    static final String FILE = "users-pipeline-topic.json";

    record Recorded(String topic, String topicId) {}

    private CheckpointTopic() {}

    /**
     * Fails, with the fix, unless the checkpoint was made on the topic as it is now; records the
     * topic's id in a checkpoint that has none yet (a new one, or one made before this check).
     */
    static void check(Configuration hadoop, QuerySettings settings, Duration timeout) throws IOException {
        String topic = settings.kafkaTopic();
        String topicId = topicId(settings.kafkaBootstrapServers(), topic, timeout);
        Path file = new Path(settings.checkpointLocation(), FILE);
        FileSystem fileSystem = file.getFileSystem(hadoop);
        if (fileSystem.exists(file)) {
            Recorded recorded;
            try (InputStream in = fileSystem.open(file)) {
                recorded = TaskMain.JSON.readValue(in, Recorded.class);
            }
            if (!recorded.topicId().equals(topicId)) {
                throw new TaskFailure(
                        "the checkpoint " + settings.checkpointLocation() + " belongs to an earlier topic "
                                + topic + " (topic id " + recorded.topicId() + "; the topic now has id " + topicId
                                + ": it was deleted and created again), so its offsets mean nothing in it: start a new"
                                + " checkpoint, by removing this one (on the compose stack: docker compose down -v"
                                + " --remove-orphans, or docker volume rm users-pipeline-spark-checkpoints) or by setting"
                                + " STREAM_CHECKPOINT_LOCATION to a new location");
            }
            return;
        }
        // No overwrite: of two drivers that find none, one fails here rather than both going on.
        try (OutputStream out = fileSystem.create(file, false)) {
            out.write(TaskMain.JSON.writeValueAsBytes(new Recorded(topic, topicId)));
        }
        log.info("checkpoint {} records topic {} (topic id {})", settings.checkpointLocation(), topic, topicId);
    }

    private static String topicId(String bootstrapServers, String topic, Duration timeout) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) timeout.toMillis()))) {
            return admin.describeTopics(List.of(topic))
                    .topicNameValues()
                    .get(topic)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .topicId()
                    .toString();
        } catch (ExecutionException | TimeoutException e) {
            throw new TaskFailure("cannot read the id of topic " + topic + " from Kafka at " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailure("interrupted while reading the id of topic " + topic, e);
        }
    }
}
