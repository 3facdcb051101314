package io.github.userspipeline.streamusers;

import io.github.userspipeline.task.StreamUsersSparkConf;
import io.github.userspipeline.testsupport.SparkCluster;
import io.github.userspipeline.testsupport.TaskJar;
import java.io.File;
import java.io.IOException;
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
 * The job jar submitted as the DAG submits it: {@code $SPARK_HOME/bin/spark-submit} in client mode,
 * configured by environment variables, in its own process (the driver's JVM), so a test sees its
 * real exit status and output, and can kill it.
 */
final class SparkSubmit {

    static final Path JAR = Path.of("target", "stream-users.jar");

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final Instant started = Instant.now();

    private SparkSubmit(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Submits the job to {@code masterUrl}; its output goes to {@code logs}/{name}.out and .err. */
    static SparkSubmit start(String masterUrl, Map<String, String> environment, Path logs, String name)
            throws IOException {
        return start(masterUrl, environment, logs, name, StreamUsers.class, List.of(), List.of());
    }

    /**
     * Submits {@code mainClass} with the job jar (so with its connectors) and its {@code arguments},
     * {@code driverClassPath} added to the driver's class path: a test's own application, run the
     * job's way.
     */
    static SparkSubmit start(
            String masterUrl,
            Map<String, String> environment,
            Path logs,
            String name,
            Class<?> mainClass,
            List<Path> driverClassPath,
            List<String> arguments)
            throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run `mvn package` first");
        }
        List<String> application = new ArrayList<>(List.of("--class", mainClass.getName()));
        if (!driverClassPath.isEmpty()) {
            application.add("--driver-class-path");
            application.add(String.join(
                    File.pathSeparator,
                    driverClassPath.stream()
                            .map(path -> path.toAbsolutePath().toString())
                            .toList()));
        }
        application.add(JAR.toAbsolutePath().toString());
        application.addAll(arguments);
        return start(masterUrl, environment, logs, name, application);
    }

    /**
     * Submits {@code application} (spark-submit's arguments from {@code --class} on: main class,
     * jars, the application's own arguments) with the same cluster options as the job.
     */
    static SparkSubmit start(
            String masterUrl, Map<String, String> environment, Path logs, String name, List<String> application)
            throws IOException {
        Files.createDirectories(logs);
        Path stdout = logs.resolve(name + ".out");
        Path stderr = logs.resolve(name + ".err");
        List<String> command = new ArrayList<>(List.of(
                SparkCluster.sparkSubmit().toString(),
                "--master",
                masterUrl,
                "--deploy-mode",
                "client",
                "--driver-memory",
                "1g",
                "--conf",
                "spark.executor.memory=1g"));
        StreamUsersSparkConf.DEFAULTS.forEach((key, value) -> command.addAll(List.of("--conf", key + "=" + value)));
        command.addAll(application);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(SparkCluster.environment(SparkCluster.sparkHome()));
        builder.environment().putAll(environment);
        return new SparkSubmit(builder.start(), stdout, stderr);
    }

    /** Waits for the job to end by itself. */
    TaskJar.Run await(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError("spark-submit still running after " + timeout + "; see " + stderr);
        }
        return new TaskJar.Run(
                process.exitValue(),
                Files.readAllLines(stdout, StandardCharsets.UTF_8),
                Files.readAllLines(stderr, StandardCharsets.UTF_8),
                Duration.between(started, Instant.now()));
    }

    /** SIGKILL, as a crashed machine or an OOM killer ends the driver: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    boolean isAlive() {
        return process.isAlive();
    }
}
