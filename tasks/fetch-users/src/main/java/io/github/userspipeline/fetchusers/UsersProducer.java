package io.github.userspipeline.fetchusers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.userspipeline.task.Tally;
import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.contract.UserRules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces users to the topic and rejected users to the dead-letter topic, keyed by user id, in
 * one Kafka transaction per attempt of a run: read_committed readers see all of a run's records or
 * none. The transactional id is the run's, so a new attempt fences an older one still producing
 * and aborts what a killed one left open. Sends are idempotent (acks=all): a retried send never
 * writes twice. Only sends that Kafka acknowledged are counted, and the counts make the summary
 * only once the transaction committed.
 */
final class UsersProducer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsersProducer.class);

    /** Logged once, followed by the instant: when Kafka acknowledged the attempt's first record. */
    static final String FIRST_RECORD_ACKNOWLEDGED = "first record acknowledged at";

    private final ObjectMapper json;
    private final String runId;
    private final Duration transactionTimeout;
    private final String topic;
    private final String deadLetterTopic;
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicLong produced = new AtomicLong();
    /** The rejected users Kafka acknowledged, by their reason's kind: its total is the rejected count. */
    private final Tally rejected = new Tally();

    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final AtomicBoolean firstAcknowledged = new AtomicBoolean();
    private Instant transactionBegun;
    private boolean transactionOpen;

    UsersProducer(
            ObjectMapper json,
            String bootstrapServers,
            String topic,
            String deadLetterTopic,
            String runId,
            Duration timeout,
            Duration transactionTimeout) {
        this.json = json;
        this.runId = runId;
        this.transactionTimeout = transactionTimeout;
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
        Properties config = producerConfig(bootstrapServers, timeout);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "fetch-users");
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(runId));
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis());
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * The producer's settings but its transaction: built here only, for the task and for the
     * benchmark, which gives them to Kafka's own producer benchmark as its baseline.
     */
    static Properties producerConfig(String bootstrapServers, Duration timeout) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
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
        return config;
    }

    /** Creates the topics if missing; fails with a clear reason when the broker cannot be reached. */
    static void ensureTopics(
            String bootstrapServers, List<String> topics, int partitions, short replicationFactor, Duration timeout) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        try (Admin admin = Admin.create(config)) {
            List<NewTopic> wanted = topics.stream()
                    .map(name -> new NewTopic(name, partitions, replicationFactor))
                    .toList();
            for (var result : admin.createTopics(wanted).values().entrySet()) {
                try {
                    result.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                        throw unreachable(bootstrapServers, timeout, e.getCause());
                    }
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create topic " + result.getKey() + " on " + bootstrapServers + ": "
                                        + e.getCause().getMessage(),
                                e.getCause());
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
        return new IllegalStateException(
                "Kafka at " + bootstrapServers + " did not answer within " + timeout.toSeconds() + " s", cause);
    }

    /** Every attempt of a run has this id: Kafka lets only the newest one commit. */
    static String transactionalId(String runId) {
        return "fetch-users-" + runId;
    }

    /**
     * Begins the attempt's transaction. Kafka first fences any older attempt of the run and
     * aborts the transaction it left open (a killed attempt's records become invisible at once).
     */
    void begin() {
        try {
            producer.initTransactions();
            producer.beginTransaction();
        } catch (KafkaException e) {
            throw failure("cannot begin the run's Kafka transaction", e);
        }
        transactionBegun = Instant.now();
        transactionOpen = true;
    }

    void sendUser(UserMapper.Valid user) {
        send(topic, user.user().id(), user.json(), produced::incrementAndGet);
    }

    void sendRejected(UserMapper.Rejected rejection) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(
                    Map.of("reason", rejection.reason(), "run_id", runId, "raw", rejection.raw()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a record for " + deadLetterTopic, e);
        }
        String kind = UserRules.kindOf(rejection.reason());
        send(deadLetterTopic, rejection.id(), bytes, () -> rejected.add(kind));
    }

    /**
     * {@code bytes}: the record's JSON, serialised once, sent as it is; {@code count} counts it
     * once Kafka acknowledged it.
     */
    private void send(String target, String key, byte[] bytes, Runnable count) {
        producer.send(new ProducerRecord<>(target, key, bytes), (metadata, failure) -> {
            if (failure == null) {
                count.run();
                if (!firstAcknowledged.getAndSet(true)) {
                    // Read by the benchmark's fetch_users_first_record_seconds.
                    log.info("{} {}", FIRST_RECORD_ACKNOWLEDGED, Instant.now());
                }
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
            throw failure("Kafka did not acknowledge every record", failure);
        }
    }

    /** Fails fast once a send has failed, rather than fetching thousands more users to lose. */
    void checkHealthy() {
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw failure("Kafka send failed", failure);
        }
    }

    /** Makes every record of the attempt visible to read_committed readers at once. */
    void commit() {
        try {
            producer.commitTransaction();
            transactionOpen = false;
        } catch (KafkaException e) {
            throw failure("cannot commit the run's Kafka transaction", e);
        }
    }

    /**
     * Best effort, on a failed attempt: readers need not wait for the transaction's timeout (a
     * fenced or broken producer cannot abort, and then the newer attempt or the timeout does).
     */
    private void abort() {
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException e) {
            log.warn("could not abort the run's Kafka transaction: {}", e.getMessage());
        }
    }

    /** The reason an attempt failed, in words: a fenced attempt says so rather than quoting Kafka. */
    private RuntimeException failure(String what, Exception cause) {
        if (timeoutRefused(cause)) {
            return new TaskFailure(
                    "the brokers refuse a Kafka transaction timeout of " + transactionTimeout.toSeconds()
                            + " s (KAFKA_TRANSACTION_TIMEOUT_SECONDS): lower it, or raise the brokers'"
                            + " transaction.max.timeout.ms (Kafka's default is 900 s)",
                    cause);
        }
        if (fenced(cause)) {
            if (transactionBegun != null
                    && Duration.between(transactionBegun, Instant.now()).compareTo(transactionTimeout) >= 0) {
                return new TaskFailure(
                        "the run's Kafka transaction outlived its timeout of " + transactionTimeout.toSeconds()
                                + " s (KAFKA_TRANSACTION_TIMEOUT_SECONDS) and was aborted",
                        cause);
            }
            return new TaskFailure(
                    "fenced by a newer attempt of run " + runId + " (transactional id " + transactionalId(runId)
                            + "); this attempt's records are aborted",
                    cause);
        }
        return new IllegalStateException(what + ": " + cause.getMessage(), cause);
    }

    /** Kafka bumped the transactional id's epoch: a newer attempt began, or the coordinator timed ours out. */
    private static boolean fenced(Throwable failure) {
        return anyCause(
                failure, t -> t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException);
    }

    /**
     * The broker refused the transaction timeout. Kafka's client (3.9) reports it as a plain
     * KafkaException with the error's own message, not as InvalidTxnTimeoutException.
     */
    private static boolean timeoutRefused(Throwable failure) {
        return anyCause(
                failure,
                t -> t instanceof InvalidTxnTimeoutException
                        || String.valueOf(t.getMessage()).contains(Errors.INVALID_TRANSACTION_TIMEOUT.message()));
    }

    private static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }

    long produced() {
        return produced.get();
    }

    long rejected() {
        return rejected.total();
    }

    /** The rejected users by their reason's kind, as the summary carries them ({@link Tally#capped()}). */
    Map<String, Long> rejectedReasons() {
        return rejected.capped();
    }

    @Override
    public void close() {
        if (transactionOpen) {
            abort();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
