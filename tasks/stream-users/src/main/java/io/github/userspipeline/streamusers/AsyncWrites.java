package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import io.github.userspipeline.task.BoundedInFlight;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The writer's asynchronous writes, {@code inFlight} at most ({@link BoundedInFlight}). The first
 * failure stops further writes and is thrown to fail the Spark task.
 */
final class AsyncWrites {

    private final CqlSession session;
    private final BoundedInFlight inFlight;

    AsyncWrites(CqlSession session, int inFlight) {
        this.session = session;
        this.inFlight = new BoundedInFlight(inFlight);
    }

    void execute(Statement<?> statement) throws InterruptedException {
        submit(() -> session.executeAsync(statement));
    }

    /**
     * Like {@link #execute(Statement)}, except that Cassandra refusing this very write
     * ({@link InvalidQueryException}: it would refuse it on every retry too) goes to {@code onRefused},
     * on a driver thread, instead of failing the task.
     */
    void execute(Statement<?> statement, Consumer<InvalidQueryException> onRefused) throws InterruptedException {
        submit(() -> session.executeAsync(statement).exceptionally(failure -> {
            Throwable cause = BoundedInFlight.cause(failure);
            if (cause instanceof InvalidQueryException refused) {
                onRefused.accept(refused);
                return null;
            }
            throw new CompletionException(cause);
        }));
    }

    /** Waits for every write; throws if any failed. */
    void awaitAll() throws InterruptedException {
        try {
            inFlight.awaitAll();
        } catch (ExecutionException e) {
            throw writeFailed(e);
        }
    }

    private void submit(Supplier<? extends CompletionStage<?>> write) throws InterruptedException {
        try {
            inFlight.submit(write);
        } catch (ExecutionException e) {
            throw writeFailed(e);
        }
    }

    private static IllegalStateException writeFailed(ExecutionException e) {
        return new IllegalStateException(
                "Cassandra write failed: " + e.getCause().getMessage(), e.getCause());
    }
}
