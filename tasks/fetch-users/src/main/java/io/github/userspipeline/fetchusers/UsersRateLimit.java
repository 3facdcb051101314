package io.github.userspipeline.fetchusers;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's limit — at most {@code users} users per {@code window} — kept over every sliding
 * window, not per fixed period: fixed-period limiters (Failsafe's bursty one, say) let twice the
 * limit through around a period boundary, which the API answers with 429. Bursts up to the limit
 * still go out at once, so a run under the limit never waits. Users the API did not serve are
 * handed back ({@link #refund}), or a few refused full batches would book the whole window.
 */
final class UsersRateLimit {

    /** Users booked at a time; a class, not a record, so a refund removes this booking only. */
    static final class Grant {
        private final long atNanos;
        private final int users;

        private Grant(long atNanos, int users) {
            this.atNanos = atNanos;
            this.users = users;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(UsersRateLimit.class);

    /** The API starts its window when a request arrives, a little after we sent it. */
    private static final Duration TRANSIT_SLACK = Duration.ofSeconds(1);

    private final int users;
    private final long windowNanos;
    private final Deque<Grant> granted = new ArrayDeque<>();
    private int usersInWindow;

    /** {@code users} per {@code window}; 0 users lifts the limit. */
    UsersRateLimit(int users, Duration window) {
        this.users = users;
        this.windowNanos = window.plus(TRANSIT_SLACK).toNanos();
    }

    /** Blocks until {@code count} more users fit in the window ending now, then books them. */
    synchronized Grant acquire(int count) throws InterruptedException {
        if (users == 0) {
            return new Grant(System.nanoTime(), count);
        }
        if (count > users) {
            throw new IllegalArgumentException(count + " users exceed the limit of " + users + " per window");
        }
        for (boolean logged = false; ; logged = true) {
            long now = System.nanoTime();
            while (!granted.isEmpty() && now - granted.peekFirst().atNanos > windowNanos) {
                usersInWindow -= granted.removeFirst().users;
            }
            if (usersInWindow + count <= users) {
                Grant grant = new Grant(now, count);
                granted.addLast(grant);
                usersInWindow += count;
                return grant;
            }
            long waitNanos = granted.peekFirst().atNanos + windowNanos - now + 1;
            if (!logged) {
                log.info(
                        "rate limit: {} of {} users booked in the window; waiting up to {} s for room for {}",
                        usersInWindow,
                        users,
                        waitNanos / 1_000_000_000 + 1,
                        count);
            }
            wait(Math.max(1, waitNanos / 1_000_000), 0);
        }
    }

    /** Hands back a booking whose users the API did not serve, waking anyone waiting for room. */
    synchronized void refund(Grant grant) {
        if (granted.removeIf(booked -> booked == grant)) {
            usersInWindow -= grant.users;
            notifyAll();
        }
    }
}
