package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Asynchronous writes with at most {@code inFlight} outstanding: the driver pipelines requests on
 * its connection instead of waiting a round trip per row, and the bound keeps Cassandra from
 * being flooded. The first failure stops further writes and is thrown to fail the Spark task.
 */
final class AsyncWrites {

    private final CqlSession session;
    private final int inFlight;
    private final Semaphore permits;
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

    AsyncWrites(CqlSession session, int inFlight) {
        this.session = session;
        this.inFlight = inFlight;
        this.permits = new Semaphore(inFlight);
    }

    void execute(Statement<?> statement) throws InterruptedException {
        execute(statement, null);
    }

    /**
     * Like {@link #execute(Statement)}, except that Cassandra refusing this very write
     * ({@link InvalidQueryException}: it would refuse it on every retry too) goes to {@code onRefused},
     * on a driver thread, instead of failing the task.
     */
    void execute(Statement<?> statement, Consumer<InvalidQueryException> onRefused) throws InterruptedException {
        throwIfFailed();
        permits.acquire();
        session.executeAsync(statement).whenComplete((result, failure) -> {
            try {
                if (failure instanceof InvalidQueryException refused && onRefused != null) {
                    onRefused.accept(refused);
                } else if (failure != null) {
                    firstFailure.compareAndSet(null, failure);
                }
            } catch (RuntimeException e) {
                firstFailure.compareAndSet(null, e);
            } finally {
                permits.release();
            }
        });
    }

    /** Waits for every write; throws if any failed. */
    void awaitAll() throws InterruptedException {
        permits.acquire(inFlight);
        permits.release(inFlight);
        throwIfFailed();
    }

    private void throwIfFailed() {
        Throwable failure = firstFailure.get();
        if (failure != null) {
            throw new IllegalStateException("Cassandra write failed: " + failure.getMessage(), failure);
        }
    }
}
