package io.github.userspipeline.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The lines of the stream-users job that submit-spark reads in its driver's output: defined once,
 * for the job that prints them and the task that reads them.
 */
public final class StreamUsersOutput {

    /** The job's command name, which {@link TaskMain} puts in front of its one-line failure reason. */
    public static final String COMMAND = "stream-users";

    /** Precedes the job's JSON summary; printed only once the job has succeeded. */
    public static final String SUMMARY_MARKER = "STREAM_USERS_SUMMARY ";

    /** Precedes the job's one-line reason when it fails. */
    public static final String FAILURE_MARKER = COMMAND + TaskMain.FAILED;

    private StreamUsersOutput() {}

    /** The line that gives {@code summary} (any value {@link TaskMain#JSON} writes) as the job's summary. */
    public static String summaryLine(Object summary) throws JsonProcessingException {
        return SUMMARY_MARKER + TaskMain.JSON.writeValueAsString(summary);
    }

    /**
     * The summary that a line of the driver's output gives, whatever a logger put in front of it;
     * empty for any other line.
     *
     * @throws JsonProcessingException when the line has the marker but no JSON after it
     */
    public static Optional<JsonNode> summaryIn(String line) throws JsonProcessingException {
        int marker = line.indexOf(SUMMARY_MARKER);
        return marker < 0
                ? Optional.empty()
                : Optional.of(TaskMain.JSON.readTree(line.substring(marker + SUMMARY_MARKER.length())));
    }
}
