package io.github.userspipeline.fetchusers;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The API's limit — at most {@code users} users per {@code window} — kept over every sliding
 * window, not per fixed period: fixed-period limiters (Failsafe's bursty one, say) let twice the
 * limit through around a period boundary, which the API answers with 429. Bursts up to the limit
 * still go out at once, so a run under the limit never waits.
 */
final class UsersRateLimit {

    private record Grant(long atNanos, int users) {
    }

    /** The API starts its window when a request arrives, a little after we sent it. */
    private static final Duration TRANSIT_SLACK = Duration.ofSeconds(1);

    private final int users;
    private final long windowNanos;
    private final Deque<Grant> granted = new ArrayDeque<>();
    private int usersInWindow;

    UsersRateLimit(int users, Duration window) {
        this.users = users;
        this.windowNanos = window.plus(TRANSIT_SLACK).toNanos();
    }

    /** Blocks until {@code count} more users fit in the window ending now, then books them. */
    synchronized void acquire(int count) throws InterruptedException {
        if (count > users) {
            throw new IllegalArgumentException(count + " users exceed the limit of " + users + " per window");
        }
        while (true) {
            long now = System.nanoTime();
            while (!granted.isEmpty() && now - granted.peekFirst().atNanos() > windowNanos) {
                usersInWindow -= granted.removeFirst().users();
            }
            if (usersInWindow + count <= users) {
                granted.addLast(new Grant(now, count));
                usersInWindow += count;
                return;
            }
            long waitNanos = granted.peekFirst().atNanos() + windowNanos - now + 1;
            wait(Math.max(1, waitNanos / 1_000_000), 0);
        }
    }
}
