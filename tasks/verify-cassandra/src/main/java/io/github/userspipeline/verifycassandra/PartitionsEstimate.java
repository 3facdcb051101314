package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's partitions as Cassandra estimates them: {@code partitions_count} of {@code
 * system.size_estimates}, summed over its token ranges and over the nodes the driver is connected
 * to. Each node records the ranges it is the primary replica of, so the nodes' sums add up to the
 * table once (a node down leaves its share out). Empty when no node has an estimate or none could
 * be read: the estimate only steers a choice, it never fails the task.
 */
final class PartitionsEstimate {

    private static final Logger log = LoggerFactory.getLogger(PartitionsEstimate.class);

    private PartitionsEstimate() {}

    static OptionalLong of(CqlSession session, TableMetadata table) {
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
}
