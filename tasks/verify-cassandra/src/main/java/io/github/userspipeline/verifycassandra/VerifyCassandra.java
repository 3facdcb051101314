package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.BadOptionValue;
import io.github.userspipeline.task.CassandraSessions;
import io.github.userspipeline.task.Elapsed;
import io.github.userspipeline.task.RunDigest;
import io.github.userspipeline.task.RunIds;
import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.task.contract.ErasureList;
import io.github.userspipeline.task.contract.StorageLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Pipeline step 3: answers the DAG's question "did every user fetch-users produced for this run
 * land in Cassandra?". It reads the run's ids from users_by_run (and its rejected records' reasons
 * in rejected_users), one partition per StorageLayout bucket, so the cost follows the run and not
 * the table; it reads again during a grace period while users are missing. The ids found must
 * have fetch-users' digest (count and hash: no id lost, none foreign), and each must have its row in created_users,
 * written by this run (looked up by id, or the table scanned when the run is a large part of it); anything else fails with a one-line reason. Those rows also give the run's
 * profile (genders, nationalities, ages, registrations, places) for the Users report. {@code --verify-mode full-count}
 * instead counts a whole table over token ranges in parallel, for operators.
 *
 * <p>Usage: {@code java -jar verify-cassandra.jar --run-id=RUN --verify-expected-digest=COUNT:HASH
 * [--cassandra-contact-points=host:port,…] …} or the same settings as environment variables
 * ({@code RUN_ID}, {@code VERIFY_EXPECTED_DIGEST}, {@code CASSANDRA_CONTACT_POINTS}, …); {@code --help}
 * lists them all. {@code java -jar verify-cassandra.jar --verify-mode=full-count
 * [--verify-full-count-table=created_users]} counts a table. The last stdout line is the JSON summary.
 */
