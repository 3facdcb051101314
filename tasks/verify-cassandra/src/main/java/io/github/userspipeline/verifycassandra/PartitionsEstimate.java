package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.TaskFailure;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's partitions as Cassandra estimates them: {@code partitions_count} of {@code
 * system.size_estimates}, summed over its token ranges and over the nodes the driver is connected
 * to. Each node records the ranges it is the primary replica of, so the nodes' sums add up to the
 * table once (a node down leaves its share out). A node records its estimates from flushed data 30 s
 * after it starts and then every 5 minutes, so a young node (or a table not flushed yet) has none:
 * then the rows of one {@value #SAMPLE_SPLITS}th of the token ring are counted and scaled up (tokens
 * are uniform, and the table has a row per partition), which costs a sixty-fourth of a full count.
 * Empty when neither could be read: the estimate only steers a choice, it never fails the task.
 */
final class PartitionsEstimate {

    /** The ring's share that a sample counts: {@link FullTableCount}'s split, one range of it. */
    static final int SAMPLE_SPLITS = FullTableCount.DEFAULT_SPLITS;

    private static final Logger log = LoggerFactory.getLogger(PartitionsEstimate.class);

    private PartitionsEstimate() {}

    static OptionalLong of(CqlSession session, TableMetadata table) {
        OptionalLong recorded = recorded(session, table);
        return recorded.isPresent() && recorded.getAsLong() > 0 ? recorded : sampled(session, table);
    }

    private static OptionalLong recorded(CqlSession session, TableMetadata table) {
        long partitions = 0;
        boolean recorded = false;
        for (Node node : session.getMetadata().getNodes().values()) {
            if (node.getState() != NodeState.UP || node.getDistance() == NodeDistance.IGNORED) {
                continue;
            }
            SimpleStatement select = SimpleStatement.newInstance(
                            "SELECT partitions_count FROM system.size_estimates WHERE keyspace_name = ? AND table_name = ?",
                            table.getKeyspace().asInternal(),
                            table.getName().asInternal())
                    .setNode(node);
            try {
                for (Row range : session.execute(select)) {
                    partitions += range.getLong(0);
                    recorded = true;
                }
            } catch (DriverException e) {
                log.warn("no size estimate of {} from {}: {}", table.getName(), node.getEndPoint(), e.getMessage());
            }
        }
        return recorded ? OptionalLong.of(partitions) : OptionalLong.empty();
    }

    private static OptionalLong sampled(CqlSession session, TableMetadata table) {
        TokenRanges.Range sample = TokenRanges.split(SAMPLE_SPLITS).get(0);
        try {
            long rows = new CountQuery(session, table, TokenRanges.where(table))
                    .sum(List.<Object[]>of(new Object[] {sample.start(), sample.end()}), 1);
            log.info(
                    "no size estimate of {} recorded yet: 1/{} of its token ring holds {} rows, ~{} in all",
                    table.getName(),
                    SAMPLE_SPLITS,
                    rows,
                    rows * SAMPLE_SPLITS);
            return OptionalLong.of(rows * SAMPLE_SPLITS);
        } catch (TaskFailure e) {
            log.warn("no size estimate of {}, and counting a sample failed: {}", table.getName(), e.getMessage());
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }
}
