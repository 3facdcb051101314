package io.github.userspipeline.task;

import dev.failsafe.RetryPolicy;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the tasks retry a call to a service that fails for a moment (an API that answers 5xx, a
 * Cassandra replica that was just lost): exponential backoff with jitter, as often as it takes
 * within {@code giveUpAfter}, and a warning per retry, so a long wait shows in the log.
 */
public final class TransientRetries {

    private static final Logger log = LoggerFactory.getLogger(TransientRetries.class);

    private TransientRetries() {}

    /**
     * @param isTransient which failures are worth another try; any other fails at once
     * @param what the call, for the log: "{what} failed ({reason}); retry {n}"
     * @param describe a failure's reason, in a few words
     */
    public static <T> RetryPolicy<T> policy(
            Predicate<Throwable> isTransient,
            Duration firstDelay,
            Duration maxDelay,
            Duration giveUpAfter,
            String what,
            Function<Throwable, String> describe) {
        return RetryPolicy.<T>builder()
                .handleIf(isTransient::test)
                .withBackoff(firstDelay, maxDelay)
                .withJitter(0.25)
                .withMaxRetries(-1)
                .withMaxDuration(giveUpAfter)
                .onRetry(event -> log.warn(
                        "{} failed ({}); retry {}",
                        what,
                        describe.apply(event.getLastException()),
                        event.getAttemptCount()))
                .build();
    }
}
