package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.spark.connector.cql.CassandraConnector;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readies the executors while the driver still plans the first micro-batch. On a fresh executor,
 * the first batch's tasks otherwise begin by fetching the job's jar, loading the Cassandra driver,
 * opening a session and preparing the statements, then loading the Kafka client and fetching the
 * topic's metadata: seconds of a daily run's time (docs/benchmarks.md). A job of one task per
 * executor ({@code spark.cores.max / spark.executor.cores}), started without waiting for it, does
 * that work first and leaves the executors' other cores to the batch: the connector keeps each
 * executor's session, and the session its prepared statements, for the batches
 * ({@link CassandraWriteSettings#connector}); the Kafka source's consumers find their classes
 * loaded. (Spark does not promise one task on each executor; an executor it misses warms up in
 * its first batch, as before.)
 *
 * <p>Only time rides on it: a task that cannot reach a server logs why and ends, and the batch
 * then fails with the reason.
 */
final class ExecutorWarmUp {

    private static final Logger log = LoggerFactory.getLogger(ExecutorWarmUp.class);
    private static final Duration KAFKA_PATIENCE = Duration.ofSeconds(10);

    private ExecutorWarmUp() {}

    static void start(SparkSession spark, CassandraWriteSettings cassandra, QuerySettings kafka) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CassandraConnector connector = cassandra.connector();
        context.setJobDescription("warm the executors up");
        int executors = Math.max(
                1,
                context.getConf().getInt("spark.cores.max", 1)
                        / context.getConf().getInt("spark.executor.cores", 1));
        context.parallelize(Collections.nCopies(executors, 0), executors).foreachPartitionAsync(ignored -> {
            try (CqlSession session = connector.openSession()) {
                new UserStatements(session, cassandra);
            } catch (Exception e) { // the connector (Scala) throws IOException undeclared
                log.warn("executor warm-up: no Cassandra session yet ({}); the batch opens its own", e.toString());
            }
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                    Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.kafkaBootstrapServers()),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.partitionsFor(kafka.kafkaTopic(), KAFKA_PATIENCE);
            } catch (RuntimeException e) {
                log.warn("executor warm-up: no Kafka metadata yet ({}); the batch asks again", e.toString());
            }
        });
        context.setJobDescription(null);
    }
}
