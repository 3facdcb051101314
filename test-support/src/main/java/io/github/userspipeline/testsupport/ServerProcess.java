package io.github.userspipeline.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real server in its own JVM, the way its own start scripts run it: output goes to a log file
 * under the server's directory (kept for debugging), readiness is a line that the server logs.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);

    private final String name;
    private final Path logFile;
    private final Process process;

    private ServerProcess(String name, Path logFile, Process process) {
        this.name = name;
        this.logFile = logFile;
        this.process = process;
    }

    /** The running JVM's own {@code java}, so servers run on the same JDK as the tests. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Reads a {@code servers/<name>.classpath} resource written at build time by a server module. */
    public static String classpathResource(String resource) {
        try (var in = ServerProcess.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath: build the server module first");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code command} in {@code directory} and waits until its log contains {@code readyLine}. */
    public static ServerProcess start(
            String name, List<String> command, Path directory, String readyLine, Duration timeout)
            throws IOException, InterruptedException {
        return start(name, command, Map.of(), directory, readyLine, timeout);
    }

    /** As {@link #start(String, List, Path, String, Duration)}, with {@code environment} added to this JVM's. */
    public static ServerProcess start(
            String name,
            List<String> command,
            Map<String, String> environment,
            Path directory,
            String readyLine,
            Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path logFile = directory.resolve(name + ".log");
        Instant started = Instant.now();
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        // A test JVM ended early (Ctrl-C, a surefire timeout) must not leave 1.5 GB servers behind.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-" + name));
        ServerProcess server = new ServerProcess(name, logFile, process);
        server.awaitLogLine(readyLine, timeout);
        log.info(
                "{} ready in {} ms (log: {})",
                name,
                Duration.between(started, Instant.now()).toMillis(),
                logFile.toAbsolutePath());
        return server;
    }

    /** Waits until the log holds {@code line}; fails early when the process dies. */
    public void awaitLogLine(String line, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!Files.readString(logFile, StandardCharsets.ISO_8859_1).contains(line)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue()
                        + " before it was ready; last log lines:\n" + tail(40));
            }
            if (Instant.now().isAfter(deadline)) {
                close();
                throw new IllegalStateException(
                        name + " not ready after " + timeout + "; last log lines:\n" + tail(40));
            }
            Thread.sleep(100);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** The server's JVM, for what a benchmark reads of it (its CPU time). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The last {@code lines} lines of the server's log. */
    public String tail(int lines) throws IOException {
        List<String> all = new ArrayList<>(Files.readAllLines(logFile, StandardCharsets.ISO_8859_1));
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Stops the server as its own stop script would (SIGTERM), then kills it if it lingers. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
