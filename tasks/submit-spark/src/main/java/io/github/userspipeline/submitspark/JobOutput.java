package io.github.userspipeline.submitspark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.task.StreamUsersOutput;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The driver's output, which SparkLauncher hands to a java.util.logging logger line by line:
 * copied into this task's log, and read for the job's summary and its one-line failure reason.
 */
final class JobOutput extends Handler {

    static final String LOGGER = "stream-users";
    // Held here for good: java.util.logging keeps loggers only weakly, and SparkLauncher looks this
    // one up by name for every line; once collected, it would come back without this handler.
    private static final Logger DRIVER_LOGGER = Logger.getLogger(LOGGER);
    private static final String FAILURE_MARKER = StreamUsersOutput.FAILURE_MARKER;

    private final CountDownLatch summaryRead = new CountDownLatch(1);
    private volatile JsonNode jobSummary;
    private volatile String lastError;
    private volatile long lastLineNanos = System.nanoTime();
    private boolean sealed;

    /** Receives the driver's lines from now on, instead of java.util.logging's console output. */
    void install() {
        DRIVER_LOGGER.setUseParentHandlers(false);
        DRIVER_LOGGER.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (sealed) {
            return;
        }
        lastLineNanos = System.nanoTime();
        String line = record.getMessage();
        System.err.println(line);
        try {
            StreamUsersOutput.summaryIn(line).ifPresent(summary -> {
                jobSummary = summary;
                summaryRead.countDown();
            });
        } catch (JsonProcessingException e) {
            System.err.println("submit-spark: unreadable job summary: " + e.getOriginalMessage());
        }
        int failure = line.indexOf(FAILURE_MARKER);
        if (failure >= 0) {
            lastError = line.substring(failure + FAILURE_MARKER.length());
        }
    }

    /**
     * The job's summary line. The handle reports FINISHED over its own socket, which can overtake
     * the driver's last output lines on their way through the pipe: give them a moment.
     */
    Optional<JsonNode> awaitJobSummary(Duration patience) throws InterruptedException {
        summaryRead.await(patience.toMillis(), TimeUnit.MILLISECONDS);
        return Optional.ofNullable(jobSummary);
    }

    /**
     * Waits until the driver has printed nothing for {@code quiet} (for {@code patience} at most),
     * then stops copying its output. A driver still logs its shutdown after the application's final
     * state, and the task's own last line (the summary Airflow pushes as XCom, or the failure
     * reason) must come after every line of the driver's.
     */
    void drain(Duration quiet, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() - lastLineNanos < quiet.toNanos() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        synchronized (this) {
            sealed = true;
        }
    }

    Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    @Override
    public void flush() {
        System.err.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
