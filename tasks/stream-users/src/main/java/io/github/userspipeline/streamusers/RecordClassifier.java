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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns Kafka records into users or rejections: parses the value with the record contract's
 * explicit schema, names every problem of a record in {@link #REASON} ("" for a valid user) and
 * groups the copies of a user for the writer.
 */
final class RecordClassifier {

    /** The record contract (README, "Record contract"): what fetch-users writes to users_created. */
    static final StructType CONTRACT = new StructType()
            .add("id", DataTypes.StringType)
            .add("first_name", DataTypes.StringType)
            .add("last_name", DataTypes.StringType)
            .add("gender", DataTypes.StringType)
            .add("address", DataTypes.StringType)
            .add("post_code", DataTypes.StringType)
            .add("email", DataTypes.StringType)
            .add("username", DataTypes.StringType)
            .add("dob", DataTypes.StringType)
            .add("registered_date", DataTypes.StringType)
            .add("phone", DataTypes.StringType)
            .add("picture", DataTypes.StringType)
            .add("nationality", DataTypes.StringType)
            .add("latitude", DataTypes.DoubleType)
            .add("longitude", DataTypes.DoubleType)
            .add("run_id", DataTypes.StringType)
            .add("fetched_at", DataTypes.StringType);

    static final Set<String> INSTANTS = Set.of("dob", "registered_date", "fetched_at");
    static final List<String> GENDERS = List.of("male", "female");
    static final String REASON = "reason";
    static final String RAW = "raw";
    static final String KAFKA_PARTITION = "kafka_partition";
    static final String KAFKA_OFFSET = "kafka_offset";

    private static final String CORRUPT = "_corrupt_record";
    private static final String UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    private static final String EMAIL = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";

    private RecordClassifier() {
    }

    /**
     * Kafka rows ({@code value}, {@code partition}, {@code offset}) → the contract's columns (instants
     * as timestamps), {@link #REASON}, {@link #RAW} and the Kafka position.
     */
    static Dataset<Row> classify(Dataset<Row> kafkaRows) {
        StructType withCorrupt = CONTRACT.add(CORRUPT, DataTypes.StringType);
        Dataset<Row> parsed = kafkaRows.select(
                col("value").cast("string").as(RAW),
                col("partition").as(KAFKA_PARTITION),
                col("offset").as(KAFKA_OFFSET),
                from_json(col("value").cast("string"), withCorrupt, Map.of("columnNameOfCorruptRecord", CORRUPT))
                        .as("user"))
                .select(col(RAW), col(KAFKA_PARTITION), col(KAFKA_OFFSET), col("user.*"));

        List<Column> output = new ArrayList<>();
        for (StructField field : CONTRACT.fields()) {
            String name = field.name();
            output.add(INSTANTS.contains(name) ? try_to_timestamp(col(name)).as(name)
                    : name.equals("id") ? lower(col(name)).as(name) : col(name));
        }
        output.add(reason().as(REASON));
        output.add(col(RAW));
        output.add(col(KAFKA_PARTITION));
        output.add(col(KAFKA_OFFSET));
        return parsed.select(output.toArray(Column[]::new));
    }

    /**
     * The batch spread over {@code partitions} writer tasks by user id: every copy of a user lands
     * in the same task, in Kafka order, so the writer can merge them without a sort or an aggregation.
     */
    static Dataset<Row> byUser(Dataset<Row> classified, int partitions) {
        return classified.repartition(partitions, col("id"));
    }

    /** Every problem of the record, "; "-separated; "" when it is a valid user. */
    private static Column reason() {
        List<Column> problems = new ArrayList<>();
        for (StructField field : CONTRACT.fields()) {
            Column value = col(field.name());
            Column missing = field.dataType() == DataTypes.StringType ? value.isNull().or(trim(value).equalTo(""))
                    : value.isNull();
            problems.add(when(missing, lit(field.name() + " is missing")));
        }
        problems.add(invalid(col("id"), not(col("id").rlike(UUID)), "id is not a UUID: "));
        problems.add(invalid(col("email"), not(col("email").rlike(EMAIL)), "email is not an address: "));
        problems.add(invalid(col("gender"), not(col("gender").isin(GENDERS.toArray())), "unknown gender: "));
        // Part of Cassandra partition keys: an unbounded one would fail every write of its batch.
        problems.add(invalid(col("run_id"), not(col("run_id").rlike(RunIds.PATTERN)),
                "run_id is not a run id (" + RunIds.RULE + "): "));
        for (String instant : INSTANTS.stream().sorted().toList()) {
            problems.add(invalid(col(instant), try_to_timestamp(col(instant)).isNull(),
                    instant + " is not an ISO-8601 instant: "));
        }
        problems.add(invalid(col("latitude"), abs(col("latitude")).gt(90), "latitude is not within ±90: "));
        problems.add(invalid(col("longitude"), abs(col("longitude")).gt(180), "longitude is not within ±180: "));
        return when(col(RAW).isNull(), lit("empty Kafka value"))
                .when(col(CORRUPT).isNotNull(), lit("not a JSON object of the record contract"
                        + " (malformed JSON or a field of the wrong type)"))
                .otherwise(concat_ws("; ", problems.toArray(Column[]::new)));
    }

    /**
     * "{message}{value}" when a present value breaks {@code broken}, the value cut as {@link Excerpt}
     * cuts it; null (no problem) otherwise.
     */
    private static Column invalid(Column value, Column broken, String message) {
        Column text = coalesce(value.cast("string"), lit(""));
        Column excerpt = when(length(text).gt(Excerpt.LENGTH),
                concat(substring(text, 1, Excerpt.LENGTH), lit(Excerpt.CUT))).otherwise(text);
        return when(value.isNotNull().and(broken), concat(lit(message), excerpt));
    }
}
