package io.github.userspipeline.task;

/**
 * A failure the task explains itself: its message is the one-line reason, and the summary
 * (when given) is still printed so the DAG and the operator see the figures of the failed run.
 */
public class TaskFailure extends RuntimeException {

    private final transient Object summary;

    public TaskFailure(String reason) {
        this(reason, null, null);
    }

    public TaskFailure(String reason, Throwable cause) {
        this(reason, null, cause);
    }

    public TaskFailure(String reason, Object summary, Throwable cause) {
        super(reason, cause);
        this.summary = summary;
    }

    public Object summary() {
        return summary;
    }
}
