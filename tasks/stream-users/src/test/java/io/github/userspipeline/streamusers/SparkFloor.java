package io.github.userspipeline.streamusers;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.userspipeline.task.Elapsed;
import io.github.userspipeline.task.StreamUsersOutput;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The floor of the job's start-up: the least a Spark application on the cluster can do with the
 * topic: start a session, read one Kafka record, stop. Packaged alone as the module's
 * {@code spark-floor} jar, its Kafka source taken from the job's jar. Submitted as the job is:
 * by spark-submit in {@link SparkStartupBenchmark}, and by the submit-spark image in the compose
 * stack's benchmark (tests/stack/bench_dag_run.py). Prints a job summary, as submit-spark requires,
 * whose {@code floor_seconds} run from spark-submit's start (the driver's process: spark-submit
 * execs into it) to the record in hand.
 *
 * <p>Usage: {@code spark-submit --class …SparkFloor --jars stream-users.jar stream-users-spark-floor.jar
 * BOOTSTRAP_SERVERS TOPIC}.
 */
public final class SparkFloor {

    private SparkFloor() {}

    public static void main(String[] args) throws JsonProcessingException {
        SparkSession spark = SparkSession.builder().appName("spark-floor").getOrCreate();
        try {
            Row[] record = (Row[]) spark.read()
                    .format("kafka")
                    .option("kafka.bootstrap.servers", args[0])
                    .option("subscribe", args[1])
                    .load()
                    .limit(1)
                    .collect();
            if (record.length != 1) {
                throw new IllegalStateException("topic " + args[1] + " holds no record");
            }
            System.out.println(StreamUsersOutput.summaryLine(
                    Map.of("floor_seconds", Elapsed.secondsSince(Elapsed.processStarted()))));
        } finally {
            spark.stop();
        }
    }
}
