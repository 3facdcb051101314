package io.github.userspipeline.submitspark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobOutputTest {

    private final ByteArrayOutputStream copied = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(copied, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(originalErr);
    }

    @Test
    void drainWaitsWhileTheDriverStillTalksThenCopiesNothingMore() throws Exception {
        JobOutput output = new JobOutput();
        ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor();
        try {
            // A driver logging its shutdown: a line every 100 ms for 1 s.
            for (int i = 0; i < 10; i++) {
                int line = i;
                driver.schedule(
                        () -> output.publish(new LogRecord(Level.INFO, "shutdown " + line)),
                        100L * i,
                        TimeUnit.MILLISECONDS);
            }
            long started = System.nanoTime();
            output.drain(Duration.ofMillis(400), Duration.ofSeconds(10));
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;

            output.publish(new LogRecord(Level.INFO, "after the summary"));

            assertThat(waitedMillis).as("waited for the last shutdown line").isGreaterThanOrEqualTo(900);
            String text = copied.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("shutdown 0", "shutdown 9").doesNotContain("after the summary");
        } finally {
            driver.shutdownNow();
        }
    }

    @Test
    void drainGivesUpAfterItsPatienceOnADriverThatNeverStops() throws Exception {
        JobOutput output = new JobOutput();
        ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor();
        try {
            driver.scheduleAtFixedRate(
                    () -> output.publish(new LogRecord(Level.INFO, "chatter")), 0, 20, TimeUnit.MILLISECONDS);
            long started = System.nanoTime();
            output.drain(Duration.ofMillis(200), Duration.ofMillis(700));
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(650L, 5_000L);
        } finally {
            driver.shutdownNow();
        }
    }

    @Test
    void readsTheJobSummaryAndTheFailureReason() throws Exception {
        JobOutput output = new JobOutput();
        output.publish(new LogRecord(Level.INFO, "26/11/21 INFO something"));
        output.publish(new LogRecord(Level.INFO, "stream-users failed: cannot use Cassandra at c:9042"));
        output.publish(new LogRecord(Level.INFO, "STREAM_USERS_SUMMARY {\"written\":7,\"rejected\":1}"));

        assertThat(output.awaitJobSummary(Duration.ofSeconds(1))
                        .orElseThrow()
                        .path("written")
                        .asLong())
                .isEqualTo(7);
        assertThat(output.lastError()).contains("cannot use Cassandra at c:9042");
    }

    @Test
    void stillReceivesTheDriversLinesAfterAGarbageCollection() throws Exception {
        JobOutput output = new JobOutput();
        output.install();
        // java.util.logging keeps loggers only weakly: SparkLauncher looks the logger up by name for
        // every line, and a collected one comes back new, without this handler.
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        Logger.getLogger(JobOutput.LOGGER).info("STREAM_USERS_SUMMARY {\"written\":3}");

        assertThat(output.awaitJobSummary(Duration.ofSeconds(1))).isPresent();
        output.close();
    }
}