@Command(
        name = "verify-cassandra",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Check that every user produced for a run landed in Cassandra, or count a whole table.")
public final class VerifyCassandra implements Callable<Record> {

    private static final Logger log = LoggerFactory.getLogger(VerifyCassandra.class);
    private static final String TASK = "verify-cassandra";

    @Option(
            names = "--verify-mode",
            defaultValue = "run",
            converter = Mode.Converter.class,
            description = "run: verify one run (the DAG's check); full-count: count a whole table. Env: VERIFY_MODE")
    Mode mode;

    @Option(names = "--run-id", description = "The run to verify (mode run). Env: RUN_ID")
    String runId;

    @Option(
            names = "--verify-expected-digest",
            converter = RunDigest.Converter.class,
            description = "fetch-users' `ids_digest` for the run, COUNT:HASH (mode run). Env: VERIFY_EXPECTED_DIGEST")
    RunDigest expectedDigest;

    @Option(
            names = "--verify-grace-seconds",
            defaultValue = "60",
            description = "How long to keep reading the run while users are missing (the sink may still be "
                    + "flushing). Env: VERIFY_GRACE_SECONDS")
    int graceSeconds;

    @Option(
            names = "--verify-recount-interval-seconds",
            defaultValue = "5",
            description = "Pause between two reads during the grace period. Env: VERIFY_RECOUNT_INTERVAL_SECONDS")
    int recountIntervalSeconds;

    @Option(
            names = "--verify-created-users-read",
            defaultValue = CreatedUsersCheck.Way.AUTO,
            description = "How mode run checks the run's rows in created_users: lookups (by id), scan (the whole "
                    + "table by token range) or auto (scan when the run is a large part of the table, by "
                    + "Cassandra's size estimate). Env: VERIFY_CREATED_USERS_READ")
    String createdUsersRead;

    @Option(
            names = "--verify-full-count-table",
            defaultValue = StorageLayout.CREATED_USERS,
            description = "The table of keyspace " + StorageLayout.KEYSPACE + " that mode full-count counts, e.g. "
                    + StorageLayout.CREATED_USERS + " or " + StorageLayout.USERS_BY_RUN
                    + ". Env: VERIFY_FULL_COUNT_TABLE")
    String fullCountTable;

    @Option(
            names = "--verify-full-count-splits",
            defaultValue = "" + FullTableCount.DEFAULT_SPLITS,
            description = "Token ranges that mode full-count splits the ring into. Env: VERIFY_FULL_COUNT_SPLITS")
    int fullCountSplits;

    @Option(
            names = "--verify-full-count-concurrency",
            defaultValue = "" + FullTableCount.DEFAULT_CONCURRENCY,
            description = "Range counts in flight at once in mode full-count. Env: VERIFY_FULL_COUNT_CONCURRENCY")
    int fullCountConcurrency;

    @Mixin
    CassandraSessions cassandra;

    /**
     * The DAG's answer for one run. {@code ok} is true exactly when the ids found have the
     * expected digest and each has its created_users row, of this run. {@code expected} and
     * {@code expected_digest} leave out the run's {@code erased} people (the erasure list). {@code rejected_reasons}:
     * the job's rejections of the run by their reason's kind, summing to {@code rejected};
     * {@code created_users_read}: how the run's created_users rows were checked, {@code lookups} or
     * {@code scan} ({@link CreatedUsersCheck}); {@code profile}: the run's users for the Users report.
     */
    public record RunSummary(
            String task,
            String mode,
            String runId,
            long expected,
            long found,
            long erased,
            long rejected,
            Map<String, Long> rejectedReasons,
            RunDigest expectedDigest,
            RunDigest foundDigest,
            long missingInCreatedUsers,
            long otherRunInCreatedUsers,
            String createdUsersRead,
            RunProfile profile,
            boolean ok,
            double seconds) {}

    /** An operator's whole-table count. */
    public record FullCountSummary(String task, String mode, String table, long count, int ranges, double seconds) {}

    public static void main(String[] args) {
        TaskMain.run(new VerifyCassandra(), args);
    }

    @Override
    public Record call() throws Exception {
        validateOptions();
        Instant started = Instant.now();
        log.info("{}: connecting to Cassandra at {}", mode, cassandra.describe());
        try (CqlSession session = cassandra.open()) {
            log.info("connected in {} s", Elapsed.secondsSince(started));
            return switch (mode) {
                case RUN -> verifyRun(session, started);
                case FULL_COUNT -> countTable(session, started);
            };
        }
    }

    private RunSummary verifyRun(CqlSession session, Instant started) throws InterruptedException {
        TableMetadata users = cassandra.table(session, StorageLayout.USERS_BY_RUN);
        TableMetadata rejected = cassandra.table(session, StorageLayout.REJECTED_USERS);
        CreatedUsersCheck createdUsers =
                new CreatedUsersCheck(session, cassandra.table(session, StorageLayout.CREATED_USERS));
        // A person erased on request is gone for good: the run is whole without them.
        Set<UUID> erased = ErasureList.ofRun(session, runId);
        RunDigest withoutErased = expectedDigest.without(erased);
        long expected = withoutErased.count();
        log.info(
                "run {}: expecting {} users ({}) in {}, {} of fetch-users' {} erased since",
                runId,
                expected,
                withoutErased,
                CassandraSessions.qualifiedName(users),
                erased.size(),
                expectedDigest.count());
        RunWait.Found found = new RunWait(
                        new IndexedIds(session, users),
                        new RunRejections(session, rejected),
                        Duration.ofSeconds(graceSeconds),
                        Duration.ofSeconds(recountIntervalSeconds))
                .readUntilSettled(runId, expected);
        RunDigest foundDigest = RunDigest.of(found.ids());
        // Index rows are written only after their created_users rows: no need to wait for these.
        CreatedUsersCheck.Choice read = CreatedUsersCheck.Way.forced("VERIFY_CREATED_USERS_READ", createdUsersRead)
                .map(way -> new CreatedUsersCheck.Choice(way, "VERIFY_CREATED_USERS_READ=" + way))
                .orElseGet(() -> createdUsers.choose(found.ids().size()));
        log.info("run {}: checking its rows in {} by {}: {}", runId, createdUsers.table(), read.way(), read.reason());
        CreatedUsersCheck.Result data = createdUsers.check(runId, found.ids(), read.way());
        boolean ok = foundDigest.equals(withoutErased)
                && data.missing().isEmpty()
                && data.otherRun().isEmpty();
        RunSummary summary = new RunSummary(
                TASK,
                mode.toString(),
                runId,
                expected,
                foundDigest.count(),
                erased.size(),
                found.rejected(),
                found.rejections().capped(),
                withoutErased,
                foundDigest,
                data.missing().size(),
                data.otherRun().size(),
                read.way().toString(),
                data.profile(),
                ok,
                Elapsed.secondsSince(started));
        String run = "run " + runId + ": ";
        String figures = run + "expected " + expected + " users, found " + foundDigest.count() + " in "
                + CassandraSessions.qualifiedName(users) + ", " + found.rejected()
                + " rejected by the streaming job in " + CassandraSessions.qualifiedName(rejected);
        if (foundDigest.count() < expected) {
            throw new TaskFailure(figures + " (waited up to " + graceSeconds + " s)", summary, null);
        }
        if (foundDigest.count() > expected) {
            throw new TaskFailure(
                    figures + ": more than fetch-users produced (duplicate ids or a wrong run id)", summary, null);
        }
        if (!foundDigest.equals(withoutErased)) {
            throw new TaskFailure(
                    run + "digest of the " + foundDigest.count() + " ids found (" + foundDigest
                            + ") differs from fetch-users'"
                            + (erased.isEmpty() ? "" : " less the " + erased.size() + " erased") + " ("
                            + withoutErased
                            + "): ids lost or foreign",
                    summary,
                    null);
        }
        if (!data.missing().isEmpty()) {
            throw new TaskFailure(
                    run + data.missing().size() + " of " + expected + " indexed users missing from "
                            + createdUsers.table() + " (e.g. " + data.missing().get(0) + ")",
                    summary,
                    null);
        }
        if (!data.otherRun().isEmpty()) {
            CreatedUsersCheck.OtherRun example = data.otherRun().get(0);
            throw new TaskFailure(
                    run + data.otherRun().size() + " of " + expected + " indexed users belong to "
                            + "another run in " + createdUsers.table() + " (e.g. " + example.id() + " of run "
                            + example.runId() + ")",
                    summary,
                    null);
        }
        log.info(
                "{}: all there, with fetch-users' digest and their rows in {}, in {} s",
                figures,
                createdUsers.table(),
                summary.seconds());
        return summary;
    }

    private FullCountSummary countTable(CqlSession session, Instant started) throws InterruptedException {
        TableMetadata table = cassandra.table(session, fullCountTable);
        String name = CassandraSessions.qualifiedName(table);
        log.info("counting {} over {} token ranges, {} at once", name, fullCountSplits, fullCountConcurrency);
        long count = new FullTableCount(session, table).count(fullCountSplits, fullCountConcurrency);
        FullCountSummary summary = new FullCountSummary(
                TASK, mode.toString(), name, count, fullCountSplits, Elapsed.secondsSince(started));
        log.info("{} has {} rows (counted in {} s)", name, count, summary.seconds());
        return summary;
    }

    private void validateOptions() {
        cassandra.validate();
        if (mode == Mode.RUN) {
            if (runId == null || runId.isBlank()) {
                throw new BadOptionValue("RUN_ID is required in mode run");
            }
            RunIds.require("RUN_ID", runId);
            if (expectedDigest == null) {
                throw new BadOptionValue("VERIFY_EXPECTED_DIGEST (fetch-users' `ids_digest`) is required in mode run");
            }
            BadOptionValue.requireAtLeast("VERIFY_GRACE_SECONDS", graceSeconds, 0);
            BadOptionValue.requireAtLeast("VERIFY_RECOUNT_INTERVAL_SECONDS", recountIntervalSeconds, 1);
            CreatedUsersCheck.Way.forced("VERIFY_CREATED_USERS_READ", createdUsersRead);
        } else {
            BadOptionValue.requireAtLeast("VERIFY_FULL_COUNT_SPLITS", fullCountSplits, 1);
            BadOptionValue.requireAtLeast("VERIFY_FULL_COUNT_CONCURRENCY", fullCountConcurrency, 1);
        }
    }
}
