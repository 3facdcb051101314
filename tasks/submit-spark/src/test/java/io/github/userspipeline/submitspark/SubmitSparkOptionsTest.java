package io.github.userspipeline.submitspark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.testsupport.InProcessTask;
import io.github.userspipeline.testsupport.TaskSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Option values refused before anything is submitted: exit 2 and the one-line reason. */
class SubmitSparkOptionsTest {

    /** Nobody listens there: a value that slipped through fails fast, with exit 1. */
    private static final List<String> VALID =
            List.of("--run-id=options-test", "--spark-master-url=spark://127.0.0.1:1");

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--spark-job-timeout-seconds=0                      | SPARK_JOB_TIMEOUT_SECONDS must be at least 1 s (there is no \"no timeout\"), got 0",
                "--spark-master-connect-timeout-seconds=0           | SPARK_MASTER_CONNECT_TIMEOUT_SECONDS must be at least 1 s (there is no \"no timeout\"), got 0",
                "--spark-master-url=local[2]                        | SPARK_MASTER_URL must be spark://host:port, got \"local[2]\"",
                "--spark-master-url=spark://127.0.0.1               | SPARK_MASTER_URL must be spark://host:port, got \"spark://127.0.0.1\"",
                "--spark-master-url=spark://spark master:7077       | SPARK_MASTER_URL must be spark://host:port, got \"spark://spark master:7077\"",
                "--spark-master-ui-url=spark-master:8080            | SPARK_MASTER_UI_URL must be http://host:port, got \"spark-master:8080\"",
                "--spark-conf=spark.ui.port                         | SPARK_CONF must be comma-separated spark.key=value settings, got \"spark.ui.port\"",
                "'--spark-conf=spark.ui.port=4041,ui.enabled=false' | SPARK_CONF must be comma-separated spark.key=value settings, got \"ui.enabled=false\"",
            })
    void refusesWithExitTwoAndTheReason(String option, String reason) {
        assertThat(InProcessTask.refusal(new SubmitSpark(), VALID, option)).isEqualTo("submit-spark failed: " + reason);
    }

    /**
     * Its own settings carry its prefix, the others are shared (SettingNames): no other task can read
     * one of its names with another meaning.
     */
    @Test
    void namesItsSettingsSoThatNoOtherTaskCanMeanAnotherThing() {
        assertThat(TaskSettings.outOfScheme(new SubmitSpark())).isEmpty();
    }

    @Test
    void forwardsToTheJobOnlyTheJobsVariables() {
        Map<String, String> environment = Map.of(
                "KAFKA_TOPIC",
                "users_created",
                "CASSANDRA_PASSWORD",
                "s3cret",
                "STREAM_TRIGGER",
                "processing-time",
                "RUN_ID",
                "from-the-environment",
                "SPARK_DRIVER_MEMORY",
                "2g",
                "RANDOMUSER_REQUEST_TIMEOUT_SECONDS",
                "5",
                "PATH",
                "/usr/bin");

        assertThat(SubmitSpark.jobEnvironment(environment, "run-1"))
                .containsOnly(
                        Map.entry("KAFKA_TOPIC", "users_created"), Map.entry("CASSANDRA_PASSWORD", "s3cret"),
                        Map.entry("STREAM_TRIGGER", "processing-time"), Map.entry("RUN_ID", "run-1"));
    }
}
