package io.github.userspipeline.fetchusers;

/**
 * One user as it travels on {@code users_created}: the record contract (README, "Record
 * contract"). Serialized with snake_case names, e.g. {@code firstName} → {@code first_name}.
 */
public record UserRecord(
        String id,
        String firstName,
        String lastName,
        String gender,
        String address,
        String postCode,
        String email,
        String username,
        String dob,
        String registeredDate,
        String phone,
        String picture,
        String nationality,
        double latitude,
        double longitude,
        String runId,
        String fetchedAt) {
}
