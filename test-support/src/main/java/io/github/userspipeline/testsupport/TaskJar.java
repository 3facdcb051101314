package io.github.userspipeline.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * Runs a task's executable jar as the container does ({@code java -jar}, configured by
 * environment variables), so tests see its real exit status, stdout and stderr.
 */
public final class TaskJar {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jar;

    public TaskJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run `mvn package` first");
        }
        this.jar = jar;
    }

    /** What one run of the task did. */
    public record Run(int exitCode, List<String> stdout, List<String> stderr, Duration took) {

        public String lastStdoutLine() {
            return stdout.isEmpty() ? "" : stdout.get(stdout.size() - 1);
        }

        public String lastStderrLine() {
            return stderr.isEmpty() ? "" : stderr.get(stderr.size() - 1);
        }

        /** The JSON summary: the last stdout line. */
        public JsonNode summary() {
            try {
                return JSON.readTree(lastStdoutLine());
            } catch (IOException e) {
                throw new AssertionError(
                        "last stdout line is not JSON: " + lastStdoutLine() + "\nstderr:\n" + String.join("\n", stderr),
                        e);
            }
        }
    }

    /** Runs the jar with {@code environment} added to this JVM's and kills it after {@code timeout}. */
    public Run run(Map<String, String> environment, Duration timeout, String... args) {
        try {
            Path out = Files.createTempFile("task-stdout", ".log");
            Path err = Files.createTempFile("task-stderr", ".log");
            Instant started = Instant.now();
            Process process = start(environment, out, err, args);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(
                        jar.getFileName() + " still running after " + timeout + "; stderr:\n" + Files.readString(err));
            }
            Run run = new Run(
                    process.exitValue(),
                    Files.readAllLines(out, StandardCharsets.UTF_8),
                    Files.readAllLines(err, StandardCharsets.UTF_8),
                    Duration.between(started, Instant.now()));
            Files.delete(out);
            Files.delete(err);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the jar without waiting, its output going to {@code stdout} and {@code stderr}: for tests that signal it. */
    public Process start(Map<String, String> environment, Path stdout, Path stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ServerProcess.javaExecutable(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The jar's file name, e.g. fetch-users.jar. */
    @Override
    public String toString() {
        return jar.getFileName().toString();
    }
}
