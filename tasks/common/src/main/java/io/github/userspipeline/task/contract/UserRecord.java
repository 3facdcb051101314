package io.github.userspipeline.task.contract;

import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * One user as it travels on {@code users_created}: the record contract (tasks/fetch-users/README.md),
 * defined here only. fetch-users writes it (with {@code TaskMain.JSON}: snake_case names, e.g.
 * {@code firstName} → {@code first_name}); stream-users' Spark schema and the tests' records are
 * derived from {@link #FIELDS}; created_users, once schema/migrations.cql is applied, has one column per field
 * (ContractDriftTest in stream-users fails when they disagree).
 *
 * <p>Each record carries its contract's version, {@link #VERSION_FIELD}, so that the job reads the
 * records of older versions still in Kafka: a field added after version 1 is marked {@link Since},
 * and a record of an older version may lack it (changing the record: tasks/fetch-users/README.md).
 */
@JsonPropertyOrder({UserRecord.VERSION_FIELD})
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
        @IsoInstant String fetchedAt,
        @Since(2) String cell) {

    /** The contract's version, the highest {@link Since} of its fields (UserRecordTest checks). */
    public static final int VERSION = 2;

    /** The name on the wire of the record's contract version; a record without it is of version 1. */
    public static final String VERSION_FIELD = "contract_version";

    /** Marks a text field that holds an ISO-8601 instant, e.g. {@code 2026-11-21T20:00:00.123Z}. */
    @Retention(RUNTIME)
    @Target(RECORD_COMPONENT)
    public @interface IsoInstant {}

    /**
     * Marks a field added in contract version {@code value} (after version 1): records of that
     * version on must carry it, older ones lack it.
     */
    @Retention(RUNTIME)
    @Target(RECORD_COMPONENT)
    public @interface Since {
        int value();
    }

    /** What a field holds on the wire: JSON text, a JSON number, or text that is an ISO-8601 instant. */
    public enum Kind {
        TEXT,
        NUMBER,
        INSTANT
    }

    /**
     * A field of the contract: its name on the wire (and in Cassandra), its kind and the contract
     * version that added it (1 for the first fields).
     */
    public record Field(String name, Kind kind, int since) {}

    /** The contract's fields in record order, as they appear in the JSON. */
    public static final List<Field> FIELDS = Arrays.stream(UserRecord.class.getRecordComponents())
            .map(UserRecord::field)
            .toList();

    /** The name of {@link #id()} on the wire: the record's key. */
    public static final String ID = FIELDS.get(0).name();

    public static List<String> names() {
        return FIELDS.stream().map(Field::name).toList();
    }

    /** The names a record carries on the wire, in order: {@link #VERSION_FIELD}, then {@link #FIELDS}. */
    public static List<String> wireNames() {
        return Stream.concat(Stream.of(VERSION_FIELD), names().stream()).toList();
    }

    /** Written on the wire as {@link #VERSION_FIELD}: a record made by this code is of the current version. */
    @JsonProperty(VERSION_FIELD)
    public int contractVersion() {
        return VERSION;
    }

    private static Field field(RecordComponent component) {
        String name = new PropertyNamingStrategies.SnakeCaseStrategy().translate(component.getName());
        Since since = component.getAnnotation(Since.class);
        int version = since == null ? 1 : since.value();
        if (component.getType() == double.class) {
            return new Field(name, Kind.NUMBER, version);
        }
        if (component.getType() != String.class) {
            throw new IllegalStateException("the record contract has text and double fields only: " + component);
        }
        return new Field(name, component.isAnnotationPresent(IsoInstant.class) ? Kind.INSTANT : Kind.TEXT, version);
    }
}
