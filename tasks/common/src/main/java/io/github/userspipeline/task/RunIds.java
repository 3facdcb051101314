package io.github.userspipeline.task;

import java.util.regex.Pattern;

/**
 * What a run id may be, for every task: Airflow 3's own rule ({@code [scheduler]
 * allowed_run_id_pattern} {@code ^[A-Za-z0-9_.~:+-]+$}, at most 250 characters like its run_id
 * column). A run id is part of Cassandra partition keys, so it must stay far below their 64 KB.
 */
public final class RunIds {

    public static final int MAX_LENGTH = 250;

    /** The whole value, anchored with \A and \z ({@code $} would let a trailing newline through). */
    public static final String PATTERN = "\\A[A-Za-z0-9_.~:+-]{1," + MAX_LENGTH + "}\\z";

    /** The rule in words, for reasons. */
    public static final String RULE = "1-" + MAX_LENGTH + " characters of A-Z a-z 0-9 _ . ~ : + -";

    private static final Pattern RUN_ID = Pattern.compile(PATTERN);

    private RunIds() {}

    public static boolean isValid(String runId) {
        return runId != null && RUN_ID.matcher(runId).matches();
    }

    /** {@code runId} if valid, or a refusal naming the environment variable. */
    public static String require(String variable, String runId) {
        if (!isValid(runId)) {
            throw BadOptionValue.mustBe(variable, RULE, runId);
        }
        return runId;
    }
}
