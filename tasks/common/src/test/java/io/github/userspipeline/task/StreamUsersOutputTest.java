package io.github.userspipeline.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamUsersOutputTest {

    record Summary(long written, double firstBatchSeconds) {}

    @Test
    void aSummaryLineReadsBackBehindALoggersPrefix() throws JsonProcessingException {
        String line = "INFO stream-users: " + StreamUsersOutput.summaryLine(new Summary(1000, 6.5));

        assertThat(StreamUsersOutput.summaryIn(line).orElseThrow())
                .hasToString("{\"written\":1000,\"first_batch_seconds\":6.5}");
    }

    @Test
    void anyOtherLineGivesNoSummary() throws JsonProcessingException {
        assertThat(StreamUsersOutput.summaryIn("26/12/07 11:20:01 INFO SparkContext: Running Spark version 3.5.7"))
                .isEmpty();
        assertThat(StreamUsersOutput.summaryIn(StreamUsersOutput.summaryLine(Map.of("floor_seconds", 7.2)))
                        .orElseThrow()
                        .path("floor_seconds")
                        .asDouble())
                .isEqualTo(7.2);
    }

    @Test
    void theMarkerWithoutJsonIsAnError() {
        assertThatThrownBy(() -> StreamUsersOutput.summaryIn(StreamUsersOutput.SUMMARY_MARKER + "{\"written\":"))
                .isInstanceOf(JsonProcessingException.class);
    }
}
