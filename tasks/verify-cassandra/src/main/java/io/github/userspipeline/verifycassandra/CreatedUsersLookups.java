package io.github.userspipeline.verifycassandra;

import static java.util.stream.Collectors.groupingBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import io.github.userspipeline.task.BoundedInFlight;
import io.github.userspipeline.task.CassandraSessions;
import io.github.userspipeline.task.TaskFailure;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * {@link CreatedUsersCheck}'s look-ups: ids go {@value #IDS_PER_QUERY} to a {@code SELECT … WHERE
 * id IN ?}, each list made of ids that share their replicas and sent to them (token-aware): a
 * fraction of the requests of one point read per id, and no coordinator fetching rows from other
 * nodes. Each id is still a partition read in Cassandra, so the cost grows with the run, never with
 * the table.
 */
final class CreatedUsersLookups {

    /** Ids per IN list: large enough to save requests, far below a page (so one page answers it). */
    static final int IDS_PER_QUERY = 100;
    /** IN lists in flight: enough to keep the replicas' read stages busy. */
    static final int QUERIES_IN_FLIGHT = 16;

    private final CqlSession session;
    private final TableMetadata table;
    private final PreparedStatement select;

    CreatedUsersLookups(CqlSession session, TableMetadata table) {
        this.session = session;
        this.table = table;
        this.select = session.prepare("SELECT " + CreatedUsersCheck.COLUMNS + " FROM "
                + CassandraSessions.qualifiedName(table) + " WHERE id IN ?");
    }

    /** Adds the rows of {@code ids} to {@code rows}, and each id without a row as missing. */
    void check(String runId, Collection<UUID> ids, CreatedUsersCheck.RunRows rows) throws InterruptedException {
        BoundedInFlight inFlight = new BoundedInFlight(QUERIES_IN_FLIGHT);
        try {
            for (List<UUID> sameReplicas : byReplicas(ids)) {
                for (int from = 0; from < sameReplicas.size(); from += IDS_PER_QUERY) {
                    List<UUID> list = sameReplicas.subList(from, Math.min(from + IDS_PER_QUERY, sameReplicas.size()));
                    inFlight.submit(() -> ReadRetries.executeAsync(
                                    session, select.bind(list).setRoutingKey(routingKey(list.get(0))))
                            .thenAccept(page -> {
                                Set<UUID> stored = new HashSet<>();
                                for (Row row : page.currentPage()) {
                                    stored.add(rows.add(row));
                                }
                                list.stream().filter(id -> !stored.contains(id)).forEach(rows::missing);
                            }));
                }
            }
            inFlight.awaitAll();
        } catch (ExecutionException e) {
            throw new TaskFailure(
                    "looking up run " + runId + "'s users in " + CassandraSessions.qualifiedName(table) + " failed",
                    e.getCause());
        }
    }

    /** The ids grouped by the nodes that hold them; one group when the driver has no token map. */
    private Collection<List<UUID>> byReplicas(Collection<UUID> ids) {
        Optional<TokenMap> tokenMap = session.getMetadata().getTokenMap();
        if (tokenMap.isEmpty()) {
            return List.of(new ArrayList<>(ids));
        }
        Map<Set<Node>, List<UUID>> groups =
                ids.stream().collect(groupingBy(id -> tokenMap.get().getReplicas(table.getKeyspace(), routingKey(id))));
        return groups.values();
    }

    private static ByteBuffer routingKey(UUID id) {
        return TypeCodecs.UUID.encode(id, ProtocolVersion.DEFAULT);
    }
}
