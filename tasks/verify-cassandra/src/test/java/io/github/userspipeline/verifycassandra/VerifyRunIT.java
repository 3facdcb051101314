package io.github.userspipeline.verifycassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.task.RunDigest;
import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.FreePort;
import io.github.userspipeline.testsupport.RealServers;
import io.github.userspipeline.testsupport.TaskJar;
import io.github.userspipeline.testsupport.UsersTables;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The DAG's check, run as the container runs it: the real jar against a real Cassandra node. What
 * created_users must hold is checked both ways ({@link CreatedUsersCheck.Way}, forced by
 * VERIFY_CREATED_USERS_READ); the others let the task choose.
 */
@ExtendWith(RealServers.class)
class VerifyRunIT {

    private static final TaskJar JAR = new TaskJar(Path.of("target", "verify-cassandra.jar"));
    private static final Duration JAR_TIMEOUT = Duration.ofSeconds(120);

    /** For runs that fail before the digest matters. */
    private static final RunDigest ANY_DIGEST = RunDigest.of(TestCassandra.randomIds(100));

    private static TestCassandra cassandra;

    @BeforeAll
    static void applySchema(CassandraNode node) {
        cassandra = TestCassandra.withSchema(node);
    }

    @AfterAll
    static void disconnect() {
        cassandra.close();
    }

    @ParameterizedTest
    @EnumSource(CreatedUsersCheck.Way.class)
    void passesWhenEveryUserOfTheRunIsThere(CreatedUsersCheck.Way way) {
        String runId = newRunId();
        List<UUID> ids = TestCassandra.randomIds(1000);
        cassandra.insertRun(runId, ids);

        TaskJar.Run run = verify(way, runId, RunDigest.of(ids));

        assertThat(run.exitCode()).as(run.stderr().toString()).isZero();
        JsonNode summary = run.summary();
        assertThat(summary.get("task").asText()).isEqualTo("verify-cassandra");
        assertThat(summary.get("run_id").asText()).isEqualTo(runId);
        assertThat(summary.get("expected").asLong()).isEqualTo(1000);
        assertThat(summary.get("found").asLong()).isEqualTo(1000);
        assertThat(summary.get("rejected").asLong()).isZero();
        assertThat(reasons(summary)).as("no rejection, no reason").isEmpty();
        assertThat(summary.get("profile").get("users").asLong()).isEqualTo(1000);
        assertThat(summary.get("expected_digest").asText())
                .isEqualTo(RunDigest.of(ids).toString());
        assertThat(summary.get("found_digest").asText())
                .isEqualTo(RunDigest.of(ids).toString());
        assertThat(summary.get("missing_in_created_users").asLong()).isZero();
        assertThat(summary.get("other_run_in_created_users").asLong()).isZero();
        assertThat(summary.get("ok").asBoolean()).isTrue();
        assertThat(summary.get("seconds").asDouble()).isPositive();
    }

    /**
     * The task's own choice on a node too young for a recorded size estimate (Cassandra records one
     * from flushed data, 30 s after a start): a run that is most of created_users is still scanned.
     */
    @Test
    void scansARunThatIsMostOfTheTableWithoutARecordedSizeEstimate() {
        String runId = newRunId();
        List<UUID> ids = TestCassandra.randomIds(20_000);
        cassandra.insertRun(runId, ids);

        TaskJar.Run run = verify(runId, RunDigest.of(ids));

        assertThat(run.exitCode()).as(run.stderr().toString()).isZero();
        assertThat(run.summary().get("created_users_read").asText()).isEqualTo("scan");
        assertThat(run.summary().get("found").asLong()).isEqualTo(20_000);
    }

