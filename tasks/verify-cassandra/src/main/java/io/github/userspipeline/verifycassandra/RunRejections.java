package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.Tally;
import io.github.userspipeline.task.contract.UserRules;

/**
 * Reads one run's rejected records from rejected_users ({@link RunPartitions}) and counts them by
 * their reason's kind ({@link UserRules#kindOf}): the tally's total is the run's rejected count.
 */
final class RunRejections {

    /** The kind of a row without a reason (the job always writes one). */
    static final String NO_REASON = "no reason";

    private final RunPartitions reasons;

    RunRejections(CqlSession session, TableMetadata table) {
        this.reasons = new RunPartitions(session, table, "reason");
    }

    Tally read(String runId) throws InterruptedException {
        Tally kinds = new Tally();
        reasons.read(runId, bucket -> row -> {
            String reason = row.getString(0);
            kinds.add(reason == null ? NO_REASON : UserRules.kindOf(reason));
        });
        return kinds;
    }
}
