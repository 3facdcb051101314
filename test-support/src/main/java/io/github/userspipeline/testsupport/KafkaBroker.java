package io.github.userspipeline.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) from the Maven Central
 * artifacts, started the way {@code kafka-server-start.sh} starts it.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String CLASSPATH = "servers/kafka.classpath";

    private final ServerProcess process;
    private final String bootstrapServers;

    private KafkaBroker(ServerProcess process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats a fresh log directory under {@code directory} and starts the broker on free ports. */
    public static KafkaBroker start(Path directory) throws IOException, InterruptedException {
        int port = FreePort.next();
        int controllerPort = FreePort.next();
        String host = "127.0.0.1";
        Path logDirs = directory.resolve("data");
        Directories.deleteRecursively(logDirs);
        Files.createDirectories(directory);
        Path config = directory.resolve("server.properties");
        Files.writeString(config, String.join("\n",
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
                // fetch-users' transactions may last as long as the compose brokers allow.
                "transaction.max.timeout.ms=3600000",
                "min.insync.replicas=1",
                "group.initial.rebalance.delay.ms=0",
                // Topics are created on purpose by the tasks, never by a stray consumer.
                "auto.create.topics.enable=false",
                ""));
        Path log4j = directory.resolve("log4j.properties");
        Files.writeString(log4j, String.join("\n",
                "log4j.rootLogger=INFO, stdout",
                "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
                "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
                ""));

        String classpath = ServerProcess.classpathResource(CLASSPATH);
        String java = ServerProcess.javaExecutable();
        String log4jOption = "-Dlog4j.configuration=" + log4j.toUri();
        // "--cluster-id=…" in one argument: a random id may start with "-", which the tool's
        // argument parser would take for an option if it stood alone.
        format(List.of(java, log4jOption, "-cp", classpath, "kafka.tools.StorageTool", "format",
                "--cluster-id=" + randomClusterId(), "-c", config.toAbsolutePath().toString()), directory);

        ServerProcess process = ServerProcess.start("kafka",
                List.of(java, "-Xms256m", "-Xmx512m", log4jOption, "-cp", classpath, "kafka.Kafka",
                        config.toAbsolutePath().toString()),
                directory, "Kafka Server started", Duration.ofSeconds(90));
        return new KafkaBroker(process, host + ":" + port);
    }

    private static void format(List<String> command, Path directory) throws IOException, InterruptedException {
        Process format = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(directory.resolve("storage-format.log").toFile()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("kafka storage format failed: see " + directory.resolve("storage-format.log"));
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
        process.close();
    }
}
