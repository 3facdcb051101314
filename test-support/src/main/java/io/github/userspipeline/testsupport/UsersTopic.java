package io.github.userspipeline.testsupport;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/** A topic like users_created (3 partitions, records keyed by user id), created and filled by a test. */
public final class UsersTopic {

    public static final int PARTITIONS = 3;

    private UsersTopic() {}

    public static void create(String bootstrapServers, String topic) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
    }

    /**
     * Deletes the topic and creates it again: a new incarnation (topic id) under the same name, as
     * `docker compose down -v` and `up` make one while a checkpoint volume survives.
     */
    public static void recreate(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.deleteTopics(List.of(topic)).all().get();
            // The broker refuses the name while the old topic is still being deleted.
            for (int tries = 1; ; tries++) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                            .all()
                            .get();
                    return;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException) || tries == 50) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    /** Sends every value (key: its "id", as fetch-users keys them) and waits until Kafka acknowledged all. */
    public static void produce(String bootstrapServers, String topic, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(producerConfig(bootstrapServers), new StringSerializer(), new StringSerializer())) {
            send(producer, topic, values);
        }
    }

    /** A producer of its own transactions, as fetch-users' attempts of a run are; transactions already begun. */
    public static KafkaProducer<String, String> transactional(String bootstrapServers, String transactionalId) {
        Properties config = producerConfig(bootstrapServers);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        producer.beginTransaction();
        return producer;
    }

    /** Sends every value and waits until Kafka acknowledged all (in a transaction: written, not yet committed). */
    public static void send(KafkaProducer<String, String> producer, String topic, List<String> values)
            throws Exception {
        List<Future<RecordMetadata>> sends = values.stream()
                .map(value -> producer.send(new ProducerRecord<>(topic, keyOf(value), value)))
                .toList();
        for (Future<RecordMetadata> send : sends) {
            send.get();
        }
    }

    private static Properties producerConfig(String bootstrapServers) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // The broker limits compressed batches only: a compressible 17 MB record gets through.
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128 * 1024 * 1024);
        return config;
    }

    /** The record's id when it has one (a broken record may not): records of one user share a partition. */
    private static String keyOf(String value) {
        int start = value.indexOf("\"id\":\"");
        return start < 0 ? null : value.substring(start + 6, value.indexOf('"', start + 6));
    }
}
