package io.github.userspipeline.streamusers;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.spark.connector.cql.CassandraConnector;
import java.util.Collections;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readies the executors while the driver still plans the first micro-batch. On a fresh executor,
 * the first batch's tasks otherwise begin by fetching the job's jar, loading the Cassandra driver
 * and opening a session, then preparing the statements: seconds of a daily run's time
 * (docs/benchmarks.md). A job of one task per core, started without waiting for it, does that
 * work first; the connector keeps each executor's session, and the session its prepared
 * statements, for the batches ({@link CassandraWriteSettings#connector}).
 *
 * <p>Only time rides on it: a task that cannot reach Cassandra logs why and ends, and the batch
 * opens the session itself and fails with the reason.
 */
final class ExecutorWarmUp {

    private static final Logger log = LoggerFactory.getLogger(ExecutorWarmUp.class);

    private ExecutorWarmUp() {}

    static void start(SparkSession spark, CassandraWriteSettings settings) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CassandraConnector connector = settings.connector();
        context.setJobDescription("warm the executors up");
        context.parallelize(Collections.nCopies(context.defaultParallelism(), 0), context.defaultParallelism())
                .foreachPartitionAsync(ignored -> {
                    try (CqlSession session = connector.openSession()) {
                        new UserStatements(session, settings);
                    } catch (Exception e) { // the connector (Scala) throws IOException undeclared
                        log.warn(
                                "executor warm-up: no Cassandra session yet ({}); the batch opens its own",
                                e.toString());
                    }
                });
        context.setJobDescription(null);
    }
}
