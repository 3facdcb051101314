package io.github.userspipeline.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A real single-node Cassandra 5.0 from the Maven Central artifacts, started the way
 * {@code bin/cassandra -f} starts it, with password authentication and authorization on (so
 * the tasks' credentials are exercised). It can be stopped and started again on the same data,
 * for tests of "Cassandra went away, then came back". It only launches the node: clients and
 * schema belong to each module's tests, with that module's driver.
 */
public final class CassandraNode implements AutoCloseable {

    private static final String CLASSPATH = "servers/cassandra.classpath";
    private static final String JVM_OPTIONS = "servers/cassandra-jvm17.options";
    /**
     * Logged once the CQL port is bound. "Starting listening for CQL clients" comes earlier, just
     * before the bind: a client that connects right then is refused.
     */
    private static final String READY_LINE = "Startup complete";
    /** Logged just after READY_LINE on a fresh node; until then the default credentials are refused. */
    private static final String SUPERUSER_CREATED_LINE = "Created default superuser role 'cassandra'";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String HOST = "127.0.0.1";

    private final Path directory;
    private final int port;
    private ServerProcess process;

    private CassandraNode(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /** Wipes {@code directory}, writes the node's configuration there and starts it on free ports. */
    public static CassandraNode start(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Directories.deleteRecursively(directory.resolve("data"));
        int port = FreePort.next();
        Files.writeString(directory.resolve("cassandra.yaml"), configuration(directory, port, FreePort.next()));
        Files.writeString(directory.resolve("logback.xml"), LOGBACK);
        CassandraNode node = new CassandraNode(directory, port);
        node.start();
        node.process.awaitLogLine(SUPERUSER_CREATED_LINE, START_TIMEOUT);
        return node;
    }

    /** Starts the node (again) on its existing data; a no-op while it runs. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(
                List.of(ServerProcess.javaExecutable(), "-Xms1g", "-Xmx1g", "-javaagent:" + jammAgent()));
        command.addAll(jvmOptions());
        command.addAll(List.of(
                "-Dcassandra.config=" + directory.resolve("cassandra.yaml").toUri(),
                "-Dlogback.configurationFile="
                        + directory.resolve("logback.xml").toUri(),
                "-Dcassandra-foreground=yes",
                "-Dcassandra.storagedir=" + data(),
                "-Dcassandra.logdir=" + directory.toAbsolutePath().resolve("logs"),
                // One node: nothing to gossip with, no ring to wait for, the default superuser at once.
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.ring_delay_ms=100",
                "-Dcassandra.superuser_setup_delay_ms=0",
                "-cp",
                ServerProcess.classpathResource(CLASSPATH),
                "org.apache.cassandra.service.CassandraDaemon"));
        process = ServerProcess.start("cassandra", command, directory, READY_LINE, START_TIMEOUT);
    }

    /** Stops the node as {@code nodetool stopdaemon}/SIGTERM would; its data stays for {@link #start()}. */
    public synchronized void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** {@code host:port}, the form of CASSANDRA_CONTACT_POINTS. */
    public String contactPoint() {
        return HOST + ":" + port;
    }

    /** SimpleSnitch's data center: what drivers need as their local DC. */
    public String localDatacenter() {
        return "datacenter1";
    }

    /** The default superuser that PasswordAuthenticator creates. */
    public String username() {
        return "cassandra";
    }

    public String password() {
        return "cassandra";
    }

    /** The running node's JVM: a benchmark reads its CPU time. */
    public synchronized ProcessHandle handle() {
        if (process == null) {
            throw new IllegalStateException("the Cassandra node is stopped");
        }
        return process.handle();
    }

    /** The node's console log (the current start's; it is rewritten by {@link #start()}). */
    public Path logFile() {
        return directory.resolve("cassandra.log");
    }

    private Path data() {
        return directory.toAbsolutePath().resolve("data");
    }

    private static String configuration(Path directory, int nativePort, int storagePort) {
        Path data = directory.toAbsolutePath().resolve("data");
        return String.join(
                "\n",
                "cluster_name: users-pipeline-test",
                "num_tokens: 1",
                "initial_token: 0",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                "endpoint_snitch: SimpleSnitch",
                "commitlog_sync: periodic",
                "commitlog_sync_period: 10000ms",
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"" + HOST + ":" + storagePort + "\"",
                "listen_address: " + HOST,
                "rpc_address: " + HOST,
                "storage_port: " + storagePort,
                "native_transport_port: " + nativePort,
                "data_file_directories:",
                "  - " + data.resolve("data"),
                "commitlog_directory: " + data.resolve("commitlog"),
                "saved_caches_directory: " + data.resolve("saved_caches"),
                "hints_directory: " + data.resolve("hints"),
                "cdc_raw_directory: " + data.resolve("cdc_raw"),
                "authenticator: PasswordAuthenticator",
                "authorizer: CassandraAuthorizer",
                "role_manager: CassandraRoleManager",
                // Tests drop and truncate freely: snapshots would only fill the disk.
                "auto_snapshot: false",
                // Two shared cores: counts and bulk writes in tests must not hit the 2-10 s defaults.
                "read_request_timeout: 60000ms",
                "range_request_timeout: 120000ms",
                "write_request_timeout: 20000ms",
                "request_timeout: 120000ms",
                "");
    }

    /** Console output only: ServerProcess keeps it in the node's log file. */
    private static final String LOGBACK = """
            <configuration>
              <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="STDOUT"/></root>
            </configuration>
            """;

    /** Cassandra measures object sizes with jamm, which must be loaded as an agent. */
    private static String jammAgent() {
        return Arrays.stream(ServerProcess.classpathResource(CLASSPATH).split(java.io.File.pathSeparator))
                .filter(jar -> Path.of(jar).getFileName().toString().matches("jamm-[0-9.]+\\.jar"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no jamm jar on " + CLASSPATH));
    }

    /** The option file's lines, split into arguments ("--add-opens x" is two). */
    private static List<String> jvmOptions() {
        try (InputStream in = CassandraNode.class.getClassLoader().getResourceAsStream(JVM_OPTIONS)) {
            if (in == null) {
                throw new IllegalStateException(JVM_OPTIONS + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .flatMap(line -> Arrays.stream(line.split("\\s+")))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
