package io.github.userspipeline.task;

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
}
