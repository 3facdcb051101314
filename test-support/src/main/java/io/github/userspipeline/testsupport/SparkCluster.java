package io.github.userspipeline.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster: one Master and one Worker, each in its own JVM, from the Spark
 * distribution in {@code SPARK_HOME} (pyspark's, installed by script/install-spark.sh), started
 * with {@code bin/spark-class} as {@code sbin/start-master.sh} and {@code sbin/start-worker.sh}
 * start them, in the foreground, on the loopback address.
 * Jobs reach it with {@code spark-submit --master }{@link #masterUrl()}.
 */
public final class SparkCluster implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final ServerProcess master;
    private final ServerProcess worker;
    private final String masterUrl;
    private final String masterWebUiUrl;
    private final Path sparkHome;

    private SparkCluster(
            ServerProcess master, ServerProcess worker, String masterUrl, String masterWebUiUrl, Path sparkHome) {
        this.master = master;
        this.worker = worker;
        this.masterUrl = masterUrl;
        this.masterWebUiUrl = masterWebUiUrl;
        this.sparkHome = sparkHome;
    }

    /** Starts a Master and a Worker with {@code cores} cores and {@code memory} (e.g. "2g") for executors. */
    public static SparkCluster start(Path directory, int cores, String memory)
            throws IOException, InterruptedException {
        Path sparkHome = sparkHome();
        int port = FreePort.next();
        String masterUrl = "spark://" + HOST + ":" + port;
        int webUiPort = FreePort.next();
        ServerProcess master = ServerProcess.start(
                "spark-master",
                sparkClass(
                        sparkHome,
                        "org.apache.spark.deploy.master.Master",
                        "--host",
                        HOST,
                        "--port",
                        String.valueOf(port),
                        "--webui-port",
                        String.valueOf(webUiPort)),
                environment(sparkHome),
                directory,
                "I have been elected leader! New state: ALIVE",
                START_TIMEOUT);
        try {
            ServerProcess worker = ServerProcess.start(
                    "spark-worker",
                    sparkClass(
                            sparkHome,
                            "org.apache.spark.deploy.worker.Worker",
                            "--host",
                            HOST,
                            "--cores",
                            String.valueOf(cores),
                            "--memory",
                            memory,
                            "--work-dir",
                            directory.toAbsolutePath().resolve("work").toString(),
                            "--webui-port",
                            String.valueOf(FreePort.next()),
                            masterUrl),
                    environment(sparkHome),
                    directory,
                    "Successfully registered with master",
                    START_TIMEOUT);
            return new SparkCluster(master, worker, masterUrl, "http://" + HOST + ":" + webUiPort, sparkHome);
        } catch (IOException | RuntimeException | InterruptedException e) {
            master.close();
            throw e;
        }
    }

    /**
     * What Spark's scripts need to run a JVM of the cluster or a job: the distribution, the JDK,
     * and the loopback address (Spark would otherwise pick the machine's first interface).
     */
    public static Map<String, String> environment(Path sparkHome) {
        return Map.of(
                "SPARK_HOME",
                sparkHome.toString(),
                "JAVA_HOME",
                Path.of(ServerProcess.javaExecutable()).getParent().getParent().toString(),
                "SPARK_LOCAL_IP",
                HOST,
                // spark-class gives daemons no JDK 17 options of its own.
                "SPARK_DAEMON_JAVA_OPTS",
                String.join(" ", javaModuleOptions(sparkHome)),
                "SPARK_DAEMON_MEMORY",
                "512m");
    }

    /** The Spark distribution: env SPARK_HOME, else system property spark.home; it must hold bin/ and jars/. */
    public static Path sparkHome() {
        String configured = System.getenv("SPARK_HOME");
        if (configured == null || configured.isBlank()) {
            configured = System.getProperty("spark.home", "");
        }
        Path home = Path.of(configured).toAbsolutePath();
        if (configured.isBlank()
                || !Files.isRegularFile(home.resolve("bin/spark-submit"))
                || !Files.isDirectory(home.resolve("jars"))) {
            throw new IllegalStateException("no Spark distribution in SPARK_HOME (" + configured + "): run "
                    + "`export SPARK_HOME=\"$(script/install-spark.sh)\"` from the repository root first");
        }
        return home;
    }

    /** {@code $SPARK_HOME/bin/spark-submit}. */
    public static Path sparkSubmit() {
        return sparkHome().resolve("bin").resolve("spark-submit");
    }

    /**
     * The JDK 17 options Spark's own launcher gives the JVMs it starts
     * ({@code JavaModuleOptions.defaultModuleOptions()}), read from the distribution itself.
     */
    public static List<String> javaModuleOptions(Path sparkHome) {
        try (Stream<Path> jars = Files.list(sparkHome.resolve("jars"))) {
            Path launcher = jars.filter(jar -> jar.getFileName().toString().startsWith("spark-launcher_"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no spark-launcher jar in " + sparkHome));
            try (URLClassLoader loader =
                    new URLClassLoader(new URL[] {launcher.toUri().toURL()}, null)) {
                Object options = loader.loadClass("org.apache.spark.launcher.JavaModuleOptions")
                        .getMethod("defaultModuleOptions")
                        .invoke(null);
                return Arrays.asList(((String) options).split("\\s+"));
            }
        } catch (IOException | ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read Spark's JDK module options from " + sparkHome, e);
        }
    }

    /** {@code bin/spark-class}, as sbin/start-master.sh and start-worker.sh run their daemons. */
    private static List<String> sparkClass(Path sparkHome, String mainClass, String... args) {
        List<String> command = new ArrayList<>(
                List.of(sparkHome.resolve("bin").resolve("spark-class").toString(), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    public String masterUrl() {
        return masterUrl;
    }

    /** The master's web UI; {@code /json/} there lists active and completed applications. */
    public String masterWebUiUrl() {
        return masterWebUiUrl;
    }

    /** The master's JSON status ({@code /json/}): {@code activeapps} and {@code completedapps}, each with id, name, state. */
    public JsonNode masterStatus() throws IOException {
        return new ObjectMapper().readTree(URI.create(masterWebUiUrl + "/json/").toURL());
    }

    /**
     * submit-spark's settings for this cluster, as the image and the DAG set them, for this machine:
     * the master and its web UI, the driver on the loopback address with ports of its own (so that
     * two submissions can run side by side), 1 GB executors.
     */
    public Map<String, String> submitSparkEnvironment() {
        Map<String, String> env = new HashMap<>(environment(sparkHome));
        env.put("SPARK_MASTER_URL", masterUrl);
        env.put("SPARK_MASTER_UI_URL", masterWebUiUrl);
        env.put("SPARK_DRIVER_HOST", HOST);
        env.put("SPARK_DRIVER_BIND_ADDRESS", HOST);
        env.put("SPARK_DRIVER_PORT", String.valueOf(FreePort.next()));
        env.put("SPARK_BLOCK_MANAGER_PORT", String.valueOf(FreePort.next()));
        env.put("SPARK_EXECUTOR_MEMORY", "1g");
        env.put("SPARK_CONF", "spark.ui.enabled=false");
        return env;
    }

    public Path home() {
        return sparkHome;
    }

    @Override
    public void close() {
        worker.close();
        master.close();
    }
}
