package io.github.userspipeline.streamusers;

import io.github.userspipeline.task.StreamUsersSparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * One local-mode SparkSession for every test of the JVM: starting Spark is the slow part, so the
 * tests share it (each runs its own streaming query on it), with the settings the job is submitted
 * with. Spark stops it when the JVM exits.
 */
final class LocalSpark {

    private static SparkSession session;

    private LocalSpark() {}

    static synchronized SparkSession session() {
        if (session == null) {
            SparkSession.Builder builder = SparkSession.builder();
            StreamUsersSparkConf.DEFAULTS.forEach(builder::config);
            session = builder.master("local[2]")
                    .appName("stream-users-tests")
                    // Loopback only: Spark would otherwise bind to the machine's first interface.
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
        }
        return session;
    }
}
