package io.github.userspipeline.streamusers;

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
import org.apache.kafka.common.serialization.StringSerializer;

/** A topic like users_created (3 partitions, records keyed by user id), created and filled for a test. */
final class UsersTopic {

    static final int PARTITIONS = 3;

    private UsersTopic() {
    }

    static void create(String bootstrapServers, String topic) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
    }

    /** Sends every value (key: its "id", as fetch-users keys them) and waits until Kafka acknowledged all. */
    static void produce(String bootstrapServers, String topic, List<String> values) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sends = values.stream()
                    .map(value -> producer.send(new ProducerRecord<>(topic, keyOf(value), value)))
                    .toList();
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
        }
    }

    /** The record's id when it has one (a broken record may not): records of one user share a partition. */
    private static String keyOf(String value) {
        int start = value.indexOf("\"id\":\"");
        return start < 0 ? null : value.substring(start + 6, value.indexOf('"', start + 6));
    }
}
