package io.github.userspipeline.streamusers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.contract.UserRecord;
import io.github.userspipeline.testsupport.UsersTopic;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Parsing, validation and de-duplication on a local Spark, without Kafka or Cassandra. */
class RecordClassifierTest {

    private static final StructType KAFKA_ROWS = new StructType()
            .add("value", DataTypes.BinaryType)
            .add("partition", DataTypes.IntegerType)
            .add("offset", DataTypes.LongType);

    private final List<Row> kafkaRows = new ArrayList<>();

    private void record(String value, int partition) {
        kafkaRows.add(RowFactory.create(
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), partition, (long) kafkaRows.size()));
    }

    private List<Row> classified() {
        Dataset<Row> rows = LocalSpark.session().createDataFrame(kafkaRows, KAFKA_ROWS);
        return RecordClassifier.classify(rows).collectAsList();
    }

    @Test
    void aContractUserIsValidWithTypedColumns() {
        ObjectNode user = ContractUsers.valid("run-a", 1, 1).get(0);
        user.put("id", user.get("id").asText().toUpperCase());
        record(user.toString(), 0);

        Row row = classified().get(0);

        assertThat(row.<String>getAs(RecordClassifier.REASON)).isEmpty();
        assertThat(row.<String>getAs("id")).isEqualTo(user.get("id").asText().toLowerCase());
        assertThat(row.<Timestamp>getAs("dob").toInstant())
                .isEqualTo(Instant.parse(user.get("dob").asText()));
        assertThat(row.<Timestamp>getAs("fetched_at").toInstant()).isEqualTo(Instant.parse("2026-11-21T20:00:00.123Z"));
        assertThat(row.<Double>getAs("latitude")).isEqualTo(user.get("latitude").asDouble());
        assertThat(row.<String>getAs(RecordClassifier.RAW)).isEqualTo(user.toString());
    }

    @Test
    void everyBrokenRecordIsRejectedWithItsReason() {
        List<ContractUsers.Invalid> invalid = ContractUsers.invalid("run-b");
        invalid.forEach(record -> record(record.value(), 1));
        record(null, 1);

        List<Row> rows = classified();

        for (int i = 0; i < invalid.size(); i++) {
            assertThat(rows.get(i).<String>getAs(RecordClassifier.REASON))
                    .contains(invalid.get(i).reason());
        }
        assertThat(rows.get(invalid.size()).<String>getAs(RecordClassifier.REASON))
                .isEqualTo("empty Kafka value");
    }

    @Test
    void aVersion1RecordWithoutCellIsAValidUserWithoutCell() {
        ObjectNode old =
                ContractUsers.ofVersion(ContractUsers.valid("run-v1", 1, 8).get(0), 1);
        record(old.toString(), 0);

        Row row = classified().get(0);

        assertThat(old.has(UserRecord.VERSION_FIELD) || old.has("cell"))
                .as("a record written before versions")
                .isFalse();
        assertThat(row.<String>getAs(RecordClassifier.REASON)).isEmpty();
        assertThat(row.<String>getAs("cell")).isNull();
        assertThat(row.<String>getAs("phone")).isEqualTo(old.get("phone").asText());
    }

    @Test
    void aFieldOfTheRecordsVersionIsRequired() {
        ObjectNode user = ContractUsers.valid("run-v2", 1, 9).get(0);
        user.remove("cell");
        record(user.toString(), 0);
        record(ContractUsers.ofVersion(user, 1).put("first_name", "").toString(), 0);

        List<Row> rows = classified();

        assertThat(user.get(UserRecord.VERSION_FIELD).asInt()).isEqualTo(2);
        assertThat(rows.get(0).<String>getAs(RecordClassifier.REASON)).isEqualTo("cell is missing");
        assertThat(rows.get(1).<String>getAs(RecordClassifier.REASON))
                .as("a version 1 record")
                .isEqualTo("first_name is missing");
    }

    @Test
    void aRecordOfANewerVersionIsRejectedWithTheFixWhateverItsFields() {
        ObjectNode newer =
                ContractUsers.ofVersion(ContractUsers.valid("run-v3", 1, 10).get(0), UserRecord.VERSION + 1);
        record(newer.toString(), 0);
        record(newer.deepCopy().put("fax", "0123").toString(), 0);
        ObjectNode retyped = newer.deepCopy().put("latitude", "north");
        retyped.remove("cell");
        record(retyped.toString(), 0);

        assertThat(classified())
                .extracting(row -> row.<String>getAs(RecordClassifier.REASON))
                .containsOnly("contract_version is newer than this job's " + UserRecord.VERSION
                        + " (upgrade stream-users before fetch-users): " + (UserRecord.VERSION + 1));
    }

    @Test
    void aContractVersionThatIsNotAPositiveIntegerIsRejected() {
        ObjectNode user = ContractUsers.valid("run-vx", 1, 11).get(0);
        List<String> versions = List.of("\"abc\"", "0", "-1", "1.5", "\"\"", "{}");
        versions.forEach(version ->
                record(user.toString().replace("\"contract_version\":2", "\"contract_version\":" + version), 0));

        List<Row> rows = classified();

        for (int i = 0; i < versions.size(); i++) {
            assertThat(rows.get(i).<String>getAs(RecordClassifier.REASON))
                    .as(versions.get(i))
                    .isEqualTo("contract_version is not a positive integer: "
                            + versions.get(i).replace("\"", ""));
        }
    }

    @Test
    void everyProblemOfARecordIsNamed() {
        record(
                ContractUsers.valid("run-c", 1, 2)
                        .get(0)
                        .put("gender", "x")
                        .put("email", "y")
                        .put("phone", " ")
                        .toString(),
                0);

        assertThat(classified().get(0).<String>getAs(RecordClassifier.REASON))
                .isEqualTo("phone is missing; email is not an address: y; unknown gender: x");
    }

    @Test
    void aRunIdMustBeAnAirflowRunIdOfAtMost250Characters() {
        List<String> valid = List.of(
                "manual__2026-11-21T20:00:00.123456+00:00",
                "scheduled__2026-11-21T00:00:00+00:00",
                "r".repeat(250),
                "a.b~c:d+e-f_g");
        List<String> invalid = List.of("r".repeat(251), "run 1", "run\n", "run/1", "rün");
        valid.forEach(runId -> record(ContractUsers.valid(runId, 1, 5).get(0).toString(), 0));
        invalid.forEach(runId -> record(ContractUsers.valid(runId, 1, 5).get(0).toString(), 0));

        List<Row> rows = classified();

        for (int i = 0; i < valid.size(); i++) {
            assertThat(rows.get(i).<String>getAs(RecordClassifier.REASON))
                    .as(valid.get(i))
                    .isEmpty();
        }
        assertThat(rows.get(valid.size()).<String>getAs(RecordClassifier.REASON))
                .isEqualTo("run_id is not a run id (1-250 characters of A-Z a-z 0-9 _ . ~ : + -): " + "r".repeat(100)
                        + "…");
        for (int i = 1; i < invalid.size(); i++) {
            assertThat(rows.get(valid.size() + i).<String>getAs(RecordClassifier.REASON))
                    .as(invalid.get(i))
                    .endsWith("): " + invalid.get(i));
        }
    }

    @Test
    void aReasonQuotesAtMost100CharactersOfAValue() {
        record(
                ContractUsers.valid("run-e", 1, 6)
                        .get(0)
                        .put("email", "x".repeat(1_000_000))
                        .toString(),
                0);

        assertThat(classified().get(0).<String>getAs(RecordClassifier.REASON))
                .isEqualTo("email is not an address: " + "x".repeat(100) + "…");
    }

    @Test
    void copiesOfAUserStayInTheirKafkaPartitionsTaskInKafkaOrder() {
        ObjectNode user = ContractUsers.valid("run-d", 1, 3).get(0);
        record(user.toString(), 2);
        ContractUsers.valid("run-d", 50, 4).forEach(other -> record(other.toString(), 2));
        record(user.deepCopy().put("first_name", "Later").toString(), 2);
        ContractUsers.valid("run-d", 50, 5).forEach(other -> record(other.toString(), 1));

        // One task per Kafka partition, as the Kafka source plans a micro-batch.
        Dataset<Row> rows = LocalSpark.session()
                .createDataFrame(kafkaRows, KAFKA_ROWS)
                .repartition(UsersTopic.PARTITIONS, col("partition"));
        Dataset<Row> classified = RecordClassifier.classify(rows);
        List<Row> copies = classified
                .withColumn("task", spark_partition_id())
                .filter(col("id").equalTo(user.get("id").asText()))
                .collectAsList();

        assertThat(exchanges(classified)).as("no shuffle of its own").isEqualTo(exchanges(rows));
        assertThat(copies)
                .extracting(row -> row.<String>getAs("first_name"))
                .containsExactly(user.get("first_name").asText(), "Later");
        assertThat(copies.get(0).<Integer>getAs("task")).isEqualTo(copies.get(1).<Integer>getAs("task"));
    }

    private static int exchanges(Dataset<Row> rows) {
        return rows.queryExecution().executedPlan().toString().split("Exchange", -1).length - 1;
    }
}
