package io.github.userspipeline.task;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Keeps at most {@code maxInFlight} asynchronous requests outstanding: the client pipelines requests
 * on its connections instead of waiting a round trip for each, and the bound keeps the server from
 * being flooded (and under the Cassandra driver's per-connection request limit). The first failure
 * stops further requests and is thrown. Any client's {@link CompletionStage}s will do.
 */
public final class BoundedInFlight {

    private final int maxInFlight;
    private final Semaphore permits;
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

    public BoundedInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
        this.permits = new Semaphore(maxInFlight);
    }

    /** Starts {@code request} once a slot is free; fails fast when an earlier request failed. */
    public void submit(Supplier<? extends CompletionStage<?>> request) throws InterruptedException, ExecutionException {
        throwIfFailed();
        permits.acquire();
        try {
            request.get().whenComplete((result, failure) -> {
                if (failure != null) {
                    firstFailure.compareAndSet(null, cause(failure));
                }
                permits.release();
            });
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Waits until every submitted request has completed; throws the first failure. */
    public void awaitAll() throws InterruptedException, ExecutionException {
        permits.acquire(maxInFlight);
        permits.release(maxInFlight);
        throwIfFailed();
    }

    private void throwIfFailed() throws ExecutionException {
        Throwable failure = firstFailure.get();
        if (failure != null) {
            throw new ExecutionException(failure.getMessage(), failure);
        }
    }

    /** What failed: a stage's failure is often the real cause wrapped in a {@link CompletionException}. */
    public static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
