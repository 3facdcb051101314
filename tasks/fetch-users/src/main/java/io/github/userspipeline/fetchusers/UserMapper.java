package io.github.userspipeline.fetchusers;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.contract.UserRecord;
import io.github.userspipeline.task.contract.UserRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps one randomuser.me result to the flat {@link UserRecord}, or explains why it cannot:
 * every problem is named ({@link UserRules}' reasons, with the API's field paths), so the
 * dead-letter record says exactly what was wrong.
 */
final class UserMapper {

    /** What the mapping gave: a record, or the reasons and the (password-free) raw user. */
    sealed interface Mapped permits Valid, Rejected {}

    record Valid(UserRecord user) implements Mapped {}

    record Rejected(String id, String reason, JsonNode raw) implements Mapped {}

    /** The top-level fields the pipeline keeps: the API's {@code inc=} parameter. */
    static final String INCLUDED_FIELDS = "gender,name,location,email,login,dob,registered,phone,picture,nat";

    private static final Set<String> SECRETS = Set.of("password", "salt", "md5", "sha1", "sha256");

    /** Compiled once: parsing a pointer per field per user costs more than the lookup itself. */
    private static final Map<String, JsonPointer> POINTERS = new ConcurrentHashMap<>();

    private UserMapper() {}

    static Mapped map(JsonNode raw, String runId, Instant fetchedAt) {
        // `inc` works on top-level fields only: login still carries fake passwords and hashes.
        if (raw.path("login") instanceof ObjectNode login) {
            login.remove(SECRETS);
        }
        List<String> problems = new ArrayList<>();
        String id = text(raw, "/login/uuid");
        check(problems, UserRules.checkUuid("login.uuid", id));
        String gender = text(raw, "/gender");
        check(problems, UserRules.checkGender("gender", gender));
        String email = text(raw, "/email");
        check(problems, UserRules.checkEmail("email", email));
        String dob = instant(raw, "/dob/date", problems);
        String registered = instant(raw, "/registered/date", problems);
        double latitude = coordinate(raw, "/location/coordinates/latitude", UserRules.LATITUDE_LIMIT, problems);
        double longitude = coordinate(raw, "/location/coordinates/longitude", UserRules.LONGITUDE_LIMIT, problems);
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
            return new Rejected(id, String.join(UserRules.SEPARATOR, problems), raw);
        }
        String address = streetNumber + " " + street + ", " + city + ", " + state + ", " + country;
        return new Valid(new UserRecord(
                id.toLowerCase(Locale.ROOT),
                firstName,
                lastName,
                gender,
                address,
                postCode,
                email,
                username,
                dob,
                registered,
                phone,
                picture,
                nationality,
                latitude,
                longitude,
                runId,
                fetchedAt.toString()));
    }

    private static String text(JsonNode raw, String pointer) {
        JsonNode node = raw.at(POINTERS.computeIfAbsent(pointer, JsonPointer::compile));
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    private static String required(JsonNode raw, String pointer, List<String> problems) {
        String value = text(raw, pointer);
        check(problems, UserRules.checkPresent(field(pointer), value));
        return value;
    }

    private static String instant(JsonNode raw, String pointer, List<String> problems) {
        String value = text(raw, pointer);
        check(problems, UserRules.checkInstant(field(pointer), value));
        return value;
    }

    /** The coordinate, or NaN when it is not one (the problem added). */
    private static double coordinate(JsonNode raw, String pointer, int limit, List<String> problems) {
        String value = text(raw, pointer);
        String problem = UserRules.checkCoordinate(field(pointer), value, limit);
        check(problems, problem);
        return problem == null ? Double.parseDouble(value) : Double.NaN;
    }

    private static void check(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }

    /** "/location/coordinates/latitude" → "location.coordinates.latitude". */
    private static String field(String pointer) {
        return pointer.substring(1).replace('/', '.');
    }
}
