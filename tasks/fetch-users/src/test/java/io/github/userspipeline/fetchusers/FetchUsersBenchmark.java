package io.github.userspipeline.fetchusers;

import io.github.userspipeline.testsupport.Figure;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.ServerProcess;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.TopicRecords;
import io.github.userspipeline.testsupport.randomuser.RandomUserApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code fetch_users_per_s}: fetch-users' throughput for 200,000 users from the stand-in (rate
 * limit lifted) into the real broker, against Kafka's own ProducerPerformance on the same broker
 * with the same records (a payload file of fetch-users' own JSON) and the same producer settings
 * ({@link UsersProducer#producerConfig}), in the same run. {@code fetch_users_first_record_seconds}:
 * from launching fetch-users' JVM to Kafka acknowledging its first record (no baseline).
 *
 * <p>The real API renders its answers on its own servers; the stand-in renders every page
 * fetch-users will ask for before fetch-users starts, and then only sends bytes, so it does not
 * take the CPUs from the client it measures. Run by script/bench.sh.
 */
public final class FetchUsersBenchmark {

    private static final int USERS = 200_000;
    private static final int ROUNDS = 3;
    private static final int BATCH_SIZE = 5000;
    private static final String RUN_ID = "bench";
    private static final Pattern RECORDS_PER_SECOND = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");

    public static void main(String[] args) throws Exception {
        Path work = Path.of("target", "bench");
        try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"));
                RandomUserApi api = RandomUserApi.start("127.0.0.1", 0, 0, RandomUserApi.RATE_WINDOW)) {
            for (int page = 1; page <= USERS / BATCH_SIZE; page++) {
                api.prerender(
                        RandomUserClient.pageUri(api.baseUrl(), FetchUsers.seedFor(RUN_ID), page, BATCH_SIZE, ""));
            }
            warmUp(api);
            // Rounds of fetch-users, then its baseline: a change in the machine's load shifts both
            // halves of a round alike, and the medians leave out a round that met a burst.
            Path payload = work.resolve("payload.txt");
            List<Double> usersPerSecond = new ArrayList<>();
            List<Double> firstRecordSeconds = new ArrayList<>();
            List<Double> baseline = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                String topic = "bench_users_" + round;
                Instant launched = Instant.now();
                TaskJar.Run run = fetchUsers(api, kafka, topic);
                usersPerSecond.add(run.summary().path("produced").asDouble()
                        / run.summary().path("seconds").asDouble());
                firstRecordSeconds.add(
                        Duration.between(launched, firstRecordAcknowledged(run)).toNanos() / 1e9);
                if (round == 1) {
                    List<String> records = TopicRecords.read(kafka.bootstrapServers(), topic).values().stream()
                            .limit(20_000)
                            .map(Object::toString)
                            .toList();
                    Files.write(payload, records);
                }
                baseline.add(producerPerformance(kafka, payload, "bench_baseline_" + round));
                System.err.printf(
                        "round %d: fetch-users %.0f users/s, ProducerPerformance %.0f records/s%n",
                        round, usersPerSecond.get(round - 1), baseline.get(round - 1));
            }
            new Figure("fetch_users_per_s", Figure.median(usersPerSecond), "users/s", Figure.median(baseline)).print();
            new Figure("fetch_users_first_record_seconds", Figure.median(firstRecordSeconds), "s", null).print();
        }
    }

    private static TaskJar.Run fetchUsers(RandomUserApi api, KafkaBroker kafka, String topic) throws Exception {
        TaskJar.Run run = new TaskJar(Path.of("target", "fetch-users.jar"))
                .run(
                        Map.of(
                                "RUN_ID",
                                RUN_ID,
                                "USERS_COUNT",
                                String.valueOf(USERS),
                                "RANDOMUSER_BATCH_SIZE",
                                String.valueOf(BATCH_SIZE),
                                "RANDOMUSER_URL",
                                api.baseUrl(),
                                "RANDOMUSER_RATE_LIMIT_USERS",
                                "0",
                                "KAFKA_BOOTSTRAP_SERVERS",
                                kafka.bootstrapServers(),
                                "KAFKA_TOPIC",
                                topic),
                        Duration.ofMinutes(10));
        run.stderr().forEach(System.err::println);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("fetch-users failed: " + run.lastStderrLine());
        }
        return run;
    }

    /**
     * The real API answers from warm servers: let the stand-in's JIT warm up on serving another
     * seed's pre-rendered page first, so its start-up is not charged to fetch-users.
     */
    private static void warmUp(RandomUserApi api) throws Exception {
        URI warmUp = RandomUserClient.pageUri(api.baseUrl(), "warm-up", 1, BATCH_SIZE, "");
        api.prerender(warmUp);
        HttpClient http = HttpClient.newHttpClient();
        for (int request = 1; request <= 20; request++) {
            http.send(HttpRequest.newBuilder(warmUp).build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    /** When Kafka acknowledged the run's first record, as fetch-users logs it. */
    private static Instant firstRecordAcknowledged(TaskJar.Run run) {
        for (String line : run.stderr()) {
            int at = line.indexOf(UsersProducer.FIRST_RECORD_ACKNOWLEDGED);
            if (at >= 0) {
                return Instant.parse(line.substring(at + UsersProducer.FIRST_RECORD_ACKNOWLEDGED.length())
                        .strip());
            }
        }
        throw new IllegalStateException("fetch-users logged no first acknowledged record");
    }

    /** Kafka's own producer benchmark with fetch-users' producer settings; its records/sec. */
    private static double producerPerformance(KafkaBroker kafka, Path payload, String topic) throws Exception {
        UsersProducer.ensureTopics(kafka.bootstrapServers(), List.of(topic), 3, (short) 1, Duration.ofSeconds(30));
        List<String> command = new ArrayList<>(List.of(
                ServerProcess.javaExecutable(),
                "-cp",
                KafkaBroker.toolsClasspath(),
                "org.apache.kafka.tools.ProducerPerformance",
                "--topic",
                topic,
                "--num-records",
                String.valueOf(USERS),
                "--throughput",
                "-1",
                "--payload-file",
                payload.toString(),
                "--producer-props"));
        UsersProducer.producerConfig(kafka.bootstrapServers(), Duration.ofSeconds(60))
                .forEach((name, value) -> command.add(name + "=" + value));
        Process perf = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(perf.getInputStream().readAllBytes());
        if (perf.waitFor() != 0) {
            throw new IllegalStateException("ProducerPerformance failed:\n" + output);
        }
        // It prints a line every 5 s; the last one is the whole run's figure.
        String recordsPerSecond = null;
        for (Matcher m = RECORDS_PER_SECOND.matcher(output); m.find(); ) {
            recordsPerSecond = m.group(2);
        }
        if (recordsPerSecond == null) {
            throw new IllegalStateException("no records/sec in ProducerPerformance output:\n" + output);
        }
        return Double.parseDouble(recordsPerSecond);
    }
}
