package io.github.userspipeline.verifycassandra;

import io.github.userspipeline.task.Tally;
import io.github.userspipeline.task.contract.UserRules;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The run's users as the Users report charts them, counted from their created_users rows (those
 * whose {@code run_id} is the run's). Every map sums to {@code users}, and is capped as
 * {@link Tally#capped()} caps it, except {@code coordinates}: the map keeps every cell. Keys: {@code age_at_registration} the lower bound of a
 * {@code age_bin_years} bin of whole years between birth and registration (negative when the
 * registration is the earlier); {@code registered_year} the UTC year; {@code coordinates}
 * "lat,lon", the south-west corner of a {@code coordinate_cell_degrees} cell. A value missing from
 * a row counts under {@link #MISSING} (the job rejects such users: only rows written otherwise).
 */
public record RunProfile(
        long users,
        Map<String, Long> gender,
        Map<String, Long> nationality,
        int ageBinYears,
        Map<String, Long> ageAtRegistration,
        Map<String, Long> registeredYear,
        int coordinateCellDegrees,
        Map<String, Long> coordinates) {

    static final int AGE_BIN_YEARS = 10;
    static final int COORDINATE_CELL_DEGREES = 30;
    static final String MISSING = "missing";
    /** The cells of the grid, and one key for rows without coordinates. */
    static final int COORDINATE_KEYS = (2 * UserRules.LATITUDE_LIMIT / COORDINATE_CELL_DEGREES)
                    * (2 * UserRules.LONGITUDE_LIMIT / COORDINATE_CELL_DEGREES)
            + 1;

    /** Counts users as they are read, from any number of driver threads at once. */
    static final class Accumulator {

        private final LongAdder users = new LongAdder();
        private final Tally gender = new Tally();
        private final Tally nationality = new Tally();
        private final Tally ageAtRegistration = new Tally();
        private final Tally registeredYear = new Tally();
        private final Tally coordinates = new Tally();

        void add(
                String gender, String nationality, Instant dob, Instant registered, Double latitude, Double longitude) {
            users.increment();
            this.gender.add(gender == null ? MISSING : gender);
            this.nationality.add(nationality == null ? MISSING : nationality);
            ageAtRegistration.add(dob == null || registered == null ? MISSING : ageBin(dob, registered));
            registeredYear.add(registered == null ? MISSING : registeredYear(registered));
            coordinates.add(latitude == null || longitude == null ? MISSING : cell(latitude, longitude));
        }

        /** Once every row is added. */
        RunProfile profile() {
            return new RunProfile(
                    users.sum(),
                    gender.capped(),
                    nationality.capped(),
                    AGE_BIN_YEARS,
                    ageAtRegistration.capped(),
                    registeredYear.capped(),
                    COORDINATE_CELL_DEGREES,
                    coordinates.capped(COORDINATE_KEYS));
        }
    }

    /** The bin of the whole years (cut toward zero) from {@code dob} to {@code registered}, by its lower bound. */
    static String ageBin(Instant dob, Instant registered) {
        long years = ChronoUnit.YEARS.between(dob.atOffset(ZoneOffset.UTC), registered.atOffset(ZoneOffset.UTC));
        return String.valueOf(Math.floorDiv(years, AGE_BIN_YEARS) * AGE_BIN_YEARS);
    }

    static String registeredYear(Instant registered) {
        return String.valueOf(registered.atOffset(ZoneOffset.UTC).getYear());
    }

    /** "lat,lon" of the cell's south-west corner. */
    static String cell(double latitude, double longitude) {
        return corner(latitude, UserRules.LATITUDE_LIMIT) + "," + corner(longitude, UserRules.LONGITUDE_LIMIT);
    }

    /** The cell's lower edge; the limit itself (latitude 90, longitude 180) is in the last cell below it. */
    private static long corner(double degrees, int limit) {
        long corner = (long) Math.floor(degrees / COORDINATE_CELL_DEGREES) * COORDINATE_CELL_DEGREES;
        return Math.max(-limit, Math.min(limit - COORDINATE_CELL_DEGREES, corner));
    }
}
