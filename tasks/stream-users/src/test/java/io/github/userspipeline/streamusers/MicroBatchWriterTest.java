package io.github.userspipeline.streamusers;

import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class MicroBatchWriterTest {

    private final SparkSession spark = LocalSpark.session();

    @Test
    void aBatchOfMoreKafkaPartitionsThanCoresRunsInOneTaskPerCoreWithEachPartitionWhole() {
        // Three Kafka partitions, as the stack's topic has, on local[2]'s two cores.
        Dataset<Row> batch = spark.range(0, 300, 1, 3).withColumn("partition", spark_partition_id());

        Dataset<Row> tasks = MicroBatchWriter.oneTaskPerCore(batch);

        assertThat(tasks.rdd().getNumPartitions())
                .isEqualTo(spark.sparkContext().defaultParallelism())
                .isEqualTo(2);
        assertThat(tasks.withColumn("task", spark_partition_id())
                        .groupBy("partition")
                        .agg(countDistinct("task"))
                        .collectAsList())
                .as("each Kafka partition in one task, so a user's copies stay together")
                .hasSize(3)
                .allSatisfy(tasksOfPartition ->
                        assertThat(tasksOfPartition.getLong(1)).isEqualTo(1));
        assertThat(tasks.count()).isEqualTo(300);
    }

    @Test
    void aBatchOfNoMoreKafkaPartitionsThanCoresKeepsOneTaskPerPartition() {
        Dataset<Row> batch = spark.range(0, 300, 1, 1).toDF();

        assertThat(MicroBatchWriter.oneTaskPerCore(batch).rdd().getNumPartitions())
                .isEqualTo(1);
    }
}