    @ParameterizedTest
    @EnumSource(CreatedUsersCheck.Way.class)
    void failsAShortRunWithTheFiguresAfterTheGracePeriod(CreatedUsersCheck.Way way) {
        String runId = newRunId();
        List<UUID> ids = TestCassandra.randomIds(100);
        cassandra.insertRun(runId, ids.subList(0, 90));
        cassandra.insertRejected(runId, 4);

        TaskJar.Run run = verify(
                way, runId, RunDigest.of(ids), "VERIFY_GRACE_SECONDS", "3", "VERIFY_RECOUNT_INTERVAL_SECONDS", "1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .contains("run " + runId + ": expected 100 users, found 90")
                .contains("4 rejected");
        assertThat(run.summary().get("ok").asBoolean()).isFalse();
        assertThat(run.summary().get("found").asLong()).isEqualTo(90);
        assertThat(run.summary().get("rejected").asLong()).isEqualTo(4);
        assertThat(reasons(run.summary()))
                .as("a failed verify's summary carries the reasons")
                .containsExactly(Map.entry("test rejection", 4L));
        assertThat(run.summary().get("profile").get("users").asLong()).isEqualTo(90);
        assertThat(run.summary().get("seconds").asDouble())
                .as("waited for the grace period")
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void stopsWaitingWhenEveryRecordIsAUserOrARejection() {
        String runId = newRunId();
        List<UUID> ids = TestCassandra.randomIds(100);
        cassandra.insertRun(runId, ids.subList(0, 95));
        cassandra.insertRejected(runId, 5);

        TaskJar.Run run = verify(runId, RunDigest.of(ids), "VERIFY_GRACE_SECONDS", "600");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .contains("expected 100 users, found 95")
                .contains("5 rejected");
        assertThat(run.took()).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void countsAgainUntilLateUsersArrive() {
        String runId = newRunId();
        List<UUID> ids = TestCassandra.randomIds(200);
        cassandra.insertRun(runId, ids.subList(0, 100));

        CompletableFuture<TaskJar.Run> verifying = CompletableFuture.supplyAsync(() ->
                verify(runId, RunDigest.of(ids), "VERIFY_GRACE_SECONDS", "60", "VERIFY_RECOUNT_INTERVAL_SECONDS", "1"));
        sleep(Duration.ofSeconds(4));
        assertThat(verifying).as("still waiting for the missing users").isNotDone();
        cassandra.insertRun(runId, ids.subList(100, 200));
        TaskJar.Run run = verifying.join();

        assertThat(run.exitCode()).as(run.stderr().toString()).isZero();
        assertThat(run.summary().get("found").asLong()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(CreatedUsersCheck.Way.class)
    void duplicatesCannotInflateTheCount(CreatedUsersCheck.Way way) {
        String runId = newRunId();
        List<UUID> ids = TestCassandra.randomIds(500);
        for (int replay = 0; replay < 3; replay++) {
            cassandra.insertRun(runId, ids);
        }

        TaskJar.Run run = verify(way, runId, RunDigest.of(ids));

        assertThat(run.exitCode()).as(run.stderr().toString()).isZero();
        assertThat(run.summary().get("found").asLong()).isEqualTo(500);
    }

    @Test
    void failsAtOnceWhenMoreUsersThanExpectedAreFound() {
        String runId = newRunId();
        List<UUID> ids = TestCassandra.randomIds(110);
        cassandra.insertRun(runId, ids);

        TaskJar.Run run = verify(runId, RunDigest.of(ids.subList(0, 100)), "VERIFY_GRACE_SECONDS", "600");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .contains("expected 100 users, found 110")
                .contains("duplicate ids or a wrong run id");
        assertThat(run.summary().get("ok").asBoolean()).isFalse();
        assertThat(run.took()).isLessThan(Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @EnumSource(CreatedUsersCheck.Way.class)
    void anotherRunsUsersDoNotCount(CreatedUsersCheck.Way way) {
        String first = newRunId();
        String second = newRunId();
        List<UUID> firstIds = TestCassandra.randomIds(300);
        List<UUID> secondIds = TestCassandra.randomIds(700);
        cassandra.insertRun(first, firstIds);
        cassandra.insertRun(second, secondIds);

        TaskJar.Run firstRun = verify(way, first, RunDigest.of(firstIds));
        TaskJar.Run secondRun = verify(way, second, RunDigest.of(secondIds));

        assertThat(firstRun.exitCode()).as(firstRun.stderr().toString()).isZero();
        assertThat(firstRun.summary().get("found").asLong()).isEqualTo(300);
        assertThat(secondRun.exitCode()).as(secondRun.stderr().toString()).isZero();
        assertThat(secondRun.summary().get("found").asLong()).isEqualTo(700);
    }

    /**
     * Known users give known profile maps: the edges of each bin (latitude 90, longitude 180, a
     * registration before birth, whole years cut toward zero, UTC years). The rows of another
     * run, in created_users and rejected_users, are not read.
     */
    @ParameterizedTest
    @EnumSource(CreatedUsersCheck.Way.class)
    void profilesTheRunsUsersAndCountsItsRejectionsByKind(CreatedUsersCheck.Way way) {
        String runId = newRunId();
        List<TestCassandra.User> users = List.of(
                user("female", "AU", "1990-06-15T00:00:00Z", "2015-06-14T23:59:59Z", 90, 180),
                user("male", "AU", "1980-01-01T00:00:00Z", "2010-01-01T00:00:00Z", -90, -180),
                user("female", "BR", "2010-03-01T00:00:00Z", "2004-03-01T00:00:00Z", 0, 0),
                user("male", "FR", "1975-12-31T23:00:00Z", "2004-12-31T23:30:00Z", -0.5, -0.5),
                user("female", "BR", "1960-02-29T00:00:00Z", "2000-02-28T00:00:00Z", 45.5, 179.99));
        cassandra.insertUsers(runId, users);
        cassandra.insertRejected(
                runId,
                List.of(
                        "email is not an address: a; dob is not an ISO-8601 instant: b",
                        "email is not an address: c; dob is not an ISO-8601 instant: d",
                        "gender is missing",
                        "Cassandra refused the write: Key length of 70000 is longer than maximum of 65535"));
        String otherRun = newRunId();
        cassandra.insertUsers(
                otherRun, List.of(user("male", "XX", "1900-01-01T00:00:00Z", "1990-01-01T00:00:00Z", 10, 10)));
        cassandra.insertRejected(otherRun, 3);

        TaskJar.Run run = verify(
                way,
                runId,
                RunDigest.of(users.stream().map(TestCassandra.User::id).toList()));

        assertThat(run.exitCode()).as(run.stderr().toString()).isZero();
        JsonNode summary = run.summary();
        assertThat(summary.get("rejected").asLong()).isEqualTo(4);
        assertThat(reasons(summary))
                .containsExactly(
                        Map.entry("email is not an address; dob is not an ISO-8601 instant", 2L),
                        Map.entry("Cassandra refused the write", 1L),
                        Map.entry("gender is missing", 1L));
        JsonNode profile = summary.get("profile");
        assertThat(profile.get("users").asLong()).isEqualTo(5);
        assertThat(counts(profile, "gender")).isEqualTo(Map.of("female", 3L, "male", 2L));
        assertThat(counts(profile, "nationality")).isEqualTo(Map.of("AU", 2L, "BR", 2L, "FR", 1L));
        assertThat(profile.get("age_bin_years").asInt()).isEqualTo(10);
        assertThat(counts(profile, "age_at_registration")).isEqualTo(Map.of("20", 2L, "30", 2L, "-10", 1L));
        assertThat(counts(profile, "registered_year"))
                .isEqualTo(Map.of("2015", 1L, "2010", 1L, "2004", 2L, "2000", 1L));
        assertThat(profile.get("coordinate_cell_degrees").asInt()).isEqualTo(30);
        assertThat(counts(profile, "coordinates"))
                .isEqualTo(Map.of("60,150", 1L, "-90,-180", 1L, "0,0", 1L, "-30,-30", 1L, "30,150", 1L));
    }

    /** An id the run indexed whose created_users row is another run's: the verify fails, the profile leaves it out. */
    @ParameterizedTest
    @EnumSource(CreatedUsersCheck.Way.class)
    void aFailedVerifyProfilesOnlyTheRowsOfTheRun(CreatedUsersCheck.Way way) {
        String runId = newRunId();
        List<TestCassandra.User> users = List.of(
                user("female", "AU", "1990-06-15T00:00:00Z", "2015-06-14T23:59:59Z", 10, 10),
                user("male", "NZ", "1990-06-15T00:00:00Z", "2015-06-14T23:59:59Z", 10, 10));
        cassandra.insertUsers(runId, users);
        cassandra.insertUsers(
                "other-run", List.of(new TestCassandra.User(users.get(1).id(), "male", "XX", null, null, 10, 10)));

        TaskJar.Run run = verify(
                way,
                runId,
                RunDigest.of(users.stream().map(TestCassandra.User::id).toList()));

        assertThat(run.exitCode()).as(run.stderr().toString()).isEqualTo(1);
        JsonNode summary = run.summary();
        assertThat(summary.get("other_run_in_created_users").asLong()).isEqualTo(1);
        assertThat(reasons(summary)).isEmpty();
        JsonNode profile = summary.get("profile");
        assertThat(profile.get("users").asLong()).isEqualTo(1);
        assertThat(counts(profile, "gender")).isEqualTo(Map.of("female", 1L));
        assertThat(counts(profile, "nationality")).isEqualTo(Map.of("AU", 1L));
        assertThat(counts(profile, "age_at_registration")).isEqualTo(Map.of("20", 1L));
        assertThat(counts(profile, "registered_year")).isEqualTo(Map.of("2015", 1L));
        assertThat(counts(profile, "coordinates")).isEqualTo(Map.of("0,0", 1L));
    }

    /** The index says the user arrived, but its data row is not there. */
    @ParameterizedTest
    @EnumSource(CreatedUsersCheck.Way.class)
    void failsWhenAnIndexedUserIsMissingFromCreatedUsers(CreatedUsersCheck.Way way) {
        String runId = newRunId();
        List<UUID> ids = TestCassandra.randomIds(1000);
        cassandra.insertCreatedUsers(ids.subList(1, 1000), runId);
        cassandra.insertUsersByRun(runId, ids);

        TaskJar.Run run = verify(way, runId, RunDigest.of(ids));

        assertThat(run.exitCode())
                .as("exit status, stderr: " + run.lastStderrLine())
                .isEqualTo(1);
        assertThat(run.lastStderrLine())
                .contains("run " + runId + ": 1 of 1000 indexed users missing from "
                        + StorageLayout.qualified(StorageLayout.CREATED_USERS) + " (e.g. " + ids.get(0) + ")");
        assertThat(run.summary().get("missing_in_created_users").asLong()).isEqualTo(1);
        assertThat(run.summary().get("ok").asBoolean()).isFalse();
    }

    /** A count alone passes this run: one user lost, one foreign record carrying the run's id. */
    @ParameterizedTest
    @EnumSource(CreatedUsersCheck.Way.class)
    void failsWhenAUserIsLostAndAForeignOneHasTheRunsId(CreatedUsersCheck.Way way) {
        String runId = newRunId();
        List<UUID> produced = TestCassandra.randomIds(1000);
        List<UUID> stored = new ArrayList<>(produced.subList(1, 1000));
        stored.add(UUID.randomUUID());
        cassandra.insertRun(runId, stored);

        TaskJar.Run run = verify(way, runId, RunDigest.of(produced), "VERIFY_GRACE_SECONDS", "600");

        assertThat(run.exitCode())
                .as("exit status, stderr: " + run.lastStderrLine())
                .isEqualTo(1);
        assertThat(run.lastStderrLine())
                .contains("run " + runId + ": digest of the 1000 ids found ("
                        + RunDigest.of(stored) + ") differs from fetch-users' (" + RunDigest.of(produced)
                        + "): ids lost or foreign");
        assertThat(run.summary().get("found").asLong()).isEqualTo(1000);
        assertThat(run.summary().get("found_digest").asText())
                .isEqualTo(RunDigest.of(stored).toString());
        assertThat(run.took()).as("waiting cannot fix it").isLessThan(Duration.ofSeconds(60));
    }

    /** Each run fetches its own users (the API seed comes from the run id): another run's row is not this run's. */
    @ParameterizedTest
    @EnumSource(CreatedUsersCheck.Way.class)
    void failsWhenAnIndexedUsersRowBelongsToAnotherRun(CreatedUsersCheck.Way way) {
        String runId = newRunId();
        List<UUID> ids = TestCassandra.randomIds(300);
        cassandra.insertRun(runId, ids);
        cassandra.insertCreatedUsers(ids.subList(0, 2), "other-run");

        TaskJar.Run run = verify(way, runId, RunDigest.of(ids));

        assertThat(run.exitCode())
                .as("exit status, stderr: " + run.lastStderrLine())
                .isEqualTo(1);
        assertThat(run.lastStderrLine())
                .contains("run " + runId + ": 2 of 300 indexed users belong to another run " + "in "
                        + StorageLayout.qualified(StorageLayout.CREATED_USERS))
                .contains("of run other-run)");
        assertThat(run.summary().get("other_run_in_created_users").asLong()).isEqualTo(2);
    }

    @Test
    void failsClearlyAtOnceWhenNothingListens() {
        String unreachable = "127.0.0.1:" + FreePort.next();

        TaskJar.Run run = verify(newRunId(), ANY_DIGEST, "CASSANDRA_CONTACT_POINTS", unreachable);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .startsWith("verify-cassandra failed: cannot connect to Cassandra at " + unreachable);
        assertThat(run.took()).isLessThan(Duration.ofSeconds(30));
    }

    /** A hung node: the port accepts connections (the kernel does, for the backlog) but never answers. */
    @Test
    void failsWithinTheConnectTimeoutWhenCassandraDoesNotAnswer() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String hung = "127.0.0.1:" + silent.getLocalPort();

            TaskJar.Run run = verify(
                    newRunId(), ANY_DIGEST, "CASSANDRA_CONTACT_POINTS", hung, "CASSANDRA_CONNECT_TIMEOUT_SECONDS", "5");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.lastStderrLine())
                    .startsWith("verify-cassandra failed: cannot connect to Cassandra at " + hung);
            assertThat(run.took()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(30));
        }
    }

    @Test
    void failsClearlyOnWrongCredentials() {
        TaskJar.Run run = verify(newRunId(), ANY_DIGEST, "CASSANDRA_PASSWORD", "not-the-password");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine()).contains("cannot connect to Cassandra").contains("password are incorrect");
    }

    @Test
    void failsClearlyWhenATableIsMissing() {
        Map<String, String> environment = new HashMap<>(cassandra.environment());
        environment.putAll(Map.of("VERIFY_MODE", "full-count", "VERIFY_FULL_COUNT_TABLE", "no_such_table"));
        TaskJar.Run run = JAR.run(environment, JAR_TIMEOUT);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .contains("table " + StorageLayout.qualified("no_such_table") + " does not exist")
                .contains("run migrate-schema");
    }

    @Test
    void requiresTheRunAndTheExpectedDigest() {
        TaskJar.Run run = JAR.run(cassandra.environment(), JAR_TIMEOUT);

        // Missing settings are bad options: exit 2, like every refused option value.
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.lastStderrLine()).contains("RUN_ID is required");

        Map<String, String> noDigest = new HashMap<>(cassandra.environment());
        noDigest.put("RUN_ID", newRunId());
        TaskJar.Run withoutDigest = JAR.run(noDigest, JAR_TIMEOUT);
        assertThat(withoutDigest.exitCode()).isEqualTo(2);
        assertThat(withoutDigest.lastStderrLine())
                .contains("VERIFY_EXPECTED_DIGEST (fetch-users' `ids_digest`) is required");
    }

    @Test
    void refusesAMalformedDigest() {
        TaskJar.Run run = verify(newRunId(), ANY_DIGEST, "VERIFY_EXPECTED_DIGEST", "1000");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.lastStderrLine()).contains("--verify-expected-digest").contains("expected COUNT:HASH");
    }

    /** Three replicas on one node: LOCAL_ONE reads would succeed, LOCAL_QUORUM ones cannot. */
    @Test
    void readsAtLocalQuorum() throws Exception {
        String runId = newRunId();
        List<UUID> ids = TestCassandra.randomIds(10);
        cassandra.insertRun(runId, ids);

        TaskJar.Run run;
        try (AutoCloseable threeReplicas = cassandra.replicatedTo(3)) {
            run = verify(runId, RunDigest.of(ids));
        }

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lastStderrLine())
                .startsWith("verify-cassandra failed: ")
                .contains(UsersTables.NOT_ENOUGH_REPLICAS);
    }

