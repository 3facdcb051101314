package io.github.userspipeline.fetchusers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.task.contract.UserRecord;
import io.github.userspipeline.task.contract.UserRules;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Maps one randomuser.me result to the flat {@link UserRecord}, or explains why it cannot:
 * every problem is named ({@link UserRules}' reasons, with the API's field paths), so the
 * dead-letter record says exactly what was wrong.
 *
 * <p>It reads the answer as a token stream, keeping only the fields the record needs: building a
 * tree of every user first cost more than all the rest of the task's own work. A field reads as
 * a tree would give it ({@code node.isValueNode() ? node.asText() : null}); a rejected user's raw
 * JSON is parsed into a tree only then, from its own bytes.
 */
final class UserMapper {

    /** What the mapping gave: a record, or the reasons and the (password-free) raw user. */
    sealed interface Mapped permits Valid, Rejected {}

    /**
     * A record and its JSON as it goes to Kafka ({@link TaskMain#JSON}), written once, by the
     * thread that fetched it, so that the producing thread only sends.
     */
    record Valid(UserRecord user, byte[] json) implements Mapped {}

    record Rejected(String id, String reason, JsonNode raw) implements Mapped {}

    /** The top-level fields the pipeline keeps: the API's {@code inc=} parameter. */
    static final String INCLUDED_FIELDS = "gender,name,location,email,login,dob,registered,phone,picture,nat";

    private static final Set<String> SECRETS = Set.of("password", "salt", "md5", "sha1", "sha256");

    private static final ObjectMapper JSON = new ObjectMapper();

    private UserMapper() {}

    /** One user's fields as the API's JSON paths name them; null where absent or not a value. */
    private static final class Fields {
        String gender, email, phone, nat;
        String first, last;
        String streetNumber, street, city, state, country, postcode, latitude, longitude;
        String uuid, username;
        String dob, registered, picture;

        void clearName() {
            first = last = null;
        }

        void clearLocation() {
            clearStreet();
            clearCoordinates();
            city = state = country = postcode = null;
        }

        void clearStreet() {
            streetNumber = street = null;
        }

        void clearCoordinates() {
            latitude = longitude = null;
        }

        void clearLogin() {
            uuid = username = null;
        }
    }

