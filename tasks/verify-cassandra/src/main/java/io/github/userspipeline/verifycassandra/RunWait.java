package io.github.userspipeline.verifycassandra;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a run's users and rejected records, and counts again while users are still missing,
 * for at most the grace period: the streaming sink may still be flushing its last micro-batch.
 */
final class RunWait {

    private static final Logger log = LoggerFactory.getLogger(RunWait.class);

    /** What was found for a run at the last count. */
    record Counts(long found, long rejected) {
    }

    private final RunCounter users;
    private final RunCounter rejected;
    private final Duration grace;
    private final Duration interval;

    RunWait(RunCounter users, RunCounter rejected, Duration grace, Duration interval) {
        this.users = users;
        this.rejected = rejected;
        this.grace = grace;
        this.interval = interval;
    }

    /**
     * Returns as soon as the count is settled: every expected user found, more than expected
     * (waiting cannot fix that), or every produced record accounted for as a user or a
     * rejection (nothing is left in flight); otherwise at the end of the grace period.
     */
    Counts countUntilSettled(String runId, long expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(grace);
        while (true) {
            Counts counts = new Counts(users.count(runId), rejected.count(runId));
            boolean settled = counts.found() >= expected || counts.found() + counts.rejected() >= expected;
            Duration left = Duration.between(Instant.now(), deadline);
            if (settled || left.isNegative() || left.isZero()) {
                return counts;
            }
            Duration pause = interval.compareTo(left) < 0 ? interval : left;
            log.info("run {}: {} of {} users found, {} rejected; counting again in {} ms", runId, counts.found(),
                    expected, counts.rejected(), pause.toMillis());
            Thread.sleep(pause.toMillis());
        }
    }
}