    /** {@link #verify(String, RunDigest, String...)}, checking created_users the one way (its summary says so). */
    private static TaskJar.Run verify(CreatedUsersCheck.Way way, String runId, RunDigest expected, String... settings) {
        List<String> withWay = new ArrayList<>(List.of(settings));
        withWay.addAll(List.of("VERIFY_CREATED_USERS_READ", way.toString()));
        TaskJar.Run run = verify(runId, expected, withWay.toArray(String[]::new));
        assertThat(run.summary().get("created_users_read").asText())
                .as("the way forced")
                .isEqualTo(way.toString());
        return run;
    }

    /** Runs the jar for {@code runId}; {@code settings} are extra environment variables, name then value. */
    private static TaskJar.Run verify(String runId, RunDigest expected, String... settings) {
        Map<String, String> environment = new HashMap<>(cassandra.environment());
        environment.put("RUN_ID", runId);
        environment.put("VERIFY_EXPECTED_DIGEST", expected.toString());
        environment.put("VERIFY_GRACE_SECONDS", "0");
        for (int i = 0; i < settings.length; i += 2) {
            environment.put(settings[i], settings[i + 1]);
        }
        return JAR.run(environment, JAR_TIMEOUT);
    }

    private static TestCassandra.User user(
            String gender, String nationality, String dob, String registered, double latitude, double longitude) {
        return new TestCassandra.User(
                UUID.randomUUID(),
                gender,
                nationality,
                Instant.parse(dob),
                Instant.parse(registered),
                latitude,
                longitude);
    }

    /** The summary's rejected_reasons, in its order. */
    private static Map<String, Long> reasons(JsonNode summary) {
        return counts(summary, "rejected_reasons");
    }

    /** One count map of a summary or profile, in its order. */
    private static Map<String, Long> counts(JsonNode parent, String field) {
        assertThat(parent.get(field).isObject()).as(field + " is an object").isTrue();
        Map<String, Long> counts = new LinkedHashMap<>();
        parent.get(field)
                .properties()
                .forEach(count -> counts.put(count.getKey(), count.getValue().asLong()));
        return counts;
    }

    private static String newRunId() {
        return "it-" + UUID.randomUUID();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
