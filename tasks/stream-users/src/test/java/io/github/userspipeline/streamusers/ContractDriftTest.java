package io.github.userspipeline.streamusers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.task.contract.SchemaMigrations;
import io.github.userspipeline.task.contract.StorageLayout;
import io.github.userspipeline.task.contract.UserRecord;
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
 * of created_users once every migration of schema/migrations.cql ran. Fails, naming the field, when one of them drifts.
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
                .as("created_users after schema/migrations.cql against UserRecord: add a migration")
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

    /**
     * created_users' columns in migration order, name → CQL type: those its CREATE TABLE defines,
     * then those each later ALTER TABLE … ADD adds.
     */
    private static Map<String, String> createdUsersColumns() {
        String table = StorageLayout.qualified(StorageLayout.CREATED_USERS);
        Pattern added = Pattern.compile("ALTER TABLE " + Pattern.quote(table) + " ADD IF NOT EXISTS (\\w+) (\\w+)");
        Pattern defined = Pattern.compile("^\\s*(\\w+)\\s+(\\w+)", Pattern.MULTILINE);
        Map<String, String> columns = new LinkedHashMap<>();
        for (String statement : SchemaMigrations.ALL.stream()
                .flatMap(migration -> migration.statements().stream())
                .toList()) {
            Matcher column = statement.startsWith("CREATE TABLE IF NOT EXISTS " + table + " (")
                    ? defined.matcher(statement.substring(statement.indexOf('(') + 1))
                    : added.matcher(statement);
            while (column.find()) {
                columns.put(column.group(1), column.group(2));
            }
        }
        return columns;
    }
}
