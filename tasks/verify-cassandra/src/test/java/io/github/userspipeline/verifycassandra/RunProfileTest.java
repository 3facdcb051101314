package io.github.userspipeline.verifycassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.task.Tally;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunProfileTest {

    @Test
    void ageBinsCountWholeYearsAndGoNegativeBeforeBirth() {
        assertThat(RunProfile.ageBin(Instant.parse("1990-06-15T00:00:00Z"), Instant.parse("2000-06-14T23:59:59Z")))
                .as("9 whole years")
                .isEqualTo("0");
        assertThat(RunProfile.ageBin(Instant.parse("1990-06-15T00:00:00Z"), Instant.parse("2000-06-15T00:00:00Z")))
                .isEqualTo("10");
        assertThat(RunProfile.ageBin(Instant.parse("2010-01-01T00:00:00Z"), Instant.parse("2000-01-01T00:00:00Z")))
                .isEqualTo("-10");
        assertThat(RunProfile.ageBin(Instant.parse("2010-01-01T00:00:00Z"), Instant.parse("1989-06-01T00:00:00Z")))
                .as("-20 whole years (20.6 before birth)")
                .isEqualTo("-20");
    }

    @Test
    void cellsAreNamedByTheirSouthWestCornerAndTheLimitsStayInside() {
        assertThat(RunProfile.cell(90, 180)).isEqualTo("60,150");
        assertThat(RunProfile.cell(-90, -180)).isEqualTo("-90,-180");
        assertThat(RunProfile.cell(-0.0001, 29.9999)).isEqualTo("-30,0");
        assertThat(RunProfile.cell(30, -150)).isEqualTo("30,-150");
    }

    @Test
    void theRegisteredYearIsUtcs() {
        assertThat(RunProfile.registeredYear(Instant.parse("2004-12-31T23:30:00Z")))
                .isEqualTo("2004");
        assertThat(RunProfile.registeredYear(Instant.parse("2004-12-31T23:30:00-01:00")))
                .isEqualTo("2005");
    }

    @Test
    void everyMapSumsToTheUsersEvenWithMissingValues() {
        RunProfile.Accumulator accumulator = new RunProfile.Accumulator();
        accumulator.add("female", "AU", Instant.parse("1990-01-01T00:00:00Z"), null, 10.0, null);
        accumulator.add(null, "AU", null, Instant.parse("2010-01-01T00:00:00Z"), 10.0, 10.0);

        RunProfile profile = accumulator.profile();

        assertThat(profile.users()).isEqualTo(2);
        assertThat(profile.gender()).isEqualTo(Map.of("female", 1L, RunProfile.MISSING, 1L));
        assertThat(profile.nationality()).isEqualTo(Map.of("AU", 2L));
        assertThat(profile.ageAtRegistration()).isEqualTo(Map.of(RunProfile.MISSING, 2L));
        assertThat(profile.registeredYear()).isEqualTo(Map.of("2010", 1L, RunProfile.MISSING, 1L));
        assertThat(profile.coordinates()).isEqualTo(Map.of("0,0", 1L, RunProfile.MISSING, 1L));
    }

    @Test
    void theMapKeepsEveryCellOfTheGridBeyondTheCapOfTheOtherMaps() {
        RunProfile.Accumulator accumulator = new RunProfile.Accumulator();
        for (int latitude = -90; latitude < 90; latitude += RunProfile.COORDINATE_CELL_DEGREES) {
            for (int longitude = -180; longitude < 180; longitude += RunProfile.COORDINATE_CELL_DEGREES) {
                accumulator.add("female", "AU", null, null, latitude + 1.0, longitude + 1.0);
            }
        }
        accumulator.add("female", "AU", null, null, null, null);

        Map<String, Long> coordinates = accumulator.profile().coordinates();

        assertThat(coordinates).hasSize(6 * 12 + 1).containsEntry("60,150", 1L).containsEntry(RunProfile.MISSING, 1L);
        assertThat(coordinates).doesNotContainKey(Tally.OTHER);
    }
}
