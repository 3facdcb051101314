package io.github.userspipeline.verifycassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.verifycassandra.CreatedUsersCheck.Way;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The choice between the look-ups and the scan, by the run's share of the table's estimate. */
class CreatedUsersCheckTest {

    @Test
    void looksUpWithoutAnEstimate() {
        CreatedUsersCheck.Choice choice = CreatedUsersCheck.choose(100_000, OptionalLong.empty());

        assertThat(choice.way()).isEqualTo(Way.LOOKUPS);
        assertThat(choice.reason()).startsWith("no size estimate of the table");
    }

    @Test
    void looksUpWhenTheEstimateIsZero() {
        assertThat(CreatedUsersCheck.choose(100_000, OptionalLong.of(0)).way()).isEqualTo(Way.LOOKUPS);
    }

    @Test
    void scansFromTheThresholdShareOfTheTable() {
        long partitions = 10_000_000;
        long atThreshold = (long) Math.ceil(CreatedUsersCheck.SCAN_FROM_RUN_SHARE * partitions);

        assertThat(CreatedUsersCheck.choose(atThreshold - 1, OptionalLong.of(partitions))
                        .way())
                .isEqualTo(Way.LOOKUPS);
        CreatedUsersCheck.Choice scan = CreatedUsersCheck.choose(atThreshold, OptionalLong.of(partitions));
        assertThat(scan.way()).isEqualTo(Way.SCAN);
        assertThat(scan.reason()).contains(atThreshold + " ids are ").contains("~" + partitions + " estimated");
    }

    @Test
    void scansARunLargerThanTheEstimate() {
        // Estimates lag behind the writes: a table of one fresh run can be estimated below it.
        assertThat(CreatedUsersCheck.choose(1000, OptionalLong.of(10)).way()).isEqualTo(Way.SCAN);
    }
}
