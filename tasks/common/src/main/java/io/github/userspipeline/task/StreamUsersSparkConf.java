package io.github.userspipeline.task;

import java.util.Map;

/**
 * The spark.* settings the stream-users job is submitted with, whoever submits it: submit-spark in
 * production, spark-submit in the job's own tests and benchmarks. Defined once, so the benchmarks
 * measure the job as it runs; submit-spark's SPARK_CONF overrides any of them.
 */
public final class StreamUsersSparkConf {

    public static final Map<String, String> DEFAULTS = Map.of(
            // Nobody reaches the driver's web UI (the driver's container publishes no port), and
            // starting its Jetty server is part of the time before the first batch.
            "spark.ui.enabled",
            "false",
            // HotSpot compiles no method above 8,000 bytes of bytecode (-XX:+DontCompileHugeMethods): a
            // whole-stage generated method above it would run interpreted for every row. Above this limit
            // Spark runs the stage's operators one by one instead, each with its own generated class
            // split into small methods. Spark's default is 65,535, the JVM's own limit; the
            // classification's stage is one method of about 12,800 bytes (RecordClassifier).
            "spark.sql.codegen.hugeMethodLimit",
            "8000");

    private StreamUsersSparkConf() {}

    /**
     * The application's name on the master, the run's own: submit-spark finds an earlier try's
     * application of the run by it, and the master's UI shows which run an application is.
     */
    public static String applicationName(String runId) {
        return (StreamUsersOutput.COMMAND + " " + runId).strip();
    }
}
