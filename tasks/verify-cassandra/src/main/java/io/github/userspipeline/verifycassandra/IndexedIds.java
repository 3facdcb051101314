package io.github.userspipeline.verifycassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.github.userspipeline.task.contract.StorageLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/** Reads one run's user ids from users_by_run, bucket partition by bucket partition ({@link RunPartitions}). */
final class IndexedIds {

    private final RunPartitions ids;

    IndexedIds(CqlSession session, TableMetadata table) {
        this.ids = new RunPartitions(session, table, "id");
    }

    List<UUID> read(String runId) throws InterruptedException {
        // One list per bucket: each is filled by one bucket's pages, one after another.
        List<List<UUID>> buckets = IntStream.range(0, StorageLayout.BUCKETS)
                .mapToObj(bucket -> (List<UUID>) new ArrayList<UUID>())
                .toList();
        ids.read(runId, bucket -> row -> buckets.get(bucket).add(row.getUuid(0)));
        return buckets.stream().flatMap(List::stream).toList();
    }
}
