package io.github.userspipeline.streamusers;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import io.github.userspipeline.task.Excerpt;
import io.github.userspipeline.task.RunIds;
import io.github.userspipeline.task.contract.UserRecord;
import io.github.userspipeline.task.contract.UserRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Turns Kafka records into users or rejections: parses the value with the record contract's
 * explicit schema and names every problem of a record in {@link #REASON} ("" for a valid user).
 * It keeps the batch's partitioning (one task per Kafka partition) and order: the records are
 * keyed by user id (fetch-users keys each by its lower-case id), so every copy of a user is
 * already in one task, in Kafka order, and the writer merges them there without a shuffle.
 */
final class RecordClassifier {

    /**
     * The record contract as the JSON is parsed ({@link UserRecord}: what fetch-users writes to
     * users_created): numbers as doubles, everything else as text; instants become timestamps after
     * parsing ({@link #classify}).
     */
    static final StructType CONTRACT = contract();

    static final String REASON = "reason";
    static final String RAW = "raw";
    static final String KAFKA_PARTITION = "kafka_partition";
    static final String KAFKA_OFFSET = "kafka_offset";

    private static final String CORRUPT = "_corrupt_record";
    /** The record's contract version as a number ({@link #version}), between the two projections. */
    private static final String VERSION = "_version";

    private RecordClassifier() {}

    private static StructType contract() {
        StructType schema = new StructType();
        for (UserRecord.Field field : UserRecord.FIELDS) {
            DataType type = field.kind() == UserRecord.Kind.NUMBER ? DataTypes.DoubleType : DataTypes.StringType;
            schema = schema.add(field.name(), type);
        }
        return schema;
    }

    /**
     * Kafka rows ({@code value}, {@code partition}, {@code offset}) → the contract's columns (instants
     * as timestamps), {@link #REASON}, {@link #RAW} and the Kafka position.
     */
    static Dataset<Row> classify(Dataset<Row> kafkaRows) {
        // The version as text: one that is not a number gets its own reason, not the corrupt record's.
        StructType withCorrupt =
                CONTRACT.add(UserRecord.VERSION_FIELD, DataTypes.StringType).add(CORRUPT, DataTypes.StringType);
        Dataset<Row> parsed = kafkaRows
                .select(
                        col("value").cast("string").as(RAW),
                        col("partition").as(KAFKA_PARTITION),
                        col("offset").as(KAFKA_OFFSET),
                        from_json(
                                        col("value").cast("string"),
                                        withCorrupt,
                                        Map.of("columnNameOfCorruptRecord", CORRUPT))
                                .as("user"))
                .select(col(RAW), col(KAFKA_PARTITION), col(KAFKA_OFFSET), col("user.*"));

        // Two projections: the first parses what the rules read more than once (each instant, the
        // version), the second names the problems. Spark keeps them apart, as merging them would parse
        // twice what the second reads twice. Whole-stage code inlines both into one method of about
        // 12,800 bytes, above HotSpot's limit: StreamUsersSparkConf makes Spark run them one by one.
        List<Column> parsing =
                new ArrayList<>(List.of(col(RAW), col(KAFKA_PARTITION), col(KAFKA_OFFSET), col(CORRUPT)));
        for (UserRecord.Field field : UserRecord.FIELDS) {
            parsing.add(col(field.name()));
            if (field.kind() == UserRecord.Kind.INSTANT) {
                parsing.add(try_to_timestamp(col(field.name())).as(parsedName(field.name())));
            }
        }
        parsing.add(col(UserRecord.VERSION_FIELD));
        parsing.add(version().as(VERSION));
        Dataset<Row> instantsParsed = parsed.select(parsing.toArray(Column[]::new));

        List<Column> output = new ArrayList<>();
        for (UserRecord.Field field : UserRecord.FIELDS) {
            String name = field.name();
            output.add(
                    field.kind() == UserRecord.Kind.INSTANT
                            ? col(parsedName(name)).as(name)
                            : name.equals(UserRecord.ID) ? lower(col(name)).as(name) : col(name));
        }
        output.add(reason().as(REASON));
        output.add(col(RAW));
        output.add(col(KAFKA_PARTITION));
        output.add(col(KAFKA_OFFSET));
        return instantsParsed.select(output.toArray(Column[]::new));
    }

    /** The column of an instant field's value as a timestamp: null where the text is missing or no instant. */
    private static String parsedName(String instantField) {
        return "_parsed_" + instantField;
    }

    /** The record's contract version: records written before versions carry none, version 1. Null when the text is no version. */
    private static Column version() {
        Column versionText = col(UserRecord.VERSION_FIELD);
        return when(versionText.isNull(), lit(1))
                .when(versionText.rlike(UserRules.VERSION_REGEX), versionText.cast("double"));
    }

    /**
     * Every problem of the record ({@link UserRules}' reasons), "; "-separated; "" when it is a valid
     * user. A record is read by its own contract version: a field added after it may be missing. A
     * version the job cannot read by is the record's only problem.
     */
    private static Column reason() {
        Column version = col(VERSION);
        Column versionProblem = coalesce(
                invalid(UserRecord.VERSION_FIELD, version.isNull(), UserRules.notVersion(UserRecord.VERSION_FIELD)),
                invalid(
                        UserRecord.VERSION_FIELD,
                        version.gt(UserRecord.VERSION),
                        UserRules.newerVersion(UserRecord.VERSION_FIELD, UserRecord.VERSION)));

        List<Column> problems = new ArrayList<>();
        for (UserRecord.Field field : UserRecord.FIELDS) {
            Column value = col(field.name());
            Column missing = field.kind() == UserRecord.Kind.NUMBER
                    ? value.isNull()
                    : value.isNull().or(trim(value).equalTo(""));
            problems.add(when(missing.and(version.geq(field.since())), lit(UserRules.missing(field.name()))));
        }
        problems.add(invalid("id", not(col("id").rlike(UserRules.UUID_REGEX)), UserRules.notUuid("id")));
        problems.add(invalid("email", not(col("email").rlike(UserRules.EMAIL_REGEX)), UserRules.notEmail("email")));
        problems.add(invalid(
                "gender", not(col("gender").isin(UserRules.GENDERS.toArray())), UserRules.unknownGender("gender")));
        // Part of Cassandra partition keys: an unbounded one would fail every write of its batch.
        problems.add(invalid(
                "run_id", not(col("run_id").rlike(RunIds.PATTERN)), "run_id is not a run id (" + RunIds.RULE + "): "));
        for (UserRecord.Field field : UserRecord.FIELDS) {
            if (field.kind() == UserRecord.Kind.INSTANT) {
                // The text is present here (invalid): a null timestamp is text that is no instant.
                problems.add(invalid(
                        field.name(),
                        not(col(field.name()).rlike(UserRules.INSTANT_REGEX))
                                .or(col(parsedName(field.name())).isNull()),
                        UserRules.notInstant(field.name())));
            }
        }
        problems.add(coordinate("latitude", UserRules.LATITUDE_LIMIT));
        problems.add(coordinate("longitude", UserRules.LONGITUDE_LIMIT));
        return when(col(RAW).isNull(), lit("empty Kafka value"))
                .when(versionProblem.isNotNull(), versionProblem)
                .when(
                        col(CORRUPT).isNotNull(),
                        lit("not a JSON object of the record contract"
                                + " (malformed JSON or a field of the wrong type)"))
                .otherwise(concat_ws(UserRules.SEPARATOR, problems.toArray(Column[]::new)));
    }

    private static Column coordinate(String field, int limit) {
        return invalid(field, abs(col(field)).gt(limit), UserRules.notCoordinate(field, limit));
    }

    /**
     * "{message}{value}" when a present value breaks {@code broken}, the value cut as {@link Excerpt}
     * cuts it; null (no problem) otherwise.
     */
    private static Column invalid(String field, Column broken, String message) {
        Column value = col(field);
        Column text = coalesce(value.cast("string"), lit(""));
        Column excerpt = when(
                        length(text).gt(Excerpt.LENGTH), concat(substring(text, 1, Excerpt.LENGTH), lit(Excerpt.CUT)))
                .otherwise(text);
        return when(value.isNotNull().and(broken), concat(lit(message), excerpt));
    }
}
