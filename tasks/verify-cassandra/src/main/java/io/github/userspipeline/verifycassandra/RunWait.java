package io.github.userspipeline.verifycassandra;

import io.github.userspipeline.task.Tally;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a run's user ids and its rejected records, and reads again while users are still
 * missing, for at most the grace period: the streaming sink may still be flushing its last
 * micro-batch.
 */
final class RunWait {

    private static final Logger log = LoggerFactory.getLogger(RunWait.class);

    /** What was found for a run at the last read: its ids, and its rejected records by kind. */
    record Found(List<UUID> ids, Tally rejections) {

        long rejected() {
            return rejections.total();
        }
    }

    private final IndexedIds users;
    private final RunRejections rejected;
    private final Duration grace;
    private final Duration interval;

    RunWait(IndexedIds users, RunRejections rejected, Duration grace, Duration interval) {
        this.users = users;
        this.rejected = rejected;
        this.grace = grace;
        this.interval = interval;
    }

    /**
     * Returns as soon as the run is settled: every expected user found, more than expected
     * (waiting cannot fix that), or every produced record accounted for as a user or a
     * rejection (nothing is left in flight); otherwise at the end of the grace period.
     */
    Found readUntilSettled(String runId, long expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(grace);
        while (true) {
            Found found = new Found(users.read(runId), rejected.read(runId));
            long users = found.ids().size();
            boolean settled = users >= expected || users + found.rejected() >= expected;
            Duration left = Duration.between(Instant.now(), deadline);
            if (settled || left.isNegative() || left.isZero()) {
                return found;
            }
            Duration pause = interval.compareTo(left) < 0 ? interval : left;
            log.info(
                    "run {}: {} of {} users found, {} rejected; reading again in {} ms",
                    runId,
                    users,
                    expected,
                    found.rejected(),
                    pause.toMillis());
            Thread.sleep(pause.toMillis());
        }
    }
}
