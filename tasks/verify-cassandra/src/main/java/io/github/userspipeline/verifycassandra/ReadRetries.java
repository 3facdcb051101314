package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import io.github.userspipeline.task.TransientRetries;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Reads again what the replicas could not answer in time. On a cluster, a node that was just lost
 * (until the others mark it down), restarts or replays its hints makes LOCAL_QUORUM reads time out
 * for some seconds; the verdict must not depend on that moment. A read changes nothing, so trying
 * it again is safe. The task fails when the cluster stays unable to answer for {@link
 * #GIVE_UP_AFTER}, and at once when the coordinator knows too few replicas are alive (unavailable):
 * that is no moment to wait out.
 */
final class ReadRetries {

    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(90);

    private static final FailsafeExecutor<AsyncResultSet> RETRIES = Failsafe.with(TransientRetries.policy(
            ReadRetries::isTransient,
            Duration.ofSeconds(1),
            Duration.ofSeconds(15),
            GIVE_UP_AFTER,
            "a Cassandra read",
            Throwable::getMessage));

    private ReadRetries() {}

    /** {@code session.executeAsync(statement)}, tried again while the failure is a transient one. */
    static CompletionStage<AsyncResultSet> executeAsync(CqlSession session, Statement<?> statement) {
        return RETRIES.getStageAsync(() -> session.executeAsync(statement));
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ReadTimeoutException
                    || cause instanceof DriverTimeoutException
                    || cause instanceof AllNodesFailedException) {
                return true;
            }
        }
        return false;
    }
}
