package io.github.userspipeline.task;

import java.time.Duration;
import java.time.Instant;

/** Durations as every task's summary and log give them: seconds, to the millisecond. */
public final class Elapsed {

    private Elapsed() {}

    public static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    public static double secondsSince(Instant start) {
        return seconds(Duration.between(start, Instant.now()));
    }
}
