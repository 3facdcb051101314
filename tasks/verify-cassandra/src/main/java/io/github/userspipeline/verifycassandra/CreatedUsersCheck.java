package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.BadOptionValue;
import io.github.userspipeline.task.CassandraSessions;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Checks that each id a run indexed has its row in created_users, and that the row is the run's
 * ({@code run_id}), in one of two ways that give the same {@link Result} from the same columns:
 * <ul>
 *   <li>{@link Way#LOOKUPS} ({@link CreatedUsersLookups}): the ids looked up by primary key, one
 *       partition read per id; the cost follows the run, whatever the table holds;</li>
 *   <li>{@link Way#SCAN} ({@link CreatedUsersScan}): the whole table read by token range, Cassandra
 *       sending only the rows that name the run (the ids still unseen then looked up); a fraction of
 *       a partition read per row, but every row of every run.</li>
 * </ul>
 * {@link #choose} picks the scan when the run is at least {@link #SCAN_FROM_RUN_SHARE} of the
 * table's estimated partitions ({@link PartitionsEstimate}). The rows of the run give its {@link
 * RunProfile}.
 */
final class CreatedUsersCheck {

    /** What both ways read: the id, its run and the columns {@link RunProfile} counts. */
    static final String COLUMNS = "id, run_id, gender, nationality, dob, registered_date, latitude, longitude";

    /**
     * Scan when the run's ids are at least this share of the table's estimated partitions: about
     * the break-even of a look-up's cost per id against the scan's per row of the table.
     * VerifyBenchmark, 2 shared cores (noisy), created_users of 1,100,000 rows in SSTables, a run of
     * 100,000 (9.1 %): a look-up 13–18 µs per id, the scan 1.3 µs per row (3.0 µs before Cassandra
     * filtered run_id: sending the other runs' rows cost more than reading them), break-even at
     * 10 % (look-ups 1.3–1.6 s, scan 1.6 s). Real rows are wider than the benchmark's (every column
     * set), which makes a scan dearer per row: at the break-even, err toward the look-ups, whose
     * cost is bounded by the run.
     */
    static final double SCAN_FROM_RUN_SHARE = 0.1;

    /** How the rows are read; {@code VERIFY_CREATED_USERS_READ} forces one, {@code auto} lets {@link #choose} pick. */
    enum Way {
        LOOKUPS,
        SCAN;

        static final String AUTO = "auto";

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code lookups} or {@code scan}, or empty for {@code auto}. */
        static Optional<Way> forced(String setting, String value) {
            if (AUTO.equals(value)) {
                return Optional.empty();
            }
            return Optional.of(Arrays.stream(values())
                    .filter(way -> way.toString().equals(value))
                    .findFirst()
                    .orElseThrow(() -> BadOptionValue.mustBe(setting, AUTO + ", " + LOOKUPS + " or " + SCAN, value)));
        }
    }

    /** The way and why, for the log. */
    record Choice(Way way, String reason) {}

    /** An id indexed by the run whose created_users row names another run. */
    record OtherRun(UUID id, String runId) {}

    /**
     * Indexed ids without a created_users row, those whose row is another run's, and the profile of
     * the rows that are the run's.
     */
    record Result(List<UUID> missing, List<OtherRun> otherRun, RunProfile profile) {}

    private final CqlSession session;
    private final TableMetadata table;

    CreatedUsersCheck(CqlSession session, TableMetadata table) {
        this.session = session;
        this.table = table;
    }

    String table() {
        return CassandraSessions.qualifiedName(table);
    }

    /** The way for a run of {@code runIds} ids, by the table's size as Cassandra estimates it now. */
    Choice choose(long runIds) {
        return choose(runIds, PartitionsEstimate.of(session, table));
    }

    /**
     * Without an estimate, the look-ups: their cost follows the run alone, while a scan's follows a
     * table of unknown size. {@link PartitionsEstimate} samples the table when Cassandra has recorded
     * no estimate, so none means that the sample could not be read, or found no row.
     */
    static Choice choose(long runIds, OptionalLong estimatedPartitions) {
        if (estimatedPartitions.isEmpty() || estimatedPartitions.getAsLong() <= 0) {
            return new Choice(
                    Way.LOOKUPS, "no size estimate of the table (none recorded, and its sample unread or empty)");
        }
        long partitions = estimatedPartitions.getAsLong();
        double share = (double) runIds / partitions;
        String figures = String.format(
                Locale.ROOT,
                "%d ids are %.1f %% of the table's ~%d estimated partitions (scan from %.0f %%)",
                runIds,
                100 * share,
                partitions,
                100 * SCAN_FROM_RUN_SHARE);
        return new Choice(share >= SCAN_FROM_RUN_SHARE ? Way.SCAN : Way.LOOKUPS, figures);
    }

    Result check(String runId, Collection<UUID> ids, Way way) throws InterruptedException {
        RunRows rows = new RunRows(runId);
        switch (way) {
            case LOOKUPS -> new CreatedUsersLookups(session, table).check(runId, ids, rows);
            case SCAN -> new CreatedUsersScan(session, table).check(runId, ids, rows);
        }
        return rows.result();
    }

    /** The rows of the run's ids as either way reads them ({@link #COLUMNS}), from any number of driver threads. */
    static final class RunRows {

        private final String runId;
        private final Queue<UUID> missing = new ConcurrentLinkedQueue<>();
        private final Queue<OtherRun> otherRun = new ConcurrentLinkedQueue<>();
        private final RunProfile.Accumulator profile = new RunProfile.Accumulator();

        RunRows(String runId) {
            this.runId = runId;
        }

        /** A row of one of the run's ids: profiled when it is the run's, else another run's. Returns its id. */
        UUID add(Row row) {
            UUID id = row.getUuid(0);
            if (runId.equals(row.getString(1))) {
                profile.add(
                        row.getString(2),
                        row.getString(3),
                        row.getInstant(4),
                        row.getInstant(5),
                        row.get(6, Double.class),
                        row.get(7, Double.class));
            } else {
                otherRun.add(new OtherRun(id, row.getString(1)));
            }
            return id;
        }

        /** An id of the run without a row. */
        void missing(UUID id) {
            missing.add(id);
        }

        /** Once every row is added. */
        Result result() {
            return new Result(List.copyOf(missing), List.copyOf(otherRun), profile.profile());
        }
    }
}
