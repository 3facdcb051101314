package io.github.userspipeline.streamusers;

import java.io.Serializable;

/**
 * What the job reads and how it runs: the Kafka source, the trigger and the checkpoint.
 *
 * @param runId                the DAG run that submitted the job, for the summary and logs ("" when none)
 * @param maxOffsetsPerTrigger records read per micro-batch at most; 0 reads all that is available
 * @param trigger              available-now (process the backlog, then stop) or processing-time (run until stopped)
 * @param triggerInterval      how often processing-time mode starts a micro-batch, e.g. "30 seconds"
 */
public record QuerySettings(
        String runId,
        String kafkaBootstrapServers,
        String kafkaTopic,
        String startingOffsets,
        long maxOffsetsPerTrigger,
        Trigger trigger,
        String triggerInterval,
        String checkpointLocation)
        implements Serializable {

    public enum Trigger {
        AVAILABLE_NOW,
        PROCESSING_TIME
    }
}
