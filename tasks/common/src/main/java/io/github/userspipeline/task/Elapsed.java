package io.github.userspipeline.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Durations as every task's summary and log give them: seconds, to the millisecond. */
public final class Elapsed {

    /** Linux's USER_HZ, the unit of /proc's times: 100 on every architecture's ABI. */
    private static final double CLOCK_TICKS_PER_SECOND = 100;

    private Elapsed() {}

    public static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    public static double secondsSince(Instant start) {
        return seconds(Duration.between(start, Instant.now()));
    }

    /**
     * When this process started. For a Spark driver in client mode that is spark-submit's start:
     * bin/spark-submit and bin/spark-class exec into the driver's JVM, so the process outlives its
     * shell script and the launcher's own JVM before the driver's. On Linux its age comes from
     * /proc, to the clock tick: ProcessHandle's start instant adds the boot time, which Linux gives
     * in whole seconds only (up to a second off).
     */
    public static Instant processStarted() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name, which is in parentheses and may hold spaces; starttime is the 22nd field.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double startedAfterBoot = Long.parseLong(fields[19]) / CLOCK_TICKS_PER_SECOND;
            double uptime =
                    Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            return Instant.now().minusMillis(Math.round((uptime - startedAfterBoot) * 1000));
        } catch (IOException | RuntimeException noProcFileSystem) {
            return ProcessHandle.current()
                    .info()
                    .startInstant()
                    .orElseThrow(() -> new IllegalStateException("the system does not tell when this process started"));
        }
    }
}
