package io.github.userspipeline.fetchusers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.TopicRecords;
import io.github.userspipeline.testsupport.randomuser.RandomUserApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * fetch-users with its defaults against a broker that a user runs with Kafka's defaults
 * (transaction.max.timeout.ms 15 min), not the one compose and the other tests set up.
 */
class FetchUsersStockBrokerIT {

    private static final TaskJar FETCH_USERS = new TaskJar(Path.of("target", "fetch-users.jar"));

    private static KafkaBroker kafka;
    private static RandomUserApi api;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaBroker.startStock(Path.of("target", "servers", "kafka-stock"));
        api = RandomUserApi.start();
    }

    @AfterAll
    static void stop() {
        api.close();
        kafka.close();
    }

    private static TaskJar.Run fetch(String runId, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "RUN_ID",
                runId,
                "USERS_COUNT",
                "100",
                "RANDOMUSER_URL",
                api.baseUrl(),
                "KAFKA_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "KAFKA_TOPIC",
                "users_" + runId,
                "KAFKA_DLQ_TOPIC",
                "users_" + runId + "_dlq"));
        env.putAll(extra);
        return FETCH_USERS.run(env, Duration.ofMinutes(2));
    }

    @Test
    void theDefaultsWorkWithAStockBroker() {
        TaskJar.Run run = fetch("stock-defaults", Map.of());

        assertThat(run.exitCode()).as(String.join("\n", run.stderr())).isZero();
        assertThat(TopicRecords.read(kafka.bootstrapServers(), "users_stock-defaults")
                        .keys())
                .hasSize(run.summary().path("produced").asInt())
                .isNotEmpty();
    }

    @Test
    void aTransactionTimeoutOverTheBrokersCapFailsWithTheFix() {
        TaskJar.Run run = fetch("stock-too-long", Map.of("KAFKA_TRANSACTION_TIMEOUT_SECONDS", "1800"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .startsWith("fetch-users failed: the brokers refuse a Kafka transaction timeout of 1800 s"
                        + " (KAFKA_TRANSACTION_TIMEOUT_SECONDS): lower it, or raise the brokers'"
                        + " transaction.max.timeout.ms (Kafka's default is 900 s)");
    }
}