    /**
     * The users of an API answer's {@code results} array, each mapped; none when there is no such
     * array. Reads the whole answer, so a cut-off one throws.
     */
    static List<Mapped> mapResults(byte[] answer, String runId, Instant fetchedAt) throws IOException {
        List<Mapped> users = List.of();
        String fetched = fetchedAt.toString();
        try (JsonParser parser = JSON.createParser(answer)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return users;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean results = parser.currentName().equals("results");
                if (parser.nextToken() == JsonToken.START_ARRAY && results) {
                    users = new ArrayList<>();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        users.add(map(parser, answer, runId, fetched));
                    }
                } else {
                    users = results ? List.of() : users;
                    parser.skipChildren();
                }
            }
        }
        return users;
    }

    /** Maps one user's JSON, as {@link #mapResults} maps each: for tests. */
    static Mapped map(byte[] user, String runId, Instant fetchedAt) throws IOException {
        try (JsonParser parser = JSON.createParser(user)) {
            parser.nextToken();
            return map(parser, user, runId, fetchedAt.toString());
        }
    }

    /**
     * Maps the user whose first token {@code parser} is at, reading {@code source} (the bytes the
     * parser reads); leaves the parser at the user's last token.
     */
    private static Mapped map(JsonParser parser, byte[] source, String runId, String fetchedAt) throws IOException {
        Fields f = new Fields();
        JsonNode raw = null;
        long start = parser.currentTokenLocation().getByteOffset();
        if (parser.currentToken() == JsonToken.START_OBJECT) {
            readUser(parser, f);
        } else {
            raw = parser.readValueAsTree();
        }

        List<String> problems = new ArrayList<>();
        check(problems, UserRules.checkUuid("login.uuid", f.uuid));
        check(problems, UserRules.checkGender("gender", f.gender));
        check(problems, UserRules.checkEmail("email", f.email));
        check(problems, UserRules.checkInstant("dob.date", f.dob));
        check(problems, UserRules.checkInstant("registered.date", f.registered));
        double latitude = coordinate("location.coordinates.latitude", f.latitude, UserRules.LATITUDE_LIMIT, problems);
        double longitude =
                coordinate("location.coordinates.longitude", f.longitude, UserRules.LONGITUDE_LIMIT, problems);
        check(problems, UserRules.checkPresent("name.first", f.first));
        check(problems, UserRules.checkPresent("name.last", f.last));
        check(problems, UserRules.checkPresent("location.street.number", f.streetNumber));
        check(problems, UserRules.checkPresent("location.street.name", f.street));
        check(problems, UserRules.checkPresent("location.city", f.city));
        check(problems, UserRules.checkPresent("location.state", f.state));
        check(problems, UserRules.checkPresent("location.country", f.country));
        // An integer for most nationalities, text for CA, GB, NL, NO: always kept as text.
        check(problems, UserRules.checkPresent("location.postcode", f.postcode));
        check(problems, UserRules.checkPresent("login.username", f.username));
        check(problems, UserRules.checkPresent("phone", f.phone));
        check(problems, UserRules.checkPresent("picture.medium", f.picture));
        check(problems, UserRules.checkPresent("nat", f.nat));

        if (!problems.isEmpty()) {
            if (raw == null) {
                long end = parser.currentLocation().getByteOffset();
                raw = JSON.readTree(Arrays.copyOfRange(source, (int) start, (int) end));
            }
            // `inc` works on top-level fields only: login still carries fake passwords and hashes.
            if (raw.path("login") instanceof ObjectNode login) {
                login.remove(SECRETS);
            }
            return new Rejected(f.uuid, String.join(UserRules.SEPARATOR, problems), raw);
        }
        String address = f.streetNumber + " " + f.street + ", " + f.city + ", " + f.state + ", " + f.country;
        UserRecord user = new UserRecord(
                f.uuid.toLowerCase(Locale.ROOT),
                f.first,
                f.last,
                f.gender,
                address,
                f.postcode,
                f.email,
                f.username,
                f.dob,
                f.registered,
                f.phone,
                f.picture,
                f.nat,
                latitude,
                longitude,
                runId,
                fetchedAt);
        return new Valid(user, TaskMain.JSON.writeValueAsBytes(user));
    }

    /**
     * Reads the fields of one user object, the parser at its START_OBJECT. A field given twice
     * counts once, the last time, as in a tree.
     */
    private static void readUser(JsonParser parser, Fields f) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "gender" -> f.gender = text(parser);
                case "email" -> f.email = text(parser);
                case "phone" -> f.phone = text(parser);
                case "nat" -> f.nat = text(parser);
                case "name" -> {
                    f.clearName();
                    forEachField(parser, field -> {
                        switch (field) {
                            case "first" -> f.first = text(parser);
                            case "last" -> f.last = text(parser);
                            default -> parser.skipChildren();
                        }
                    });
                }
                case "location" -> {
                    f.clearLocation();
                    forEachField(parser, field -> readLocation(parser, field, f));
                }
                case "login" -> {
                    f.clearLogin();
                    forEachField(parser, field -> {
                        switch (field) {
                            case "uuid" -> f.uuid = text(parser);
                            case "username" -> f.username = text(parser);
                            default -> parser.skipChildren();
                        }
                    });
                }
                case "dob" -> {
                    f.dob = null;
                    forEachField(parser, field -> {
                        if (field.equals("date")) {
                            f.dob = text(parser);
                        } else {
                            parser.skipChildren();
                        }
                    });
                }
                case "registered" -> {
                    f.registered = null;
                    forEachField(parser, field -> {
                        if (field.equals("date")) {
                            f.registered = text(parser);
                        } else {
                            parser.skipChildren();
                        }
                    });
                }
                case "picture" -> {
                    f.picture = null;
                    forEachField(parser, field -> {
                        if (field.equals("medium")) {
                            f.picture = text(parser);
                        } else {
                            parser.skipChildren();
                        }
                    });
                }
                default -> parser.skipChildren();
            }
        }
    }

    private static void readLocation(JsonParser parser, String field, Fields f) throws IOException {
        switch (field) {
            case "city" -> f.city = text(parser);
            case "state" -> f.state = text(parser);
            case "country" -> f.country = text(parser);
            case "postcode" -> f.postcode = text(parser);
            case "street" -> {
                f.clearStreet();
                forEachField(parser, name -> {
                    switch (name) {
                        case "number" -> f.streetNumber = text(parser);
                        case "name" -> f.street = text(parser);
                        default -> parser.skipChildren();
                    }
                });
            }
            case "coordinates" -> {
                f.clearCoordinates();
                forEachField(parser, name -> {
                    switch (name) {
                        case "latitude" -> f.latitude = text(parser);
                        case "longitude" -> f.longitude = text(parser);
                        default -> parser.skipChildren();
                    }
                });
            }
            default -> parser.skipChildren();
        }
    }

    private interface FieldReader {
        void read(String field) throws IOException;
    }

    /** Each field of the object the parser is at, its value the current token; anything else is skipped. */
    private static void forEachField(JsonParser parser, FieldReader reader) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            reader.read(field);
        }
    }

    /** The current value as a tree's {@code asText()} gives it; null for null, objects and arrays. */
    private static String text(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue().toString();
            case VALUE_NUMBER_FLOAT -> Double.toString(parser.getDoubleValue());
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            default -> {
                parser.skipChildren();
                yield null;
            }
        };
    }

    /** The coordinate, or NaN when it is not one (the problem added). */
    private static double coordinate(String field, String value, int limit, List<String> problems) {
        String problem = UserRules.checkCoordinate(field, value, limit);
        check(problems, problem);
        return problem == null ? Double.parseDouble(value) : Double.NaN;
    }

    private static void check(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }
}
