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
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    static final String INCLUDED_FIELDS = "gender,name,location,email,login,dob,registered,phone,cell,picture,nat";

    private static final Set<String> SECRETS = Set.of("password", "salt", "md5", "sha1", "sha256");

    private static final ObjectMapper JSON = new ObjectMapper();

    private UserMapper() {}

    /** The API's fields a record is made of, by their paths in a result, as the reasons name them. */
    private enum ApiField {
        UUID("login.uuid"),
        GENDER("gender"),
        EMAIL("email"),
        DOB("dob.date"),
        REGISTERED("registered.date"),
        LATITUDE("location.coordinates.latitude"),
        LONGITUDE("location.coordinates.longitude"),
        FIRST_NAME("name.first"),
        LAST_NAME("name.last"),
        STREET_NUMBER("location.street.number"),
        STREET("location.street.name"),
        CITY("location.city"),
        STATE("location.state"),
        COUNTRY("location.country"),
        // An integer for most nationalities, text for CA, GB, NL, NO: always kept as text.
        POST_CODE("location.postcode"),
        USERNAME("login.username"),
        PHONE("phone"),
        PICTURE("picture.medium"),
        NATIONALITY("nat"),
        CELL("cell");

        final String path;

        ApiField(String path) {
            this.path = path;
        }
    }

    /** What is read of an object: a field's value (a leaf) or the object under it (inner names). */
    private static final class Wanted {
        final ApiField field;
        final Map<String, Wanted> inner = new HashMap<>();

        Wanted(ApiField field) {
            this.field = field;
        }

        /** Forgets what was read under it: a field given twice counts once, the last time, as in a tree. */
        void clear(Map<ApiField, String> values) {
            if (field != null) {
                values.remove(field);
            }
            inner.values().forEach(child -> child.clear(values));
        }
    }

    private static final Wanted USER = new Wanted(null);

    /** Checked for presence only, in this order (after the fields with a rule of their own). */
    private static final List<ApiField> REQUIRED =
            List.of(ApiField.values()).subList(ApiField.FIRST_NAME.ordinal(), ApiField.values().length);

    static {
        for (ApiField field : ApiField.values()) {
            Wanted object = USER;
            String[] names = field.path.split("\\.");
            for (int i = 0; i < names.length - 1; i++) {
                object = object.inner.computeIfAbsent(names[i], name -> new Wanted(null));
            }
            object.inner.put(names[names.length - 1], new Wanted(field));
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
        Map<ApiField, String> f = new EnumMap<>(ApiField.class);
        JsonNode raw = null;
        long start = parser.currentTokenLocation().getByteOffset();
        if (parser.currentToken() == JsonToken.START_OBJECT) {
            read(parser, USER, f);
        } else {
            raw = parser.readValueAsTree();
        }

        List<String> problems = new ArrayList<>();
        check(problems, UserRules.checkUuid(ApiField.UUID.path, f.get(ApiField.UUID)));
        check(problems, UserRules.checkGender(ApiField.GENDER.path, f.get(ApiField.GENDER)));
        check(problems, UserRules.checkEmail(ApiField.EMAIL.path, f.get(ApiField.EMAIL)));
        check(problems, UserRules.checkInstant(ApiField.DOB.path, f.get(ApiField.DOB)));
        check(problems, UserRules.checkInstant(ApiField.REGISTERED.path, f.get(ApiField.REGISTERED)));
        double latitude = coordinate(ApiField.LATITUDE, f, UserRules.LATITUDE_LIMIT, problems);
        double longitude = coordinate(ApiField.LONGITUDE, f, UserRules.LONGITUDE_LIMIT, problems);
        for (ApiField required : REQUIRED) {
            check(problems, UserRules.checkPresent(required.path, f.get(required)));
        }

        if (!problems.isEmpty()) {
            if (raw == null) {
                long end = parser.currentLocation().getByteOffset();
                raw = JSON.readTree(Arrays.copyOfRange(source, (int) start, (int) end));
            }
            // `inc` works on top-level fields only: login still carries fake passwords and hashes.
            if (raw.path("login") instanceof ObjectNode login) {
                login.remove(SECRETS);
            }
            return new Rejected(f.get(ApiField.UUID), String.join(UserRules.SEPARATOR, problems), raw);
        }
        String address = f.get(ApiField.STREET_NUMBER) + " " + f.get(ApiField.STREET) + ", " + f.get(ApiField.CITY)
                + ", " + f.get(ApiField.STATE) + ", " + f.get(ApiField.COUNTRY);
        UserRecord user = new UserRecord(
                f.get(ApiField.UUID).toLowerCase(Locale.ROOT),
                f.get(ApiField.FIRST_NAME),
                f.get(ApiField.LAST_NAME),
                f.get(ApiField.GENDER),
                address,
                f.get(ApiField.POST_CODE),
                f.get(ApiField.EMAIL),
                f.get(ApiField.USERNAME),
                f.get(ApiField.DOB),
                f.get(ApiField.REGISTERED),
                f.get(ApiField.PHONE),
                f.get(ApiField.PICTURE),
                f.get(ApiField.NATIONALITY),
                latitude,
                longitude,
                runId,
                fetchedAt,
                f.get(ApiField.CELL));
        return new Valid(user, TaskMain.JSON.writeValueAsBytes(user));
    }

    /** Reads what {@code wanted} names of the object the parser is at (anything else is skipped) into {@code values}. */
    private static void read(JsonParser parser, Wanted wanted, Map<ApiField, String> values) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            Wanted child = wanted.inner.get(parser.currentName());
            parser.nextToken();
            if (child == null) {
                parser.skipChildren();
            } else if (child.field != null) {
                values.put(child.field, text(parser));
            } else {
                child.clear(values);
                read(parser, child, values);
            }
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
    private static double coordinate(ApiField field, Map<ApiField, String> values, int limit, List<String> problems) {
        String value = values.get(field);
        String problem = UserRules.checkCoordinate(field.path, value, limit);
        check(problems, problem);
        return problem == null ? Double.parseDouble(value) : Double.NaN;
    }

    private static void check(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }
}
