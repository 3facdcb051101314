package io.github.userspipeline.fetchusers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.task.RunDigest;
import io.github.userspipeline.task.contract.UserRecord;
import io.github.userspipeline.task.contract.UserRules;
import io.github.userspipeline.testsupport.FreePort;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.RealServers;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.TopicRecords;
import io.github.userspipeline.testsupport.randomuser.Fault;
import io.github.userspipeline.testsupport.randomuser.RandomUserApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real fetch-users jar against the real Kafka broker and the randomuser stand-in. */
@ExtendWith(RealServers.class)
class FetchUsersIT {

    private static final TaskJar FETCH_USERS = new TaskJar(Path.of("target", "fetch-users.jar"));

    private final KafkaBroker kafka;
    private RandomUserApi api;
    private String topic;

    FetchUsersIT(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void start(TestInfo test) throws Exception {
        api = RandomUserApi.start();
        topic = "users_" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private Map<String, String> environment(String runId, int users) {
        Map<String, String> env = new HashMap<>();
        env.put("RUN_ID", runId);
        env.put("USERS_COUNT", String.valueOf(users));
        env.put("RANDOMUSER_URL", api.baseUrl());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_TOPIC", topic);
        env.put("KAFKA_DLQ_TOPIC", topic + "_dlq");
        return env;
    }

    private TaskJar.Run fetch(Map<String, String> env) {
        return FETCH_USERS.run(env, Duration.ofMinutes(3));
    }

    @Test
    void producesEveryRequestedUserOnceKeyedById() {
        TaskJar.Run run = fetch(environment("run-a", 12_000));

        assertThat(run.exitCode()).as(String.join("\n", run.stderr())).isZero();
        JsonNode summary = run.summary();
        assertThat(summary.path("task").asText()).isEqualTo("fetch-users");
        assertThat(summary.path("run_id").asText()).isEqualTo("run-a");
        assertThat(summary.path("requested").asInt()).isEqualTo(12_000);
        assertThat(summary.path("produced").asLong() + summary.path("rejected").asLong())
                .isEqualTo(12_000);
        assertThat(api.requests()).as("3 pages of 5000").isEqualTo(3);

        TopicRecords users = TopicRecords.read(kafka.bootstrapServers(), topic);
        assertThat(users.keys()).hasSize(summary.path("produced").asInt()).doesNotHaveDuplicates();
        assertThat(summary.path("ids_digest").asText())
                .as("the digest of the ids in the topic")
                .isEqualTo(digestOf(users.keys()).toString());
        for (int i = 0; i < users.values().size(); i++) {
            JsonNode user = users.values().get(i);
            assertThat(user.properties())
                    .extracting(Map.Entry::getKey)
                    .containsExactlyElementsOf(UserRecord.wireNames());
            assertThat(user.path("id").asText()).isEqualTo(users.keys().get(i));
            assertThat(UUID.fromString(user.path("id").asText())).isNotNull();
            assertThat(user.path("email").asText()).contains("@");
            assertThat(user.path("gender").asText()).isIn(UserRules.GENDERS);
            assertThat(user.path("latitude").isDouble()).isTrue();
            assertThat(user.path("post_code").isTextual()).isTrue();
            assertThat(Instant.parse(user.path("dob").asText())).isBefore(Instant.now());
            assertThat(user.path("run_id").asText()).isEqualTo("run-a");
            assertThat(user.toString()).doesNotContain("password", "sha256");
        }
        assertThat(TopicRecords.read(kafka.bootstrapServers(), topic + "_dlq").keys())
                .hasSize(summary.path("rejected").asInt());
        assertThat(reasons(summary).values().stream().mapToLong(Long::longValue).sum())
                .as("rejected_reasons sum to rejected")
                .isEqualTo(summary.path("rejected").asLong());
    }

    @Test
    void theSummaryIsTheLastStdoutLineAndLogsGoToStderr() {
        TaskJar.Run run = fetch(environment("run-log", 10));

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).hasSize(1);
        assertThat(run.summary().path("produced").asInt()).isEqualTo(10);
        assertThat(run.summary().path("rejected").asInt()).isZero();
        assertThat(run.summary().path("rejected_reasons").isObject())
                .as("present, and empty for a clean run")
                .isTrue();
        assertThat(reasons(run.summary())).isEmpty();
        assertThat(run.stderr()).anyMatch(line -> line.contains("10/10 users fetched"));
    }

    @Test
    void aRerunOfTheSameRunFetchesTheSameUsers() {
        assertThat(fetch(environment("run-same", 300)).exitCode()).isZero();
        List<String> first = TopicRecords.read(kafka.bootstrapServers(), topic).keys();
        assertThat(fetch(environment("run-same", 300)).exitCode()).isZero();
        List<String> both = TopicRecords.read(kafka.bootstrapServers(), topic).keys();

        assertThat(first).hasSize(300).doesNotHaveDuplicates();
        assertThat(both).hasSize(600);
        assertThat(new HashSet<>(both))
                .as("the rerun's ids are the first run's")
                .isEqualTo(new HashSet<>(first));

        topic = topic + "_other";
        assertThat(fetch(environment("run-other", 300)).exitCode()).isZero();
        assertThat(TopicRecords.read(kafka.bootstrapServers(), topic).keys()).doesNotContainAnyElementsOf(first);
    }

    /**
     * Starts an attempt that fetches 4 pages of 500, the third one answered only after
     * {@code thirdPageDelay}, and returns once its first two pages reached the topic's log.
     */
    private Process startSlowAttempt(String runId, Duration thirdPageDelay, Path stderr) throws Exception {
        api.inject(Fault.slow(Duration.ZERO), Fault.slow(Duration.ZERO), Fault.slow(thirdPageDelay));
        Map<String, String> env = environment(runId, 2000);
        env.put("RANDOMUSER_BATCH_SIZE", "500");
        env.put("RANDOMUSER_CONCURRENCY", "1");
        env.put("RANDOMUSER_REQUEST_TIMEOUT_SECONDS", String.valueOf(thirdPageDelay.toSeconds() + 30));
        Process attempt = FETCH_USERS.start(env, Files.createTempFile("attempt", ".out"), stderr);
        Instant deadline = Instant.now().plusSeconds(60);
        while (TopicRecords.offsetsWritten(kafka.bootstrapServers(), topic) < 1000) {
            assertThat(attempt.isAlive())
                    .as("attempt running; stderr: %s", Files.readString(stderr))
                    .isTrue();
            assertThat(Instant.now())
                    .as("waiting for the first two pages in the log")
                    .isBefore(deadline);
            Thread.sleep(100);
        }
        return attempt;
    }

    @Test
    void aKilledAttemptLeavesNoUserVisibleAndTheRerunIsExact() throws Exception {
        Process killed = startSlowAttempt("run-killed", Duration.ofMinutes(2), Files.createTempFile("killed", ".err"));
        killed.destroyForcibly().waitFor();

        assertThat(TopicRecords.read(kafka.bootstrapServers(), topic).keys())
                .as("the killed attempt's users, sent but never committed")
                .isEmpty();

        TaskJar.Run rerun = fetch(environment("run-killed", 2000));

        assertThat(rerun.exitCode()).as(String.join("\n", rerun.stderr())).isZero();
        assertThat(rerun.summary().path("produced").asInt()).isEqualTo(2000);
        List<String> users = TopicRecords.read(kafka.bootstrapServers(), topic).keys();
        assertThat(users).hasSize(2000).doesNotHaveDuplicates();
        topic = topic + "_reference";
        assertThat(fetch(environment("run-killed", 2000)).exitCode()).isZero();
        assertThat(new HashSet<>(users))
                .as("the run's users, as a clean run fetches them")
                .isEqualTo(new HashSet<>(
                        TopicRecords.read(kafka.bootstrapServers(), topic).keys()));
    }

    @Test
    void aNewerAttemptOfTheRunFencesTheOlderOne() throws Exception {
        Path olderStderr = Files.createTempFile("older", ".err");
        Process older = startSlowAttempt("run-twice", Duration.ofSeconds(20), olderStderr);

        TaskJar.Run newer = fetch(environment("run-twice", 2000));

        assertThat(newer.exitCode()).as(String.join("\n", newer.stderr())).isZero();
        assertThat(newer.summary().path("produced").asInt()).isEqualTo(2000);
        assertThat(older.waitFor(90, TimeUnit.SECONDS))
                .as("the older attempt ended")
                .isTrue();
        List<String> olderLog = Files.readAllLines(olderStderr);
        assertThat(older.exitValue()).as(String.join("\n", olderLog)).isEqualTo(1);
        assertThat(olderLog.get(olderLog.size() - 1))
                .startsWith("fetch-users failed: fenced by a newer attempt of run run-twice");
        assertThat(TopicRecords.read(kafka.bootstrapServers(), topic).keys())
                .hasSize(2000)
                .doesNotHaveDuplicates();
    }

    @Test
    void anAttemptThatOutlivesItsTransactionTimeoutFailsAndLeavesNothing() throws Exception {
        // The third page comes after 25 s; the broker aborts a transaction within ~10 s of its 3 s timeout.
        api.inject(Fault.slow(Duration.ZERO), Fault.slow(Duration.ZERO), Fault.slow(Duration.ofSeconds(25)));
        Map<String, String> env = environment("run-too-long", 2000);
        env.put("RANDOMUSER_BATCH_SIZE", "500");
        env.put("RANDOMUSER_CONCURRENCY", "1");
        env.put("KAFKA_TRANSACTION_TIMEOUT_SECONDS", "3");

        TaskJar.Run run = fetch(env);

        assertThat(run.exitCode()).as(String.join("\n", run.stderr())).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .startsWith("fetch-users failed: the run's Kafka transaction outlived its "
                        + "timeout of 3 s (KAFKA_TRANSACTION_TIMEOUT_SECONDS) and was aborted");
        assertThat(TopicRecords.read(kafka.bootstrapServers(), topic).keys()).isEmpty();
    }

    @Test
    void transientApiFailuresAreRetriedAndStillDeliverEveryUser() {
        api.inject(
                Fault.tooManyRequests(),
                Fault.serverError(500),
                Fault.serverError(502),
                Fault.serverError(503),
                Fault.serverError(504),
                Fault.emptyResults(),
                Fault.malformedJson(),
                Fault.slow(Duration.ofSeconds(4)));
        Map<String, String> env = environment("run-faults", 1000);
        env.put("RANDOMUSER_BATCH_SIZE", "500");
        env.put("RANDOMUSER_CONCURRENCY", "1");
        env.put("RANDOMUSER_REQUEST_TIMEOUT_SECONDS", "2");

        TaskJar.Run run = fetch(env);

        assertThat(run.exitCode()).as(String.join("\n", run.stderr())).isZero();
        assertThat(run.summary().path("produced").asInt()).isEqualTo(1000);
        assertThat(api.requests()).as("8 faults + 2 good pages").isEqualTo(10);
        assertThat(String.join("\n", run.stderr()))
                .contains(
                        "HTTP 429 Whoa, ease up there cowboy",
                        "HTTP 502",
                        "asked for 500 users, got 0",
                        "malformed JSON");
        assertThat(TopicRecords.read(kafka.bootstrapServers(), topic).keys())
                .hasSize(1000)
                .doesNotHaveDuplicates();
    }

    @Test
    void aBodyThatStallsAfterItsHeadersIsCutOffAndRetried() {
        api.inject(Fault.stallAfterHeaders(Duration.ofSeconds(150)));
        // Few users, so the headers come well within the timeout even on a busy machine.
        Map<String, String> env = environment("run-stall", 10);
        env.put("RANDOMUSER_REQUEST_TIMEOUT_SECONDS", "10");
        env.put("RANDOMUSER_GIVE_UP_AFTER_SECONDS", "30");

        TaskJar.Run run = fetch(env);

        assertThat(run.exitCode()).as(String.join("\n", run.stderr())).isZero();
        assertThat(run.summary().path("seconds").asDouble())
                .as("cut off after 10 s, not after the 150 s stall")
                .isLessThan(60.0);
        assertThat(String.join("\n", run.stderr())).contains("no complete answer within 10 s");
        assertThat(api.requests()).as("the stalled attempt and its retry").isEqualTo(2);
        assertThat(TopicRecords.read(kafka.bootstrapServers(), topic).keys())
                .hasSize(10)
                .doesNotHaveDuplicates();
    }

    @Test
    void aBodyOverTheSizeCapFailsAtOnceWithAClearReason() {
        api.inject(Fault.hugeBody(64L << 20));
        Map<String, String> env = environment("run-huge", 10);
        env.put("RANDOMUSER_MAX_RESPONSE_MB", "8");

        TaskJar.Run run = fetch(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .startsWith("fetch-users failed: randomuser API http://127.0.0.1:")
                .contains("answered with more than 8 MiB (RANDOMUSER_MAX_RESPONSE_MB)");
        assertThat(api.requests())
                .as("not retried: the same request gets the same answer")
                .isEqualTo(1);
        assertThat(TopicRecords.read(kafka.bootstrapServers(), topic).keys()).isEmpty();
    }

    @Test
    void repeated429sOnFullBatchesDoNotUseUpTheRateLimit() {
        // Four 429s of 5,000 users each would book the whole 20,000-user window if refused
        // attempts were charged; the next attempt would then wait out the window.
        api.inject(Fault.tooManyRequests(), Fault.tooManyRequests(), Fault.tooManyRequests(), Fault.tooManyRequests());
        Map<String, String> env = environment("run-429s", 10_000);
        env.put("RANDOMUSER_CONCURRENCY", "1");
        env.put("RANDOMUSER_RATE_LIMIT_WINDOW_SECONDS", "600");
        env.put("RANDOMUSER_GIVE_UP_AFTER_SECONDS", "60");

        TaskJar.Run run = fetch(env);

        assertThat(run.exitCode()).as(String.join("\n", run.stderr())).isZero();
        assertThat(run.summary().path("produced").asInt()
                        + run.summary().path("rejected").asInt())
                .isEqualTo(10_000);
        assertThat(run.stderr()).noneMatch(line -> line.contains("rate limit: 20000 of 20000 users booked"));
        assertThat(run.summary().path("seconds").asDouble())
                .as("four backoffs, no 600 s window")
                .isLessThan(120.0);
        assertThat(api.requests()).as("4 refused + 2 pages of 5000").isEqualTo(6);
        assertThat(api.rateLimited()).as("requests the API itself turned away").isZero();
    }

    @Test
    void aMalformedUserLandsInTheDeadLetterTopicWithItsReason() {
        api.inject(Fault.invalidUser());

        TaskJar.Run run = fetch(environment("run-dlq", 50));

        assertThat(run.exitCode()).isZero();
        assertThat(run.summary().path("produced").asInt()).isEqualTo(49);
        assertThat(run.summary().path("rejected").asInt()).isEqualTo(1);
        assertThat(reasons(run.summary()))
                .as("the reason's kind: its problems without their values")
                .containsExactly(Map.entry("email is not an address; dob.date is not an ISO-8601 instant", 1L));
        TopicRecords dlq = TopicRecords.read(kafka.bootstrapServers(), topic + "_dlq");
        assertThat(dlq.values()).singleElement().satisfies(rejected -> {
            assertThat(rejected.path("reason").asText())
                    .contains(
                            "email is not an address: not-an-email", "dob.date is not an ISO-8601 instant: yesterday");
            assertThat(rejected.path("run_id").asText()).isEqualTo("run-dlq");
            assertThat(rejected.at("/raw/login/uuid").asText())
                    .isEqualTo(dlq.keys().get(0));
            assertThat(rejected.at("/raw/login/password").isMissingNode()).isTrue();
        });
        List<String> produced =
                TopicRecords.read(kafka.bootstrapServers(), topic).keys();
        assertThat(produced).hasSize(49).doesNotContain(dlq.keys().get(0));
        assertThat(run.summary().path("ids_digest").asText())
                .as("the topic's ids, not the dead letter's")
                .isEqualTo(digestOf(produced).toString());
    }

    /** The summary's rejected_reasons, in its order. */
    private static Map<String, Long> reasons(JsonNode summary) {
        Map<String, Long> reasons = new LinkedHashMap<>();
        summary.path("rejected_reasons")
                .properties()
                .forEach(kind -> reasons.put(kind.getKey(), kind.getValue().asLong()));
        return reasons;
    }

    private static RunDigest digestOf(List<String> keys) {
        return RunDigest.of(keys.stream().map(UUID::fromString).toList());
    }

    @Test
    void theApiRateLimitIsRespected() throws Exception {
        api.close();
        api = RandomUserApi.start("127.0.0.1", 0, 1000, Duration.ofSeconds(2));
        Map<String, String> env = environment("run-rate", 3000);
        env.put("RANDOMUSER_BATCH_SIZE", "500");
        env.put("RANDOMUSER_RATE_LIMIT_USERS", "1000");
        env.put("RANDOMUSER_RATE_LIMIT_WINDOW_SECONDS", "2");

        TaskJar.Run run = fetch(env);

        assertThat(run.exitCode()).as(String.join("\n", run.stderr())).isZero();
        assertThat(run.summary().path("produced").asInt()).isEqualTo(3000);
        assertThat(api.rateLimited()).as("requests the API turned away").isZero();
        assertThat(run.summary().path("seconds").asDouble())
                .as("3 windows of 1000 users")
                .isGreaterThan(4.0);
    }

    @Test
    void anUnreachableBrokerFailsWithAClearReason() {
        Map<String, String> env = environment("run-no-kafka", 10);
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + FreePort.next());
        env.put("KAFKA_TIMEOUT_SECONDS", "5");

        TaskJar.Run run = fetch(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .startsWith("fetch-users failed: Kafka at 127.0.0.1:")
                .contains("did not answer within 5 s");
        assertThat(api.requests()).as("no user fetched for nothing").isZero();
    }

    @Test
    void anUnreachableApiFailsAfterTheGiveUpTime() {
        Map<String, String> env = environment("run-no-api", 10);
        env.put("RANDOMUSER_URL", "http://127.0.0.1:" + FreePort.next() + "/api/1.4/");
        env.put("RANDOMUSER_GIVE_UP_AFTER_SECONDS", "3");

        TaskJar.Run run = fetch(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .startsWith("fetch-users failed: randomuser API http://127.0.0.1:")
                .contains("still failing after retries");
    }

    @Test
    void aWrongApiVersionFailsAtOnceWithoutRetrying() {
        Map<String, String> env = environment("run-404", 10);
        env.put("RANDOMUSER_URL", api.baseUrl().replace("1.4", "9.9"));

        TaskJar.Run run = fetch(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine()).contains("HTTP 404 Not Found");
        assertThat(api.requests()).isEqualTo(1);
    }

    @Test
    void badConfigurationIsRefusedWithTheReason() {
        TaskJar.Run zeroUsers = fetch(environment("run-zero", 0));
        assertThat(zeroUsers.exitCode()).isEqualTo(2);
        assertThat(zeroUsers.lastStderrLine())
                .isEqualTo("fetch-users failed: USERS_COUNT must be within 1..1000000, got 0");

        Map<String, String> noRunId = environment("x", 10);
        noRunId.remove("RUN_ID");
        TaskJar.Run missing = fetch(noRunId);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.lastStderrLine()).startsWith("fetch-users failed: Missing required option: '--run-id");
        assertThat(api.requests()).isZero();
    }
}
