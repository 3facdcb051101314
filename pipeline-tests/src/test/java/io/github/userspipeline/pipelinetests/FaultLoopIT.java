package io.github.userspipeline.pipelinetests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.KafkaBroker;
import io.github.userspipeline.testsupport.RealServers;
import io.github.userspipeline.testsupport.SparkCluster;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.TopicRecords;
import io.github.userspipeline.testsupport.UsersTables;
import io.github.userspipeline.testsupport.randomuser.Fault;
import io.github.userspipeline.testsupport.randomuser.RandomUserApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12's fault loop, Jepsen-style but bounded and seeded: {@code fault-loop.runs} runs of the
 * three task jars, day after day on one topic and one checkpoint as the DAG runs them, each run
 * with one fault injected at a random moment. Every task is retried as Airflow retries it (the
 * DAG's 3 retries), and a run that still fails is run again once, as a person clearing it would.
 * Then, for every run, the ids fetch-users committed to the topic are exactly the ids in
 * created_users and in users_by_run, and no other row carries the loop's run ids.
 *
 * <p>Run by {@code script/fault-loop.sh} ({@code -Dfault-loop.runs=6 -Dfault-loop.seed=S}): the
 * same seed gives the same faults, moments and run sizes. It writes the fault matrix to
 * {@code target/fault-loop/fault-matrix.md}.
 */
@EnabledIfSystemProperty(named = "fault-loop.runs", matches = "[1-9][0-9]*")
@ExtendWith(RealServers.class)
class FaultLoopIT {

    /** The DAG's default USERS_PIPELINE_RETRIES: a task gets this many tries after its first. */
    private static final int RETRIES = 3;

    private static final Path WORK = Path.of("target", "fault-loop").toAbsolutePath();

    /** The faults of issue 12, part 6; each lands in the task it names. */
    enum FaultKind {
        KAFKA_RESTART_DURING_FETCH,
        API_BURST_DURING_FETCH,
        CASSANDRA_RESTART_DURING_JOB,
        DRIVER_SIGKILL,
        EXECUTOR_SIGKILL;

        boolean hitsFetch() {
            return this == KAFKA_RESTART_DURING_FETCH || this == API_BURST_DURING_FETCH;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** One run's fault, drawn from the seed: what, when (after the trigger) and for how long. */
    private record PlannedFault(FaultKind kind, Duration after, Duration down, List<Fault> burst) {}

    /** What happened to a run's fault: injected into one attempt only, when it landed (null: it never did). */
    private static final class Landing {
        boolean armed = true;
        volatile Duration at;
        volatile String note = "";

        /** The fault's injection for the next attempt of a task it hits, once. */
        Injection take(boolean hitsThisTask, Injection injection) {
            if (!armed || !hitsThisTask) {
                return null;
            }
            armed = false;
            return injection;
        }
    }

    /** One line of the fault matrix. */
    private record Outcome(
            String runId,
            int users,
            PlannedFault fault,
            String moment,
            Map<String, Integer> tries,
            boolean succeeded,
            int passes,
            long produced) {}

    private final KafkaBroker kafka;
    private final CassandraNode cassandra;
    private final PipelineTasks tasks;
    private final long seed = Long.getLong("fault-loop.seed", System.currentTimeMillis());
    private final int runs = Integer.getInteger("fault-loop.runs", 0);
    private final String loop = "loop" + System.currentTimeMillis();
    private final String topic = "users_" + loop;
    private final Path checkpoint = WORK.resolve(loop).resolve("checkpoint");
    /** Per task jar: the largest resident memory its process tree had (submit-spark's includes the driver). */
    private final Map<String, Long> peakRssBytes = new ConcurrentHashMap<>();

    FaultLoopIT(KafkaBroker kafka, CassandraNode cassandra, SparkCluster spark) {
        this.kafka = kafka;
        this.cassandra = cassandra;
        this.tasks = new PipelineTasks(kafka, cassandra, spark);
    }

    @Test
    void everyRunEndsWithExactlyItsUsersDespiteOneFaultEach() throws Exception {
        Random random = new Random(seed);
        List<Outcome> outcomes = new ArrayList<>();
        try (RandomUserApi api = RandomUserApi.start()) {
            for (PlannedFault fault : plan(random)) {
                String runId = loop + "_run" + (outcomes.size() + 1);
                int users = 1000 + random.nextInt(2001);
                System.out.printf("fault loop: %s, %d users, fault: %s%n", runId, users, fault.kind());
                outcomes.add(run(api, runId, users, fault));
            }
        }
        Map<String, Set<String>> produced = committedIdsByRun();
        Map<String, Set<String>> created = createdUsersByRun();
        List<String> matrix = matrix(outcomes, produced, created);
        Files.createDirectories(WORK);
        Files.write(WORK.resolve("fault-matrix.md"), matrix);
        System.out.println(String.join("\n", matrix));

        for (Outcome outcome : outcomes) {
            String runId = outcome.runId();
            Set<String> ids = produced.getOrDefault(runId, Set.of());
            assertThat(outcome.succeeded())
                    .as("%s (%s) ended in success", runId, outcome.fault().kind())
                    .isTrue();
            assertThat((long) ids.size())
                    .as("%s: committed ids = fetch-users' produced", runId)
                    .isEqualTo(outcome.produced());
            assertThat(created.getOrDefault(runId, Set.of()))
                    .as("%s: created_users holds exactly its ids", runId)
                    .isEqualTo(ids);
            assertThat(usersByRun(runId))
                    .as("%s: users_by_run holds exactly its ids", runId)
                    .isEqualTo(ids);
        }
        assertThat(created.keySet())
                .as("created_users holds no run of the loop's but its runs")
                .allMatch(runId ->
                        outcomes.stream().anyMatch(outcome -> outcome.runId().equals(runId)));
        assertThat(tasks.activeApplications())
                .as("applications left on the master")
                .isZero();
    }

    /** Every fault kind at least once, in a seeded order, then random kinds for the remaining runs. */
    private List<PlannedFault> plan(Random random) {
        List<FaultKind> kinds = new ArrayList<>(List.of(FaultKind.values()));
        Collections.shuffle(kinds, random);
        while (kinds.size() < runs) {
            kinds.add(FaultKind.values()[random.nextInt(FaultKind.values().length)]);
        }
        List<PlannedFault> planned = new ArrayList<>();
        for (FaultKind kind : kinds.subList(0, runs)) {
            Duration after = Duration.ofMillis(kind.hitsFetch() ? 300 + random.nextInt(2200) : random.nextInt(3000));
            Duration down = Duration.ofMillis(1000 + random.nextInt(4000));
            List<Fault> burst = new ArrayList<>();
            for (int fault = 2 + random.nextInt(5); fault > 0; fault--) {
                burst.add(
                        switch (random.nextInt(4)) {
                            case 0 -> Fault.tooManyRequests();
                            case 1 ->
                                Fault.serverError(List.of(500, 502, 503, 504).get(random.nextInt(4)));
                            // Both stalls outlast fetchEnvironment's 2 s request timeout.
                            case 2 -> Fault.slow(Duration.ofSeconds(3));
                            default -> Fault.stallAfterHeaders(Duration.ofSeconds(3));
                        });
            }
            planned.add(new PlannedFault(kind, after, down, burst));
        }
        return planned;
    }

    /** One DAG run: each task tried up to 1 + RETRIES times; the whole run once more if it failed. */
    private Outcome run(RandomUserApi api, String runId, int users, PlannedFault fault) throws Exception {
        Map<String, Integer> tries = new TreeMap<>();
        Landing landing = new Landing();
        boolean succeeded = false;
        long produced = 0;
        int passes = 0;
        while (!succeeded && passes < 2) {
            passes++;
            JsonNode fetched = tryTask(
                    "fetch",
                    tries,
                    () -> attempt(
                            PipelineTasks.FETCH_USERS,
                            fetchEnvironment(api, runId, users),
                            landing.take(
                                    fault.kind().hitsFetch(),
                                    (task, started) -> injectDuringFetch(api, fault, task, started, landing))));
            if (fetched == null) {
                continue;
            }
            produced = fetched.path("produced").asLong();
            JsonNode submitted = tryTask(
                    "submit",
                    tries,
                    () -> attempt(
                            PipelineTasks.SUBMIT_SPARK,
                            submitEnvironment(runId),
                            landing.take(
                                    !fault.kind().hitsFetch(),
                                    (task, started) -> injectDuringJob(runId, fault, task, started, landing))));
            if (submitted == null) {
                continue;
            }
            Map<String, String> verify = tasks.environment(runId, topic);
            verify.put("VERIFY_EXPECTED_DIGEST", fetched.path("ids_digest").asText());
            verify.put("VERIFY_GRACE_SECONDS", "20");
            succeeded = tryTask("verify", tries, () -> attempt(PipelineTasks.VERIFY_CASSANDRA, verify, null)) != null;
        }
        String moment = landing.at == null
                ? "never landed" + landing.note
                : String.format(Locale.ROOT, "%.1f s into the attempt%s", landing.at.toMillis() / 1000.0, landing.note);
        return new Outcome(runId, users, fault, moment, tries, succeeded, passes, produced);
    }

    @FunctionalInterface
    private interface Attempt {
        TaskJar.Run run() throws Exception;
    }

    @FunctionalInterface
    private interface Injection {
        void inject(Process task, Instant started) throws Exception;
    }

    /** Tries a task up to 1 + RETRIES times; its summary on success, null when every try failed. */
    private static JsonNode tryTask(String task, Map<String, Integer> tries, Attempt attempt) throws Exception {
        for (int attemptNumber = 0; attemptNumber <= RETRIES; attemptNumber++) {
            tries.merge(task, 1, Integer::sum);
            TaskJar.Run run = attempt.run();
            if (run.exitCode() == 0) {
                return run.summary();
            }
            String reason = run.lastStderrLine();
            System.out.printf(
                    "fault loop: %s try %d failed (exit %d): %s%n",
                    task,
                    tries.get(task),
                    run.exitCode(),
                    reason.length() > 300 ? reason.substring(0, 300) + "…" : reason);
            Thread.sleep(2000); // Airflow's retry delay, shortened
        }
        return null;
    }

    /** Runs the task jar; {@code injection}, if any, runs beside it and injects the fault. */
    private TaskJar.Run attempt(TaskJar jar, Map<String, String> env, Injection injection) throws Exception {
        Files.createDirectories(WORK);
        Path stdout = Files.createTempFile(WORK, "task", ".out");
        Path stderr = Files.createTempFile(WORK, "task", ".err");
        Instant started = Instant.now();
        Process task = jar.start(env, stdout, stderr);
        CompletableFuture<Void> sampled = CompletableFuture.runAsync(() -> samplePeakRss(jar, task));
        CompletableFuture<Void> injected = injection == null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> {
                    try {
                        injection.inject(task, started);
                    } catch (Exception e) {
                        throw new IllegalStateException("injecting the fault failed: " + e.getMessage(), e);
                    }
                });
        try {
            assertThat(task.waitFor(8, TimeUnit.MINUTES))
                    .as("%s ended within 8 minutes; stderr: %s", jar, Files.readString(stderr))
                    .isTrue();
            injected.join();
        } finally {
            task.destroyForcibly();
            sampled.join();
        }
        return new TaskJar.Run(
                task.exitValue(),
                Files.readAllLines(stdout),
                Files.readAllLines(stderr),
                Duration.between(started, Instant.now()));
    }

    /** Samples the resident memory of the task's process tree every 100 ms while it runs. */
    private void samplePeakRss(TaskJar jar, Process task) {
        while (task.isAlive()) {
            long rss = Stream.concat(Stream.of(task.toHandle()), task.descendants())
                    .mapToLong(FaultLoopIT::residentBytes)
                    .sum();
            peakRssBytes.merge(jar.toString(), rss, Math::max);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** VmRSS from /proc (Linux); 0 once the process is gone. */
    private static long residentBytes(ProcessHandle process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the process ended between listing and reading
        }
        return 0;
    }

    private void injectDuringFetch(
            RandomUserApi api, PlannedFault fault, Process task, Instant started, Landing landing) throws Exception {
        if (fault.kind() == FaultKind.API_BURST_DURING_FETCH) {
            api.inject(fault.burst().toArray(Fault[]::new));
            landing.at = Duration.between(started, Instant.now());
            landing.note = " (its first " + fault.burst().size() + " requests: "
                    + fault.burst().stream()
                            .map(burst -> switch (burst.kind()) {
                                case SLOW -> "stall";
                                case STALL_AFTER_HEADERS -> "stall after headers";
                                default -> String.valueOf(burst.status());
                            })
                            .toList()
                    + ")";
            return;
        }
        Thread.sleep(fault.after().toMillis());
        if (land(task, started, landing)) {
            kafka.stop();
            Thread.sleep(fault.down().toMillis());
            kafka.start();
            landing.note = ", broker down " + fault.down().toMillis() / 1000.0 + " s + its restart";
        }
    }

    /** Waits for the job's first committed batch, then for the planned moment, then injects the job's fault. */
    private void injectDuringJob(String runId, PlannedFault fault, Process task, Instant started, Landing landing)
            throws Exception {
        Path commits = checkpoint.resolve("commits");
        long committedBefore = committedBatches(commits);
        while (task.isAlive() && committedBatches(commits) == committedBefore) {
            Thread.sleep(50);
        }
        Thread.sleep(fault.after().toMillis());
        if (!land(task, started, landing)) {
            return;
        }
        switch (fault.kind()) {
            case CASSANDRA_RESTART_DURING_JOB -> {
                cassandra.stop();
                Thread.sleep(fault.down().toMillis());
                cassandra.start();
                landing.note = ", node down " + fault.down().toMillis() / 1000.0 + " s + its restart";
            }
            case DRIVER_SIGKILL ->
                landing.note =
                        ", " + kill(commandLine -> commandLine.contains("SparkSubmit") && commandLine.contains(runId))
                                + " driver(s) killed";
            case EXECUTOR_SIGKILL ->
                landing.note = ", " + kill(commandLine -> commandLine.contains("CoarseGrainedExecutorBackend"))
                        + " executor(s) killed";
            default -> throw new IllegalArgumentException(fault.kind() + " is not a job fault");
        }
    }

    /** Marks the fault landed now if the attempt still runs; otherwise it never lands. */
    private static boolean land(Process task, Instant started, Landing landing) {
        if (!task.isAlive()) {
            landing.note = " (the attempt had ended)";
            return false;
        }
        landing.at = Duration.between(started, Instant.now());
        return true;
    }

    private static long committedBatches(Path commits) throws java.io.IOException {
        if (!Files.isDirectory(commits)) {
            return 0;
        }
        try (var files = Files.list(commits)) {
            return files.filter(file -> !file.getFileName().toString().startsWith("."))
                    .count();
        }
    }

    /** SIGKILLs the processes whose command line matches; how many there were. */
    private static long kill(java.util.function.Predicate<String> commandLine) {
        return ProcessHandle.allProcesses()
                .filter(process -> commandLine.test(process.info().commandLine().orElse("")))
                .filter(ProcessHandle::destroyForcibly)
                .count();
    }

    private Map<String, String> fetchEnvironment(RandomUserApi api, String runId, int users) {
        Map<String, String> env = tasks.environment(runId, topic);
        env.put("USERS_COUNT", String.valueOf(users));
        env.put("RANDOMUSER_URL", api.baseUrl());
        // Pages small enough that a fault lands among them, and stalls cut short.
        env.put("RANDOMUSER_BATCH_SIZE", "100");
        env.put("RANDOMUSER_REQUEST_TIMEOUT_SECONDS", "2");
        return env;
    }

    private Map<String, String> submitEnvironment(String runId) {
        Map<String, String> env = tasks.submitEnvironment(runId, topic, checkpoint);
        // Many batches, so that a fault lands between two of them.
        env.put("STREAM_MAX_OFFSETS_PER_TRIGGER", "500");
        return env;
    }

    /** The ids of each run that fetch-users committed to the topic, read as the job reads them. */
    private Map<String, Set<String>> committedIdsByRun() {
        Map<String, Set<String>> ids = new HashMap<>();
        for (JsonNode user : TopicRecords.read(kafka.bootstrapServers(), topic).values()) {
            ids.computeIfAbsent(user.path("run_id").asText(), run -> new HashSet<>())
                    .add(user.path("id").asText());
        }
        return ids;
    }

    /** created_users' ids of the loop's runs. */
    private Map<String, Set<String>> createdUsersByRun() {
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            Map<String, Set<String>> ids = new HashMap<>();
            tables.createdUsersByRun(runId -> runId.startsWith(loop))
                    .forEach((runId, uuids) -> ids.put(runId, texts(uuids)));
            return ids;
        }
    }

    private Set<String> usersByRun(String runId) {
        try (UsersTables tables = UsersTables.connect(cassandra)) {
            return texts(tables.idsOfRun(runId));
        }
    }

    private static Set<String> texts(Set<UUID> ids) {
        return ids.stream().map(UUID::toString).collect(Collectors.toSet());
    }

    private List<String> matrix(
            List<Outcome> outcomes, Map<String, Set<String>> produced, Map<String, Set<String>> created) {
        List<String> lines = new ArrayList<>();
        lines.add("Fault loop, seed " + seed + ", " + outcomes.size() + " runs:");
        lines.add("");
        lines.add("| run | users | fault | moment | tries (fetch/submit/verify) | outcome | produced | in created_users"
                + " | in users_by_run | exact |");
        lines.add("|---|---|---|---|---|---|---|---|---|---|");
        for (int index = 0; index < outcomes.size(); index++) {
            Outcome outcome = outcomes.get(index);
            Set<String> ids = produced.getOrDefault(outcome.runId(), Set.of());
            Set<String> inCreated = created.getOrDefault(outcome.runId(), Set.of());
            Set<String> indexed = usersByRun(outcome.runId());
            lines.add(String.format(
                    Locale.ROOT,
                    "| %d | %d | %s | %s | %d/%d/%d | %s | %d | %d | %d | %s |",
                    index + 1,
                    outcome.users(),
                    outcome.fault().kind(),
                    outcome.moment(),
                    outcome.tries().getOrDefault("fetch", 0),
                    outcome.tries().getOrDefault("submit", 0),
                    outcome.tries().getOrDefault("verify", 0),
                    (outcome.succeeded() ? "success" : "failed") + (outcome.passes() > 1 ? " after a rerun" : ""),
                    outcome.produced(),
                    inCreated.size(),
                    indexed.size(),
                    ids.equals(inCreated) && ids.equals(indexed) ? "yes" : "NO"));
        }
        lines.add("");
        lines.add("Peak resident memory of each task's process tree (submit-spark's: the launcher and the driver): "
                + peakRssBytes.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(peak -> peak.getKey() + " " + peak.getValue() / (1024 * 1024) + " MiB")
                        .toList());
        return lines;
    }
}
