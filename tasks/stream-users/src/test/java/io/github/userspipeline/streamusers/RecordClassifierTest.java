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
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.BindReferences$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.codegen.ByteCodeStats;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeAndComment;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeFormatter$;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator$;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.codegen.GenerateUnsafeProjection$;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;
import scala.collection.Seq;

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

    /**
     * HotSpot compiles no method of more than 8,000 bytes of bytecode (-XX:+DontCompileHugeMethods,
     * the default; Spark's {@code CodeGenerator.DEFAULT_JVM_HUGE_METHOD_LIMIT}): a larger generated
     * method would run interpreted, for every row. Spark runs a whole-stage generated class only when
     * whole-stage code is enabled (the job disables it: StreamUsersSparkConf) and its largest method
     * is within spark.sql.codegen.hugeMethodLimit (65,535 by default, the JVM's own limit, so it
     * catches nothing by itself); otherwise, the operators one by one.
     */
    @Test
    void everyMethodOfTheClassificationsGeneratedCodeIsSmallEnoughForTheJit() {
        ContractUsers.valid("run-f", 10, 14).forEach(user -> record(user.toString(), 0));
        // An RDD, as the Kafka source's batch is: Spark would fold a projection of a local table's rows.
        Dataset<Row> rows = LocalSpark.session()
                .createDataFrame(
                        JavaSparkContext.fromSparkContext(LocalSpark.session().sparkContext())
                                .parallelize(kafkaRows),
                        KAFKA_ROWS);
        Dataset<Row> classified = RecordClassifier.classify(rows);
        int hugeMethodLimit = LocalSpark.session().sessionState().conf().hugeMethodLimit();

        List<String> tooLarge = new ArrayList<>();
        SparkPlan plan = classified.queryExecution().executedPlan();
        List<WholeStageCodegenExec> stages = stages(plan);
        // Without whole-stage code, every projection runs as a class of its own.
        List<ProjectExec> oneByOne = stages.isEmpty() ? projects(plan) : new ArrayList<>();
        for (WholeStageCodegenExec stage : stages) {
            int stageMethod = maxMethodCodeSize(stage.doCodeGen()._2());
            if (stageMethod <= hugeMethodLimit) {
                if (stageMethod >= CodeGenerator.DEFAULT_JVM_HUGE_METHOD_LIMIT()) {
                    tooLarge.add(stageMethod + " bytes: stage " + stage.codegenStageId());
                }
                continue;
            }
            oneByOne.addAll(projects(stage.child()));
        }
        for (ProjectExec project : oneByOne) {
            int projectionMethod = maxMethodCodeSize(projectionCode(project));
            if (projectionMethod >= CodeGenerator.DEFAULT_JVM_HUGE_METHOD_LIMIT()) {
                tooLarge.add(projectionMethod + " bytes: projection "
                        + project.projectList().mkString(", ").substring(0, 80));
            }
        }

        assertThat(stages.size() + oneByOne.size()).as("generated code checked").isPositive();
        assertThat(tooLarge)
                .as("generated methods that Spark runs, of 8,000 bytes or more")
                .isEmpty();
        assertThat(classified.filter(col(RecordClassifier.REASON).equalTo("")).count())
                .isEqualTo(10);
    }

    private static List<WholeStageCodegenExec> stages(SparkPlan plan) {
        List<WholeStageCodegenExec> stages = new ArrayList<>();
        if (plan instanceof WholeStageCodegenExec stage) {
            stages.add(stage);
        }
        JavaConverters.seqAsJavaListConverter(plan.children()).asJava().forEach(child -> stages.addAll(stages(child)));
        return stages;
    }

    /** The projections of a stage, down to its input (an InputAdapter: the next stage's). */
    private static List<ProjectExec> projects(SparkPlan plan) {
        List<ProjectExec> projects = new ArrayList<>();
        if (plan instanceof InputAdapter) {
            return projects;
        }
        if (plan instanceof ProjectExec project) {
            projects.add(project);
        }
        JavaConverters.seqAsJavaListConverter(plan.children())
                .asJava()
                .forEach(child -> projects.addAll(projects(child)));
        return projects;
    }

    /**
     * The class a projection runs as outside whole-stage code ({@code UnsafeProjection.create}): the
     * template of GenerateUnsafeProjection's private create, which returns only an instance.
     */
    private static CodeAndComment projectionCode(ProjectExec project) {
        CodegenContext ctx = new CodegenContext();
        Seq<Expression> bound = GenerateUnsafeProjection$.MODULE$.canonicalize(bound(project));
        ExprCode eval = GenerateUnsafeProjection$.MODULE$.createCode(
                ctx, bound, SQLConf.get().subexpressionEliminationEnabled());
        String body = "public java.lang.Object generate(Object[] references) {\n"
                + "  return new SpecificUnsafeProjection(references);\n}\n"
                + "class SpecificUnsafeProjection extends " + UnsafeProjection.class.getName() + " {\n"
                + "  private Object[] references;\n"
                + ctx.declareMutableStates() + "\n"
                + "  public SpecificUnsafeProjection(Object[] references) {\n"
                + "    this.references = references;\n"
                + ctx.initMutableStates() + "\n  }\n"
                + "  public void initialize(int partitionIndex) {\n" + ctx.initPartition() + "\n  }\n"
                + "  public java.lang.Object apply(java.lang.Object row) {\n"
                + "    return apply((InternalRow) row);\n  }\n"
                + "  public UnsafeRow apply(InternalRow " + ctx.INPUT_ROW() + ") {\n"
                + eval.code() + "\n    return " + eval.value() + ";\n  }\n"
                + ctx.declareAddedFunctions() + "\n}\n";
        return CodeFormatter$.MODULE$.stripOverlappingComments(
                new CodeAndComment(body, ctx.getPlaceHolderToComments()));
    }

    /** The projection's expressions bound to its input's columns, as ProjectExec binds them. */
    @SuppressWarnings("unchecked")
    private static Seq<Expression> bound(ProjectExec project) {
        try {
            // The input's AttributeSeq is an implicit class of a Scala package object: Java cannot name it.
            Class<?> attributes = Class.forName("org.apache.spark.sql.catalyst.expressions.package$AttributeSeq");
            Object input = attributes
                    .getConstructor(Seq.class)
                    .newInstance(project.child().output());
            return (Seq<Expression>) BindReferences$.class
                    .getMethod("bindReferences", Seq.class, attributes)
                    .invoke(BindReferences$.MODULE$, project.projectList(), input);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int maxMethodCodeSize(CodeAndComment code) {
        ByteCodeStats stats = CodeGenerator$.MODULE$.compile(code)._2();
        assertThat(stats.maxMethodCodeSize())
                .as("the generated code's statistics")
                .isPositive();
        return stats.maxMethodCodeSize();
    }
}
