package io.github.userspipeline.fetchusers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces users to the topic and rejected users to the dead-letter topic, keyed by user id,
 * with an idempotent producer (acks=all): a retried send never writes twice. Only sends that
 * Kafka acknowledged are counted.
 */
final class UsersProducer implements AutoCloseable {

    private final ObjectMapper json;
    private final String topic;
    private final String deadLetterTopic;
    private final KafkaProducer<String, String> producer;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    UsersProducer(ObjectMapper json, String bootstrapServers, String topic, String deadLetterTopic, Duration timeout) {
        this.json = json;
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "fetch-users");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Larger, slightly delayed batches: throughput matters more than a few ms of latency here.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // Bounded waits: an unreachable broker fails the task instead of hanging it.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        // Kafka insists on delivery.timeout.ms ≥ linger.ms + request.timeout.ms.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 30_020));
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** Creates the topics if missing; fails with a clear reason when the broker cannot be reached. */
    static void ensureTopics(String bootstrapServers, List<String> topics, int partitions, short replicationFactor,
            Duration timeout) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        try (Admin admin = Admin.create(config)) {
            List<NewTopic> wanted = topics.stream().map(name -> new NewTopic(name, partitions, replicationFactor))
                    .toList();
            for (var result : admin.createTopics(wanted).values().entrySet()) {
                try {
                    result.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                        throw unreachable(bootstrapServers, timeout, e.getCause());
                    }
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey() + " on "
                                + bootstrapServers + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (TimeoutException e) {
            throw unreachable(bootstrapServers, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private static IllegalStateException unreachable(String bootstrapServers, Duration timeout, Throwable cause) {
        return new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within "
                + timeout.toSeconds() + " s", cause);
    }

    void sendUser(UserRecord user) {
        send(topic, user.id(), user, produced);
    }

    void sendRejected(UserMapper.Rejected rejection, String runId) {
        send(deadLetterTopic, rejection.id(),
                Map.of("reason", rejection.reason(), "run_id", runId, "raw", rejection.raw()), rejected);
    }

    private void send(String target, String key, Object value, AtomicLong acknowledged) {
        String text;
        try {
            text = json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a record for " + target, e);
        }
        producer.send(new ProducerRecord<>(target, key, text), (metadata, failure) -> {
            if (failure == null) {
                acknowledged.incrementAndGet();
            } else {
                firstFailure.compareAndSet(null, failure);
            }
        });
    }

    /** Waits for every send; throws the first failed send, if any. */
    void flush() {
        producer.flush();
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IllegalStateException("Kafka did not acknowledge every record: " + failure.getMessage(), failure);
        }
    }

    /** Fails fast once a send has failed, rather than fetching thousands more users to lose. */
    void checkHealthy() {
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IllegalStateException("Kafka send failed: " + failure.getMessage(), failure);
        }
    }

    long produced() {
        return produced.get();
    }

    long rejected() {
        return rejected.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
