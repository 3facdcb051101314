package io.github.userspipeline.task.contract;

import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/**
 * One user as it travels on {@code users_created}: the record contract (tasks/fetch-users/README.md),
 * defined here only. fetch-users writes it (with {@code TaskMain.JSON}: snake_case names, e.g.
 * {@code firstName} → {@code first_name}); stream-users' Spark schema and the tests' records are
 * derived from {@link #FIELDS}; schema/users.cql's created_users has one column per field
 * (ContractDriftTest in stream-users fails when they disagree).
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
        @IsoInstant String dob,
        @IsoInstant String registeredDate,
        String phone,
        String picture,
        String nationality,
        double latitude,
        double longitude,
        String runId,
        @IsoInstant String fetchedAt) {

    /** Marks a text field that holds an ISO-8601 instant, e.g. {@code 2026-11-21T20:00:00.123Z}. */
    @Retention(RUNTIME)
    @Target(RECORD_COMPONENT)
    public @interface IsoInstant {}

    /** What a field holds on the wire: JSON text, a JSON number, or text that is an ISO-8601 instant. */
    public enum Kind {
        TEXT,
        NUMBER,
        INSTANT
    }

    /** A field of the contract: its name on the wire (and in Cassandra) and its kind. */
    public record Field(String name, Kind kind) {}

    /** The contract's fields in record order, as they appear in the JSON. */
    public static final List<Field> FIELDS = Arrays.stream(UserRecord.class.getRecordComponents())
            .map(UserRecord::field)
            .toList();

    /** The name of {@link #id()} on the wire: the record's key. */
    public static final String ID = FIELDS.get(0).name();

    public static List<String> names() {
        return FIELDS.stream().map(Field::name).toList();
    }

    private static Field field(RecordComponent component) {
        String name = new PropertyNamingStrategies.SnakeCaseStrategy().translate(component.getName());
        if (component.getType() == double.class) {
            return new Field(name, Kind.NUMBER);
        }
        if (component.getType() != String.class) {
            throw new IllegalStateException("the record contract has text and double fields only: " + component);
        }
        return new Field(name, component.isAnnotationPresent(IsoInstant.class) ? Kind.INSTANT : Kind.TEXT);
    }
}
