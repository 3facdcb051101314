package io.github.userspipeline.streamusers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.Elapsed;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.Figure;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.SparkCluster;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.UsersTables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code spark_rows_per_s}: the packaged job, submitted with spark-submit to a real standalone
 * Master + Worker (2 cores), moving 200,000 users from Kafka to Cassandra with its default
 * settings, against raw asynchronous driver inserts of the same rows into the same node, in the
 * same run (after a warm-up, so that neither meets a cold server). The job's rate counts from the
 * start of its first micro-batch to the end of its last; the time before that is
 * {@link SparkStartupBenchmark}'s. Run by script/bench.sh.
 */
public final class StreamUsersBenchmark {

    private static final int USERS = 200_000;
    private static final int WARM_UP_USERS = 50_000;
    private static final int BASELINE_IN_FLIGHT = 256;
    private static final String TOPIC = "bench_users";

    public static void main(String[] args) throws Exception {
        Path work = Path.of("target", "bench");
        Path checkpoint = work.resolve("checkpoint-" + System.currentTimeMillis());
        try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"));
                CassandraNode cassandra = CassandraNode.start(work.resolve("cassandra"));
                SparkCluster spark = SparkCluster.start(work.resolve("spark"), 2, "2g")) {
            List<ObjectNode> users = ContractUsers.valid("bench", USERS, 42);
            UsersTopic.create(kafka.bootstrapServers(), TOPIC);
            UsersTopic.produce(
                    kafka.bootstrapServers(),
                    TOPIC,
                    users.stream().map(ObjectNode::toString).toList());
            Map<String, String> settings = JobSettings.forServers(kafka, cassandra, TOPIC, checkpoint);
            JobSettings.job(settings).prepareCassandra();

            double baseline;
            try (UsersTables tables = UsersTables.connect(cassandra)) {
                RawInserts raw = new RawInserts(tables.session());
                raw.insertAll(List.copyOf(ContractUsers.valid("warm-up", WARM_UP_USERS, 7)), BASELINE_IN_FLIGHT);
                Duration took = raw.insertAll(List.<JsonNode>copyOf(users), BASELINE_IN_FLIGHT);
                baseline = USERS / Elapsed.seconds(took);
            }

            settings.put("RUN_ID", "bench");
            TaskJar.Run run = SparkSubmit.start(spark.masterUrl(), settings, work, "stream-users")
                    .await(Duration.ofMinutes(15));
            JsonNode summary = run.summary();
            if (run.exitCode() != 0 || summary.path("written").asLong() != USERS) {
                throw new IllegalStateException("stream-users did not write " + USERS + " users: " + summary);
            }
            System.err.println("stream-users: " + summary);
            new Figure(
                            "spark_rows_per_s",
                            USERS / summary.path("batches_seconds").asDouble(),
                            "rows/s",
                            baseline)
                    .print();
        }
    }
}
