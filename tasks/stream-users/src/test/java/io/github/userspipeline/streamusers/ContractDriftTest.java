package io.github.userspipeline.streamusers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.task.contract.UserRecord;
import io.github.userspipeline.task.contract.UsersSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The record contract is one thing in three forms: {@link UserRecord} (what fetch-users writes),
 * the Spark schema stream-users parses it with (and the typed columns it writes), and the columns
 * of created_users in schema/users.cql. Fails, naming the field, when one of them drifts.
 */
class ContractDriftTest {

    /** What each kind is in Spark after classifying, and as a created_users column. */
    private static final Map<UserRecord.Kind, DataType> CLASSIFIED = Map.of(
            UserRecord.Kind.TEXT, DataTypes.StringType,
            UserRecord.Kind.NUMBER, DataTypes.DoubleType,
            UserRecord.Kind.INSTANT, DataTypes.TimestampType);

    private static final Map<UserRecord.Kind, String> CQL = Map.of(
            UserRecord.Kind.TEXT, "text",
            UserRecord.Kind.NUMBER, "double",
            UserRecord.Kind.INSTANT, "timestamp");

    @Test
    void theSparkSchemaParsesEveryFieldOfTheRecordWithItsJsonType() {
        Map<String, String> record = new LinkedHashMap<>();
        UserRecord.FIELDS.forEach(
                field -> record.put(field.name(), field.kind() == UserRecord.Kind.NUMBER ? "double" : "string"));
        Map<String, String> spark = new LinkedHashMap<>();
        for (StructField field : RecordClassifier.CONTRACT.fields()) {
            spark.put(field.name(), field.dataType().typeName());
        }

        assertThat(spark).as("RecordClassifier.CONTRACT against UserRecord").containsExactlyEntriesOf(record);
    }

    @Test
    void createdUsersHasOneColumnOfTheRightTypePerFieldAndNoOther() {
        Map<String, String> expected = new LinkedHashMap<>();
        UserRecord.FIELDS.forEach(field ->
                expected.put(field.name(), field.name().equals(UserRecord.ID) ? "uuid" : CQL.get(field.kind())));

        assertThat(createdUsersColumns())
                .as("created_users in schema/users.cql against UserRecord")
                .containsExactlyEntriesOf(expected);
    }

    @Test
    void theClassifiedColumnsTheWriterBindsHaveTheTypesOfTheirCassandraColumns() {
        StructType classified = RecordClassifier.classify(LocalSpark.session()
                        .createDataFrame(
                                List.of(),
                                new StructType()
                                        .add("value", DataTypes.BinaryType)
                                        .add("partition", DataTypes.IntegerType)
                                        .add("offset", DataTypes.LongType)))
                .schema();

        for (UserRecord.Field field : UserRecord.FIELDS) {
            assertThat(classified.apply(field.name()).dataType())
                    .as(field.name())
                    .isEqualTo(
                            field.name().equals(UserRecord.ID) ? DataTypes.StringType : CLASSIFIED.get(field.kind()));
        }
    }

    /** created_users' columns in file order, name → CQL type, from the schema stream-users applies. */
    private static Map<String, String> createdUsersColumns() {
        String create = UsersSchema.statements(UsersSchema.SINGLE_NODE_REPLICATION).stream()
                .filter(statement -> statement.contains(StorageLayout.qualified(StorageLayout.CREATED_USERS) + " ("))
                .findFirst()
                .orElseThrow();
        Map<String, String> columns = new LinkedHashMap<>();
        Matcher column = Pattern.compile("^\\s*(\\w+)\\s+(\\w+)", Pattern.MULTILINE)
                .matcher(create.substring(create.indexOf('(') + 1));
        while (column.find()) {
            columns.put(column.group(1), column.group(2));
        }
        return columns;
    }
}
