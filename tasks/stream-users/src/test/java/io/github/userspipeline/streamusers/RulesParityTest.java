package io.github.userspipeline.streamusers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.contract.UserRecord;
import io.github.userspipeline.task.contract.UserRules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The two evaluators of {@link UserRules} give the same verdict and the same reason for the same
 * value of a field: fetch-users' Java checks and stream-users' Spark columns ({@link RecordClassifier}).
 * Each case is a valid contract user with one field changed.
 */
class RulesParityTest {

    private static final StructType KAFKA_ROWS = new StructType()
            .add("value", DataTypes.BinaryType)
            .add("partition", DataTypes.IntegerType)
            .add("offset", DataTypes.LongType);

    /** One field's value: text, or a number. */
    private record Case(String field, Object value) {}

    private static final List<Case> CASES = List.of(
            new Case("id", "not-a-uuid"),
            new Case("id", "1577ccfc-a3c6-49d0-bb86-ddca8faf0d1"),
            new Case("id", "1577CCFC-A3C6-49D0-BB86-DDCA8FAF0D11"),
            new Case("email", "nobody.example.com"),
            new Case("email", "no body@example.com"),
            new Case("email", "x".repeat(300) + "@example"),
            new Case("gender", "unicorn"),
            new Case("gender", "Male"),
            new Case("gender", "female"),
            new Case("dob", "yesterday"),
            new Case("dob", "1990-05-04T10:11:12.123Z"),
            new Case("registered_date", "2026-11-21"),
            new Case("registered_date", "2026-11-21 20:00:00"),
            new Case("fetched_at", "2026-11-21T20:00:00+01:00"),
            new Case("fetched_at", "2026-11-21T20:00:00.123456789Z"),
            new Case("fetched_at", "2026-02-30T20:00:00Z"),
            new Case("fetched_at", "2026-11-21T20:00Z"),
            new Case("latitude", 123.0),
            new Case("latitude", -90.0),
            new Case("longitude", -180.5),
            new Case("longitude", 180.0),
            new Case("first_name", ""),
            new Case("phone", "  "));

    @Test
    void javaAndSparkGiveTheSameReasonForTheSameValue() {
        SplittableRandom random = new SplittableRandom(3);
        List<Row> kafkaRows = new ArrayList<>();
        for (Case test : CASES) {
            ObjectNode user = ContractUsers.user(random, "run-parity");
            if (test.value() instanceof Double number) {
                user.put(test.field(), number);
            } else {
                user.put(test.field(), (String) test.value());
            }
            kafkaRows.add(
                    RowFactory.create(user.toString().getBytes(StandardCharsets.UTF_8), 0, (long) kafkaRows.size()));
        }
        List<Row> classified = RecordClassifier.classify(LocalSpark.session().createDataFrame(kafkaRows, KAFKA_ROWS))
                .collectAsList();

        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            Case test = CASES.get(i);
            String java = javaReason(test.field(), String.valueOf(test.value()));
            String spark = classified.get(i).getAs(RecordClassifier.REASON);
            if (!(java == null ? "" : java).equals(spark)) {
                disagreements.add(test + ": Java says \"" + java + "\", Spark says \"" + spark + "\"");
            }
        }
        assertThat(disagreements)
                .as("values that the two evaluators judge differently")
                .isEmpty();
    }

    /** What fetch-users' checks say of the field's value (the API's field names aside). */
    private static String javaReason(String field, String value) {
        UserRecord.Kind kind = UserRecord.FIELDS.stream()
                .filter(f -> f.name().equals(field))
                .findFirst()
                .orElseThrow()
                .kind();
        String missing = UserRules.checkPresent(field, value);
        if (missing != null) {
            return missing;
        }
        return switch (field) {
            case "id" -> UserRules.checkUuid(field, value);
            case "email" -> UserRules.checkEmail(field, value);
            case "gender" -> UserRules.checkGender(field, value);
            case "latitude" -> UserRules.checkCoordinate(field, value, UserRules.LATITUDE_LIMIT);
            case "longitude" -> UserRules.checkCoordinate(field, value, UserRules.LONGITUDE_LIMIT);
            default -> kind == UserRecord.Kind.INSTANT ? UserRules.checkInstant(field, value) : null;
        };
    }
}
