package io.github.userspipeline.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) from the Maven Central
 * artifacts, started the way {@code kafka-server-start.sh} starts it. It can be stopped and
 * started again on the same log directory and ports, as a broker restart would.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String CLASSPATH = "servers/kafka.classpath";
    private static final String READY_LINE = "Kafka Server started";

    private final Path directory;
    private final String bootstrapServers;
    private ServerProcess process;

    private KafkaBroker(Path directory, String bootstrapServers) {
        this.directory = directory;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats a fresh log directory under {@code directory} and starts the broker on free ports,
     * set as docker-compose.yml sets its brokers.
     */
    public static KafkaBroker start(Path directory) throws IOException, InterruptedException {
        // fetch-users' transactions may last as long as the DAG's task timeout, as compose allows.
        return start(directory, List.of("transaction.max.timeout.ms=3600000"));
    }

    /** As {@link #start(Path)}, but with Kafka's default transaction.max.timeout.ms (15 min), as a stock broker has. */
    public static KafkaBroker startStock(Path directory) throws IOException, InterruptedException {
        return start(directory, List.of());
    }

    private static KafkaBroker start(Path directory, List<String> composeSettings)
            throws IOException, InterruptedException {
        int port = FreePort.next();
        int controllerPort = FreePort.next();
        String host = "127.0.0.1";
        Path logDirs = directory.resolve("data");
        Directories.deleteRecursively(logDirs);
        Files.createDirectories(directory);
        Path config = directory.resolve("server.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "process.roles=broker,controller",
                        "node.id=1",
                        "controller.quorum.voters=1@" + host + ":" + controllerPort,
                        "listeners=PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort,
                        "advertised.listeners=PLAINTEXT://" + host + ":" + port,
                        "controller.listener.names=CONTROLLER",
                        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                        "inter.broker.listener.name=PLAINTEXT",
                        "log.dirs=" + logDirs.toAbsolutePath(),
                        "num.partitions=1",
                        "offsets.topic.replication.factor=1",
                        "transaction.state.log.replication.factor=1",
                        "transaction.state.log.min.isr=1",
                        "min.insync.replicas=1",
                        "group.initial.rebalance.delay.ms=0",
                        // Topics are created on purpose by the tasks, never by a stray consumer.
                        "auto.create.topics.enable=false",
                        String.join("\n", composeSettings),
                        ""));
        Path log4j = directory.resolve("log4j.properties");
        Files.writeString(
                log4j,
                String.join(
                        "\n",
                        "log4j.rootLogger=INFO, stdout",
                        "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
                        "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
                        "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
                        ""));

        // "--cluster-id=…" in one argument: a random id may start with "-", which the tool's
        // argument parser would take for an option if it stood alone.
        format(
                List.of(
                        ServerProcess.javaExecutable(),
                        log4jOption(directory),
                        "-cp",
                        ServerProcess.classpathResource(CLASSPATH),
                        "kafka.tools.StorageTool",
                        "format",
                        "--cluster-id=" + randomClusterId(),
                        "-c",
                        config.toAbsolutePath().toString()),
                directory);

        KafkaBroker broker = new KafkaBroker(directory, host + ":" + port);
        broker.start();
        return broker;
    }

    /** Starts the broker (again) on its existing log directory; a no-op while it runs. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        process = ServerProcess.start(
                "kafka",
                List.of(
                        ServerProcess.javaExecutable(),
                        "-Xms256m",
                        "-Xmx512m",
                        log4jOption(directory),
                        "-cp",
                        ServerProcess.classpathResource(CLASSPATH),
                        "kafka.Kafka",
                        directory.resolve("server.properties").toAbsolutePath().toString()),
                directory,
                READY_LINE,
                Duration.ofSeconds(90));
    }

    /** Stops the broker as {@code kafka-server-stop.sh} would (SIGTERM); its logs stay for {@link #start()}. */
    public synchronized void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    private static String log4jOption(Path directory) {
        return "-Dlog4j.configuration=" + directory.resolve("log4j.properties").toUri();
    }

    private static void format(List<String> command, Path directory) throws IOException, InterruptedException {
        Process format = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("storage-format.log").toFile())
                .start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException(
                    "kafka storage format failed: see " + directory.resolve("storage-format.log"));
        }
    }

    /** What {@code kafka-storage.sh random-uuid} prints: 16 random bytes, URL-safe base64. */
    private static String randomClusterId() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's classpath, for Kafka's own tools (e.g. ProducerPerformance in benchmarks). */
    public static String toolsClasspath() {
        return ServerProcess.classpathResource(CLASSPATH);
    }

    @Override
    public void close() {
        stop();
    }
}
