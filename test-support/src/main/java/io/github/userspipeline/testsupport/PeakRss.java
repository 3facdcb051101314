package io.github.userspipeline.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The peak resident memory of processes that come and go while a benchmark runs (a Spark driver,
 * its executors), found by a part of their command line. Linux keeps each process's own peak
 * ({@code VmHWM} in /proc/PID/status); sampling it every {@value #SAMPLE_MILLIS} ms keeps the
 * highest a role's processes reached, missing at most what one grew in its last interval.
 */
public final class PeakRss implements AutoCloseable {

    private static final long SAMPLE_MILLIS = 250;

    private final Map<String, String> commandLineParts;
    private final Map<String, Long> peakKib = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "peak-rss");
        thread.setDaemon(true);
        return thread;
    });

    private PeakRss(Map<String, String> commandLineParts) {
        this.commandLineParts = Map.copyOf(commandLineParts);
    }

    /** Starts sampling: each role (key) is the processes whose command line contains its value. */
    public static PeakRss sample(Map<String, String> commandLineParts) {
        PeakRss peaks = new PeakRss(commandLineParts);
        peaks.sampler.scheduleAtFixedRate(peaks::sampleOnce, 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        return peaks;
    }

    /** The highest peak of the role's processes so far, in MiB; fails when none was ever seen. */
    public double peakMib(String role) {
        Long kib = peakKib.get(role);
        if (kib == null) {
            throw new IllegalStateException("no process of role " + role + " (" + commandLineParts.get(role)
                    + " in its command line) was seen while sampling");
        }
        return kib / 1024.0;
    }

    private void sampleOnce() {
        ProcessHandle.allProcesses().forEach(process -> {
            String commandLine = process.info().commandLine().orElse("");
            commandLineParts.forEach((role, part) -> {
                if (commandLine.contains(part)) {
                    long kib = highWaterMarkKib(process.pid());
                    peakKib.merge(role, kib, Math::max);
                }
            });
        });
    }

    /** VmHWM of the process, 0 when it has just exited. */
    private static long highWaterMarkKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException exited) {
            // Gone between the listing and the read: its last sample stands.
        }
        return 0;
    }

    /** Stops sampling and takes one last sample, so that a process still running counts at its end. */
    @Override
    public void close() {
        sampler.shutdownNow();
        sampleOnce();
    }
}
