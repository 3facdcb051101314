package io.github.userspipeline.submitspark;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.task.BadOptionValue;
import io.github.userspipeline.task.Elapsed;
import io.github.userspipeline.task.StreamUsersEnvironment;
import io.github.userspipeline.task.StreamUsersSparkConf;
import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.TaskMain;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Pipeline step 2: submits the stream-users job to the Spark standalone master in client mode
 * (the driver runs here, so this process sees the job's real fate; in cluster mode the submit
 * client exits 0 whatever the driver does), follows its {@link SparkAppHandle}, and exits 0 only
 * when the driver process exited 0 and the job printed its success summary.
 *
 * <p>The job's own settings ({@code RUN_ID}, {@code KAFKA_BOOTSTRAP_SERVERS}, {@code CASSANDRA_*},
 * {@code STREAM_*}: {@link StreamUsersEnvironment}) are forwarded from this process's environment,
 * and no other variable; or given as arguments after {@code --}. (The driver's process inherits
 * this one's environment all the same, which SparkLauncher cannot prevent; the job reads no
 * variable but those, as its options test checks.)
 *
 * <p>Usage: {@code java -jar submit-spark.jar --spark-master-url=spark://spark-master:7077 [-- JOB OPTIONS]}.
 */
@Command(
        name = "submit-spark",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Submit the stream-users Spark job and follow it to its end.")
public final class SubmitSpark implements Callable<SubmitSpark.Summary> {

    private static final Logger log = LoggerFactory.getLogger(SubmitSpark.class);
    /** How long a driver may take to exit after its final state: it still stops Spark and its own JVM. */
    private static final Duration DRIVER_EXIT_PATIENCE = Duration.ofSeconds(60);
    /** How long the master may take to end an earlier try's application once asked to kill it. */
    private static final Duration KILL_PATIENCE = Duration.ofSeconds(60);
    /** The standalone master's web UI port, when SPARK_MASTER_UI_URL does not give one. */
    private static final int MASTER_UI_PORT = 8080;

    @Option(names = "--run-id", required = true, description = "The run; passed to the job. Env: RUN_ID")
    String runId;

    @Option(
            names = "--spark-master-url",
            defaultValue = "spark://spark-master:7077",
            description = "Env: SPARK_MASTER_URL")
    String sparkMasterUrl;

    @Option(
            names = "--spark-master-ui-url",
            defaultValue = "",
            description = "The master's web UI (http://host:port), where an earlier try's application of the run is"
                    + " found and killed before submitting; empty: port " + MASTER_UI_PORT
                    + " of SPARK_MASTER_URL's host. Env: SPARK_MASTER_UI_URL")
    String sparkMasterUiUrl;

    @Option(
            names = "--spark-home",
            defaultValue = "/opt/spark",
            description = "Spark distribution with bin/spark-submit. Env: SPARK_HOME")
    String sparkHome;

    @Option(names = "--spark-job-jar", defaultValue = "/app/stream-users.jar", description = "Env: SPARK_JOB_JAR")
    String jobJar;

    @Option(
            names = "--spark-job-main-class",
            defaultValue = "io.github.userspipeline.streamusers.StreamUsers",
            description = "Env: SPARK_JOB_MAIN_CLASS")
    String jobMainClass;

    @Option(names = "--spark-executor-memory", defaultValue = "1g", description = "Env: SPARK_EXECUTOR_MEMORY")
    String executorMemory;

    @Option(
            names = "--spark-executor-cores",
            defaultValue = "2",
            description =
                    "Cores per executor (a worker must offer that many): by default all the application takes, one"
                            + " executor JVM to start and warm up rather than two. Env: SPARK_EXECUTOR_CORES")
    int executorCores;

    @Option(
            names = "--spark-total-executor-cores",
            defaultValue = "2",
            description =
                    "Cores the application takes from the cluster (spark.cores.max). Env: SPARK_TOTAL_EXECUTOR_CORES")
    int totalExecutorCores;

    @Option(names = "--spark-driver-memory", defaultValue = "1g", description = "Env: SPARK_DRIVER_MEMORY")
    String driverMemory;

    @Option(
            names = "--spark-driver-host",
            defaultValue = "",
            description =
                    "Name or address executors reach the driver at; empty: this host's address. Env: SPARK_DRIVER_HOST")
    String driverHost;

    @Option(
            names = "--spark-driver-bind-address",
            defaultValue = "0.0.0.0",
            description = "Env: SPARK_DRIVER_BIND_ADDRESS")
    String driverBindAddress;

    @Option(
            names = "--spark-driver-port",
            defaultValue = "7078",
            description =
                    "Fixed, so executors can reach it through a firewall or compose network. Env: SPARK_DRIVER_PORT")
    int driverPort;

    @Option(names = "--spark-block-manager-port", defaultValue = "7079", description = "Env: SPARK_BLOCK_MANAGER_PORT")
    int blockManagerPort;

    @Option(
            names = "--spark-conf",
            split = ",",
            defaultValue = "",
            description = "Extra spark.* settings, key=value, comma-separated. Env: SPARK_CONF")
    List<String> sparkConf;

    @Option(
            names = "--spark-job-timeout-seconds",
            defaultValue = "1800",
            description = "The application is stopped, then killed, after this long. Env: SPARK_JOB_TIMEOUT_SECONDS")
    int timeoutSeconds;

    @Option(
            names = "--spark-master-connect-timeout-seconds",
            defaultValue = "10",
            description = "How long to wait for the master to accept a connection, and for its web UI to answer. Env:"
                    + " SPARK_MASTER_CONNECT_TIMEOUT_SECONDS")
    int masterConnectTimeoutSeconds;

    @Parameters(description = "Options passed to the job (after --).")
    List<String> jobArguments = new ArrayList<>();

    /**
     * The DAG's view of the job: its end state and what it wrote; and how many applications of the
     * run, earlier tries', it killed first.
     */
    public record Summary(
            String task,
            String runId,
            String appId,
            String state,
            Long written,
            Long rejected,
            int earlierAppsKilled,
            double seconds) {}

    public static void main(String[] args) {
        TaskMain.run(new SubmitSpark(), args);
    }

    @Override
    public Summary call() throws Exception {
        Instant started = Instant.now();
        BadOptionValue.requireTimeout("SPARK_JOB_TIMEOUT_SECONDS", timeoutSeconds);
        BadOptionValue.requireTimeout("SPARK_MASTER_CONNECT_TIMEOUT_SECONDS", masterConnectTimeoutSeconds);
        URI master = masterUri();
        String masterUi = masterUiUrl(master);
        Map<String, String> extraConf = extraSparkConf();
        checkMasterReachable(master);
        String appName = StreamUsersSparkConf.applicationName(runId);
        // An earlier try whose worker died may still run its driver: two drivers on one checkpoint corrupt it.
        int earlierAppsKilled = new MasterWebUi(masterUi, Duration.ofSeconds(masterConnectTimeoutSeconds))
                .killAll(appName, KILL_PATIENCE);
        JobOutput output = new JobOutput();
        SparkLauncher launcher = new SparkLauncher(jobEnvironment(System.getenv(), runId));
        StreamUsersSparkConf.DEFAULTS.forEach(launcher::setConf);
        launcher.setSparkHome(sparkHome)
                .setMaster(sparkMasterUrl)
                .setDeployMode("client")
                .setAppResource(jobJar)
                .setMainClass(jobMainClass)
                .setAppName(appName)
                .setConf(SparkLauncher.DRIVER_MEMORY, driverMemory)
                .setConf(SparkLauncher.EXECUTOR_MEMORY, executorMemory)
                .setConf(SparkLauncher.EXECUTOR_CORES, String.valueOf(executorCores))
                .setConf("spark.cores.max", String.valueOf(totalExecutorCores))
                .setConf(
                        "spark.driver.host",
                        driverHost.isBlank() ? InetAddress.getLocalHost().getHostAddress() : driverHost)
                .setConf("spark.driver.bindAddress", driverBindAddress)
                .setConf("spark.driver.port", String.valueOf(driverPort))
                .setConf("spark.blockManager.port", String.valueOf(blockManagerPort))
                .redirectToLog(JobOutput.LOGGER)
                .addAppArgs(jobArguments.toArray(String[]::new));
        extraConf.forEach(launcher::setConf);
        output.install();

        log.info("submitting {} ({}) to {} for run {}", jobMainClass, jobJar, sparkMasterUrl, runId);
        Application application = Application.start(launcher, Duration.ofSeconds(timeoutSeconds));
        // Airflow marks a task failed or cleared with SIGTERM: take the application down with us.
        Thread stopOnTerm = new Thread(application::stopIfRunning, "stop-application-on-sigterm");
        Runtime.getRuntime().addShutdownHook(stopOnTerm);
        application.awaitFinalState();
        // The first final state is not the job's fate (see Application.driverProcess): the driver's exit is.
        OptionalInt driverExit = application.awaitDriverExit(DRIVER_EXIT_PATIENCE);
        if (driverExit.isEmpty()) {
            log.warn(
                    "the driver still runs {} s after {} ended: killing it",
                    DRIVER_EXIT_PATIENCE.toSeconds(),
                    application.name());
            application.stopIfRunning();
        }
        Runtime.getRuntime().removeShutdownHook(stopOnTerm);

        boolean exitedZero = driverExit.isPresent() && driverExit.getAsInt() == 0;
        SparkAppHandle.State state = exitedZero ? application.state() : SparkAppHandle.State.FAILED;
        // Printed by the job only once it succeeded: exit status 0 alone could be any driver's.
        Optional<JsonNode> jobSummary = exitedZero && state == SparkAppHandle.State.FINISHED
                ? output.awaitJobSummary(Duration.ofSeconds(10))
                : Optional.empty();
        output.drain(Duration.ofSeconds(2), Duration.ofSeconds(15));
        Summary summary = new Summary(
                "submit-spark",
                runId,
                application.appId(),
                state.name(),
                jobSummary.map(job -> job.path("written").asLong()).orElse(null),
                jobSummary.map(job -> job.path("rejected").asLong()).orElse(null),
                earlierAppsKilled,
                Elapsed.secondsSince(started));
        if (application.timedOut()) {
            throw new TaskFailure(
                    "timed out after " + timeoutSeconds + " s; " + application.name() + " stopped (" + state + ")",
                    summary,
                    null);
        }
        String reason = output.lastError()
                .orElse(
                        driverExit.isEmpty()
                                ? "the driver did not exit within " + DRIVER_EXIT_PATIENCE.toSeconds() + " s of the end"
                                : "the driver exited with status " + driverExit.getAsInt());
        if (!exitedZero || state != SparkAppHandle.State.FINISHED) {
            throw new TaskFailure(application.name() + " ended " + state + ": " + reason, summary, null);
        }
        if (jobSummary.isEmpty()) {
            throw new TaskFailure(application.name() + " ended without the job's summary: " + reason, summary, null);
        }
        return summary;
    }

    /**
     * What the job is configured with: the variables of {@link StreamUsersEnvironment} in
     * {@code environment}, and this run's id.
     */
    static Map<String, String> jobEnvironment(Map<String, String> environment, String runId) {
        Map<String, String> job = new LinkedHashMap<>(StreamUsersEnvironment.of(environment));
        job.put("RUN_ID", runId);
        return job;
    }

    private URI masterUri() {
        try {
            URI master = URI.create(sparkMasterUrl);
            if ("spark".equals(master.getScheme()) && master.getHost() != null && master.getPort() >= 0) {
                return master;
            }
        } catch (IllegalArgumentException notAUri) {
            // refused below
        }
        throw BadOptionValue.mustBe("SPARK_MASTER_URL", "spark://host:port", sparkMasterUrl);
    }

    /** SPARK_MASTER_UI_URL, or port 8080 of the master's host. */
    private String masterUiUrl(URI master) {
        if (sparkMasterUiUrl.isBlank()) {
            return "http://" + master.getHost() + ":" + MASTER_UI_PORT;
        }
        try {
            URI ui = URI.create(sparkMasterUiUrl);
            if (("http".equals(ui.getScheme()) || "https".equals(ui.getScheme())) && ui.getHost() != null) {
                return sparkMasterUiUrl;
            }
        } catch (IllegalArgumentException notAUri) {
            // refused below
        }
        throw BadOptionValue.mustBe("SPARK_MASTER_UI_URL", "http://host:port", sparkMasterUiUrl);
    }

    /** SPARK_CONF's settings, in their order. */
    private Map<String, String> extraSparkConf() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : sparkConf) {
            if (!setting.isBlank()) {
                String[] keyValue = setting.split("=", 2);
                if (keyValue.length != 2 || !keyValue[0].strip().startsWith("spark.")) {
                    throw BadOptionValue.mustBe("SPARK_CONF", "comma-separated spark.key=value settings", setting);
                }
                settings.put(keyValue[0].strip(), keyValue[1].strip());
            }
        }
        return settings;
    }

    /** A clear error in seconds, rather than the driver's minute of "All masters are unresponsive". */
    private void checkMasterReachable(URI master) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(master.getHost(), master.getPort()), (int)
                    Duration.ofSeconds(masterConnectTimeoutSeconds).toMillis());
        } catch (Exception e) {
            throw new TaskFailure(
                    "Spark master " + sparkMasterUrl + " unreachable within " + masterConnectTimeoutSeconds + " s: "
                            + e.getMessage(),
                    e);
        }
    }
}
