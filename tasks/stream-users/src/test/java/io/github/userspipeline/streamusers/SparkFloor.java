package io.github.userspipeline.streamusers;

import io.github.userspipeline.task.Elapsed;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The floor of {@code spark_first_batch_seconds}: the least a Spark application on the cluster
 * can do with the topic: start a session, read one Kafka record, stop. Submitted by
 * {@link SparkStartupBenchmark} as the job is; prints {@code SPARK_FLOOR <seconds>}, from
 * spark-submit's start (the driver's process: spark-submit execs into it) to the record in hand.
 *
 * <p>Usage: {@code spark-submit --class …SparkFloor floor.jar BOOTSTRAP_SERVERS TOPIC}.
 */
public final class SparkFloor {

    static final String MARKER = "SPARK_FLOOR ";

    private SparkFloor() {}

    public static void main(String[] args) {
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
            System.out.println(MARKER + Elapsed.secondsSince(Elapsed.processStarted()));
        } finally {
            spark.stop();
        }
    }
}
