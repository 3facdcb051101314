package io.github.userspipeline.fetchusers;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Maps one randomuser.me result to the flat {@link UserRecord}, or explains why it cannot:
 * every problem is named, so the dead-letter record says exactly what was wrong.
 */
final class UserMapper {

    /** What the mapping gave: a record, or the reasons and the (password-free) raw user. */
    sealed interface Mapped permits Valid, Rejected {
    }

    record Valid(UserRecord user) implements Mapped {
    }

    record Rejected(String id, String reason, JsonNode raw) implements Mapped {
    }

    /** The top-level fields the pipeline keeps: the API's {@code inc=} parameter. */
    static final String INCLUDED_FIELDS = "gender,name,location,email,login,dob,registered,phone,picture,nat";

    static final Set<String> GENDERS = Set.of("male", "female");
    private static final Set<String> SECRETS = Set.of("password", "salt", "md5", "sha1", "sha256");
    private static final Pattern UUID = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    /** Compiled once: parsing a pointer per field per user costs more than the lookup itself. */
    private static final Map<String, JsonPointer> POINTERS = new ConcurrentHashMap<>();

    private UserMapper() {
    }

    static Mapped map(JsonNode raw, String runId, Instant fetchedAt) {
        // `inc` works on top-level fields only: login still carries fake passwords and hashes.
        if (raw.path("login") instanceof ObjectNode login) {
            login.remove(SECRETS);
        }
        List<String> problems = new ArrayList<>();
        String id = text(raw, "/login/uuid");
        if (id == null || !UUID.matcher(id).matches()) {
            problems.add("login.uuid is not a UUID: " + id);
        }
        String gender = text(raw, "/gender");
        if (!GENDERS.contains(gender)) {
            problems.add("unknown gender: " + gender);
        }
        String email = text(raw, "/email");
        if (email == null || !EMAIL.matcher(email).matches()) {
            problems.add("email is not an address: " + email);
        }
        String dob = instant(raw, "/dob/date", problems);
        String registered = instant(raw, "/registered/date", problems);
        double latitude = coordinate(raw, "/location/coordinates/latitude", 90, problems);
        double longitude = coordinate(raw, "/location/coordinates/longitude", 180, problems);
        String firstName = required(raw, "/name/first", problems);
        String lastName = required(raw, "/name/last", problems);
        String streetNumber = required(raw, "/location/street/number", problems);
        String street = required(raw, "/location/street/name", problems);
        String city = required(raw, "/location/city", problems);
        String state = required(raw, "/location/state", problems);
        String country = required(raw, "/location/country", problems);
        // An integer for most nationalities, text for CA, GB, NL, NO: always kept as text.
        String postCode = required(raw, "/location/postcode", problems);
        String username = required(raw, "/login/username", problems);
        String phone = required(raw, "/phone", problems);
        String picture = required(raw, "/picture/medium", problems);
        String nationality = required(raw, "/nat", problems);

        if (!problems.isEmpty()) {
            return new Rejected(id, String.join("; ", problems), raw);
        }
        String address = streetNumber + " " + street + ", " + city + ", " + state + ", " + country;
        return new Valid(new UserRecord(id.toLowerCase(java.util.Locale.ROOT), firstName, lastName, gender, address, postCode, email,
                username, dob, registered, phone, picture, nationality, latitude, longitude, runId,
                fetchedAt.toString()));
    }

    private static String text(JsonNode raw, String pointer) {
        JsonNode node = raw.at(POINTERS.computeIfAbsent(pointer, JsonPointer::compile));
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    private static String required(JsonNode raw, String pointer, List<String> problems) {
        String value = text(raw, pointer);
        if (value == null || value.isBlank()) {
            problems.add(field(pointer) + " is missing");
        }
        return value;
    }

    private static String instant(JsonNode raw, String pointer, List<String> problems) {
        String value = text(raw, pointer);
        try {
            Instant.parse(value == null ? "" : value);
        } catch (DateTimeParseException e) {
            problems.add(field(pointer) + " is not an ISO-8601 instant: " + value);
        }
        return value;
    }

    private static double coordinate(JsonNode raw, String pointer, double limit, List<String> problems) {
        String value = text(raw, pointer);
        try {
            double parsed = Double.parseDouble(value == null ? "" : value);
            if (Math.abs(parsed) <= limit) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(field(pointer) + " is not a number within ±" + (int) limit + ": " + value);
        return Double.NaN;
    }

    /** "/location/coordinates/latitude" → "location.coordinates.latitude". */
    private static String field(String pointer) {
        return pointer.substring(1).replace('/', '.');
    }
}
