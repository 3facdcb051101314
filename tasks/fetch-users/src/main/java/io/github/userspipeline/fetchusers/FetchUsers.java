package io.github.userspipeline.fetchusers;

import io.github.userspipeline.fetchusers.RandomUserClient.Page;
import io.github.userspipeline.task.BadOptionValue;
import io.github.userspipeline.task.Elapsed;
import io.github.userspipeline.task.RunDigest;
import io.github.userspipeline.task.RunIds;
import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.TaskMain;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Pipeline step 1: fetches {@code USERS_COUNT} users from the randomuser.me API and produces
 * them, as the record contract's JSON keyed by id, to Kafka; users that fail validation go to
 * the dead-letter topic with the reason. The API's seed is derived from {@code RUN_ID}, so a
 * rerun of the same run fetches the same users (and downstream upserts make it harmless).
 *
 * <p>Usage: {@code java -jar fetch-users.jar --run-id=RUN [--users-count=N] …} or the same
 * settings as environment variables ({@code RUN_ID}, {@code USERS_COUNT}, …); {@code --help}
 * lists them all. The last stdout line is the JSON summary.
 */
@Command(
        name = "fetch-users",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Fetch users from the randomuser.me API and produce them to Kafka.")
public final class FetchUsers implements Callable<FetchUsers.Summary> {

    private static final Logger log = LoggerFactory.getLogger(FetchUsers.class);
    private static final int MAX_RESULTS_PER_REQUEST = 5000;
    /**
     * Far above the DAG's 50,000 and below any int overflow of the page arithmetic; at the API's
     * 20,000 users per 5 minutes it is over four hours of fetching already.
     */
    static final int MAX_USERS_COUNT = 1_000_000;

    @Option(names = "--run-id", required = true, description = "Identifies the run; decides the API seed. Env: RUN_ID")
    String runId;

    @Option(names = "--users-count", defaultValue = "100", description = "Users to fetch, 1..1000000. Env: USERS_COUNT")
    int usersCount;

    @Option(
            names = "--randomuser-url",
            defaultValue = "https://randomuser.me/api/1.4/",
            description = "API base URL, version pinned. Env: RANDOMUSER_URL")
    String randomuserUrl;

    @Option(
            names = "--randomuser-nationalities",
            defaultValue = "",
            description = "Comma list for the API's nat parameter, empty for all. Env: RANDOMUSER_NATIONALITIES")
    String nationalities;

    @Option(
            names = "--randomuser-batch-size",
            defaultValue = "5000",
            description = "Users per API request, 1..5000. Env: RANDOMUSER_BATCH_SIZE")
    int batchSize;

    @Option(
            names = "--randomuser-concurrency",
            defaultValue = "2",
            description = "API requests in flight at once. Env: RANDOMUSER_CONCURRENCY")
    int fetchConcurrency;

    @Option(
            names = "--randomuser-rate-limit-users",
            defaultValue = "20000",
            description = "Users per rate-limit window (the API's limit); 0 lifts it. Env: RANDOMUSER_RATE_LIMIT_USERS")
    int rateLimitUsers;

    @Option(
            names = "--randomuser-rate-limit-window-seconds",
            defaultValue = "300",
            description = "The rate-limit window. Env: RANDOMUSER_RATE_LIMIT_WINDOW_SECONDS")
    int rateLimitWindowSeconds;

    @Option(
            names = "--randomuser-request-timeout-seconds",
            defaultValue = "30",
            description = "Timeout of one API request, body included. Env: RANDOMUSER_REQUEST_TIMEOUT_SECONDS")
    int requestTimeoutSeconds;

    /** A page of 5,000 users is about 5 MiB; 32 leaves room for long names and a fatter API. */
    @Option(
            names = "--randomuser-max-response-mb",
            defaultValue = "32",
            description = "Largest API answer taken, in MiB, 1..1024; a bigger one fails the task. "
                    + "Env: RANDOMUSER_MAX_RESPONSE_MB")
    int maxResponseMb;

    @Option(
            names = "--randomuser-give-up-after-seconds",
            defaultValue = "300",
            description = "How long one batch is retried before the task fails. Env: RANDOMUSER_GIVE_UP_AFTER_SECONDS")
    int giveUpAfterSeconds;

    @Option(
            names = "--kafka-bootstrap-servers",
            defaultValue = "localhost:9092",
            description = "Env: KAFKA_BOOTSTRAP_SERVERS")
    String kafkaBootstrapServers;

    @Option(names = "--kafka-topic", defaultValue = "users_created", description = "Env: KAFKA_TOPIC")
    String kafkaTopic;

    @Option(
            names = "--kafka-dlq-topic",
            defaultValue = "users_created_dlq",
            description = "Dead-letter topic for users that fail validation. Env: KAFKA_DLQ_TOPIC")
    String kafkaDlqTopic;

    @Option(
            names = "--kafka-topic-partitions",
            defaultValue = "3",
            description = "Partitions of topics this task creates. Env: KAFKA_TOPIC_PARTITIONS")
    int kafkaTopicPartitions;

    @Option(
            names = "--kafka-replication-factor",
            defaultValue = "1",
            description = "Replication factor of topics this task creates. Env: KAFKA_REPLICATION_FACTOR")
    short kafkaReplicationFactor;

    @Option(
            names = "--kafka-timeout-seconds",
            defaultValue = "60",
            description = "How long Kafka may take to answer or acknowledge. Env: KAFKA_TIMEOUT_SECONDS")
    int kafkaTimeoutSeconds;

    /**
     * Kafka's default cap (transaction.max.timeout.ms, 15 min), so that a stock broker accepts it;
     * the DAG passes its task timeout instead, for brokers that allow that much.
     */
    @Option(
            names = "--kafka-transaction-timeout-seconds",
            defaultValue = "900",
            description = "How long the run's transaction may stay open; at most the brokers' "
                    + "transaction.max.timeout.ms. Env: KAFKA_TRANSACTION_TIMEOUT_SECONDS")
    int kafkaTransactionTimeoutSeconds;

    /**
     * The task's result: the DAG passes {@code ids_digest}, the digest of the ids produced to the
     * topic (not the dead-letter topic), to verify-cassandra as the run it expects.
     * {@code rejected_reasons}: the users sent to the dead-letter topic by their reason's kind
     * ({@code UserRules.kindOf}), summing to {@code rejected}. {@code started_at}: when this try
     * began; the records it produced carry Kafka timestamps from then to {@code seconds} later,
     * where the users_rebuild DAG reads them.
     */
    public record Summary(
            String task,
            String runId,
            int requested,
            long produced,
            long rejected,
            Map<String, Long> rejectedReasons,
            RunDigest idsDigest,
            String topic,
            String seed,
            String startedAt,
            double seconds) {}

    public static void main(String[] args) {
        TaskMain.run(new FetchUsers(), args);
    }

    @Override
    public Summary call() throws Exception {
        validateOptions();
        Instant started = Instant.now();
        String seed = seedFor(runId);
        Duration kafkaTimeout = Duration.ofSeconds(kafkaTimeoutSeconds);
        log.info(
                "run {}: {} users from {} (seed {}) to {} on {}",
                runId,
                usersCount,
                randomuserUrl,
                seed,
                kafkaTopic,
                kafkaBootstrapServers);

        // First, so that an unreachable broker costs no API request.
        UsersProducer.ensureTopics(
                kafkaBootstrapServers,
                List.of(kafkaTopic, kafkaDlqTopic),
                kafkaTopicPartitions,
                kafkaReplicationFactor,
                kafkaTimeout);
        RandomUserClient api = new RandomUserClient(
                runId,
                randomuserUrl,
                Duration.ofSeconds(requestTimeoutSeconds),
                maxResponseMb,
                Duration.ofSeconds(giveUpAfterSeconds),
                rateLimitUsers,
                Duration.ofSeconds(rateLimitWindowSeconds));
        int pages = (usersCount + batchSize - 1) / batchSize;
        ExecutorService fetchers = Executors.newFixedThreadPool(Math.min(fetchConcurrency, pages));
        ExecutorCompletionService<Page> fetched = new ExecutorCompletionService<>(fetchers);
        // The first pages arrive while the producer starts and its transaction begins.
        for (int page = 1; page <= pages; page++) {
            int number = page;
            int results = Math.min(batchSize, usersCount - (page - 1) * batchSize);
            fetched.submit(() -> api.fetchPage(seed, number, results, nationalities));
        }
        // One transaction for the attempt: closed uncommitted (any failure), it is aborted.
        try (UsersProducer producer = new UsersProducer(
                TaskMain.JSON,
                kafkaBootstrapServers,
                kafkaTopic,
                kafkaDlqTopic,
                runId,
                kafkaTimeout,
                Duration.ofSeconds(kafkaTransactionTimeoutSeconds))) {
            producer.begin();
            Set<String> seenIds = new HashSet<>();
            RunDigest.Sum producedIds = new RunDigest.Sum();
            int users = 0;
            for (int done = 1; done <= pages; done++) {
                Page page = take(fetched);
                for (UserMapper.Mapped user : page.users()) {
                    route(user, seenIds, producedIds, producer);
                }
                users += page.users().size();
                producer.checkHealthy();
                double seconds = Elapsed.secondsSince(started);
                log.info(
                        "page {} ({}/{}): {}/{} users fetched, {} produced, {} rejected, {} users/s",
                        page.number(),
                        done,
                        pages,
                        users,
                        usersCount,
                        producer.produced(),
                        producer.rejected(),
                        Math.round(users / Math.max(seconds, 0.001)));
            }
            producer.flush();
            long acknowledged = producer.produced() + producer.rejected();
            if (acknowledged != usersCount) {
                throw new TaskFailure(
                        "only " + acknowledged + " of " + usersCount + " users were acknowledged by Kafka");
            }
            producer.commit();
            // flush() threw unless Kafka acknowledged every send, and the commit made them visible:
            // the ids sent are the ids produced.
            Summary summary = new Summary(
                    "fetch-users",
                    runId,
                    usersCount,
                    producer.produced(),
                    producer.rejected(),
                    producer.rejectedReasons(),
                    producedIds.digest(),
                    kafkaTopic,
                    seed,
                    started.toString(),
                    Elapsed.secondsSince(started));
            log.info(
                    "done: {} produced to {}, {} rejected to {} in {} s",
                    summary.produced(),
                    kafkaTopic,
                    summary.rejected(),
                    kafkaDlqTopic,
                    summary.seconds());
            return summary;
        } finally {
            fetchers.shutdownNow();
        }
    }

    /** Valid users to the topic; invalid ones, and an id seen twice in this run, to the dead-letter topic. */
    private void route(
            UserMapper.Mapped mapped, Set<String> seenIds, RunDigest.Sum producedIds, UsersProducer producer) {
        if (mapped instanceof UserMapper.Valid valid) {
            if (seenIds.add(valid.user().id())) {
                producer.sendUser(valid);
                producedIds.add(UUID.fromString(valid.user().id()));
            } else {
                producer.sendRejected(new UserMapper.Rejected(
                        valid.user().id(), "duplicate id within the run", TaskMain.JSON.valueToTree(valid.user())));
            }
        } else if (mapped instanceof UserMapper.Rejected rejected) {
            log.warn("user rejected: {}", rejected.reason());
            producer.sendRejected(rejected);
        }
    }

    private static Page take(ExecutorCompletionService<Page> fetched) throws InterruptedException {
        try {
            return fetched.take().get();
        } catch (ExecutionException e) {
            throw new TaskFailure(e.getCause().getMessage(), e.getCause());
        }
    }

    private void validateOptions() {
        BadOptionValue.requireWithin("USERS_COUNT", usersCount, 1, MAX_USERS_COUNT);
        BadOptionValue.requireWithin("RANDOMUSER_BATCH_SIZE", batchSize, 1, MAX_RESULTS_PER_REQUEST);
        BadOptionValue.requireAtLeast("RANDOMUSER_CONCURRENCY", fetchConcurrency, 1);
        if (rateLimitUsers != 0 && rateLimitUsers < batchSize) {
            throw new BadOptionValue("RANDOMUSER_RATE_LIMIT_USERS must be 0 (no limit) or at least "
                    + "RANDOMUSER_BATCH_SIZE (" + batchSize + "), got " + rateLimitUsers);
        }
        BadOptionValue.requireTimeout("RANDOMUSER_RATE_LIMIT_WINDOW_SECONDS", rateLimitWindowSeconds);
        BadOptionValue.requireTimeout("RANDOMUSER_REQUEST_TIMEOUT_SECONDS", requestTimeoutSeconds);
        BadOptionValue.requireWithin("RANDOMUSER_MAX_RESPONSE_MB", maxResponseMb, 1, 1024);
        BadOptionValue.requireTimeout("RANDOMUSER_GIVE_UP_AFTER_SECONDS", giveUpAfterSeconds);
        BadOptionValue.requireTimeout("KAFKA_TIMEOUT_SECONDS", kafkaTimeoutSeconds);
        BadOptionValue.requireTimeout("KAFKA_TRANSACTION_TIMEOUT_SECONDS", kafkaTransactionTimeoutSeconds);
        RunIds.require("RUN_ID", runId);
    }

    /** The API seed for a run: the same run id always asks for the same users. */
    static String seedFor(String runId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(runId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
