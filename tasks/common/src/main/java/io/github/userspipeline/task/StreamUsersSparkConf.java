package io.github.userspipeline.task;

import java.util.Map;

/**
 * The spark.* settings the stream-users job is submitted with, whoever submits it: submit-spark in
 * production, spark-submit in the job's own tests and benchmarks. Defined once, so the benchmarks
 * measure the job as it runs; submit-spark's SPARK_CONF overrides any of them.
 */
public final class StreamUsersSparkConf {

    /**
     * G1 settings for the job's driver and executor JVMs. G1 grows the heap whenever collections take
     * more than 1/13 of the time (GCTimeRatio=12), so the executor's heap followed the run's length,
     * not what it keeps: a 1,000,000-user run grew it to 600-700 MiB to hold 130 MiB after a
     * collection, while the rest of the process stayed at 280 MiB (ScaleBenchmark, with Native Memory
     * Tracking). Allowing 1/5 (GCTimeRatio=4), and marking the old generation from a fixed 35 % of the
     * heap instead of G1's adaptive guess (first reached 81 s into an 86 s run), keeps the heap near
     * what the batches need.
     */
    public static final String G1_FOOTPRINT =
            "-XX:GCTimeRatio=4 -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=35";

    /** The executor JVM's options: named, so that a benchmark can add to them. */
    public static final String EXECUTOR_JAVA_OPTIONS = "spark.executor.extraJavaOptions";

    public static final Map<String, String> DEFAULTS = Map.of(
            // Nobody reaches the driver's web UI (the driver's container publishes no port), and
            // starting its Jetty server is part of the time before the first batch.
            "spark.ui.enabled",
            "false",
            // HotSpot compiles no method above 8,000 bytes of bytecode (-XX:+DontCompileHugeMethods), and the
            // classification's whole-stage generated method is about 12,800 bytes (RecordClassifier): it
            // would run interpreted for every row. The job's plan is one stage, so whole-stage code would
            // never run: Spark runs the operators one by one, each a generated class of small methods.
            // Before, Spark generated and compiled the whole stage (1 s of the driver's time before a
            // run's first batch) only to drop it for being above spark.sql.codegen.hugeMethodLimit.
            "spark.sql.codegen.wholeStage",
            "false",
            "spark.driver.extraJavaOptions",
            G1_FOOTPRINT,
            EXECUTOR_JAVA_OPTIONS,
            G1_FOOTPRINT);

    private StreamUsersSparkConf() {}

    /**
     * The application's name on the master, the run's own: submit-spark finds an earlier try's
     * application of the run by it, and the master's UI shows which run an application is.
     */
    public static String applicationName(String runId) {
        return (StreamUsersOutput.COMMAND + " " + runId).strip();
    }
}
