package io.github.userspipeline.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class TaskMainTest {

    record Summary(String task, int usersCount) {}

    @Command(name = "demo-task")
    static class DemoTask implements Callable<Summary> {
        @Option(names = "--users-count", defaultValue = "10")
        int usersCount;

        @Option(names = "--fail-with")
        String failWith;

        @Override
        public Summary call() {
            BadOptionValue.requireWithin("USERS_COUNT", usersCount, 1, 100);
            if (failWith != null) {
                throw new TaskFailure(
                        "first line\nsecond line", new Summary("demo-task", -1), new IllegalStateException(failWith));
            }
            return new Summary("demo-task", usersCount);
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return TaskMain.execute(new DemoTask(), args, new PrintStream(out, true), new PrintStream(err, true));
    }

    private String lastLine(ByteArrayOutputStream stream) {
        String[] lines = stream.toString(StandardCharsets.UTF_8).strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void successPrintsTheSnakeCaseSummaryAsLastStdoutLine() {
        assertThat(run("--users-count", "7")).isZero();
        assertThat(lastLine(out)).isEqualTo("{\"task\":\"demo-task\",\"users_count\":7}");
    }

    @Test
    void aBadOptionValueIsRefusedLikeABadOptionWithExitTwo() {
        assertThat(run("--users-count", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: demo-task");
        assertThat(lastLine(err)).isEqualTo("demo-task failed: USERS_COUNT must be within 1..100, got 0");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void failurePrintsSummaryThenOneLineReasonAndExitsOne() {
        assertThat(run("--fail-with", "boom")).isEqualTo(1);
        assertThat(lastLine(out))
                .isEqualTo("{\"task\":\"demo-task\",\"users_count\":-1,"
                        + "\"failure\":\"first line second line: boom\"}");
        assertThat(lastLine(err)).isEqualTo("demo-task failed: first line second line: boom");
    }

    @Test
    void aStackTraceInsideAMessageStaysOutOfTheReason() {
        // Spark's job failures carry the executor's stack trace in their message.
        Exception sparkFailure = new IllegalStateException("Job aborted due to stage failure: Lost task 0.3:"
                + " com.example.NodeUnavailableException: No connection to node 1\n\tat com.example.Pool.take(Pool.java:42)"
                + "\n\tat java.base/java.lang.Thread.run(Thread.java:840)\n\tSuppressed: x\n\nDriver stacktrace:");

        assertThat(TaskMain.oneLineReason(new TaskFailure("the streaming query failed", sparkFailure)))
                .isEqualTo("the streaming query failed: Job aborted due to stage failure: Lost task 0.3:"
                        + " com.example.NodeUnavailableException: No connection to node 1");
    }

    @Test
    void configureSetsTheOptionsWithoutRunningTheTask() {
        // Run, the task would refuse USERS_COUNT=0.
        DemoTask task = TaskMain.configure(new DemoTask(), "--users-count", "0", "--fail-with", "boom");

        assertThat(task.usersCount).isZero();
        assertThat(task.failWith).isEqualTo("boom");
    }

    @Test
    void unknownOptionExitsTwoWithoutSummary() {
        assertThat(run("--no-such-option")).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: demo-task");
        assertThat(lastLine(err)).isEqualTo("demo-task failed: Unknown option: '--no-such-option'");
    }

    @Test
    void environmentBeatsDefaultAndCommandLineBeatsEnvironment() {
        DemoTask fromEnv = new DemoTask();
        new CommandLine(fromEnv)
                .setDefaultValueProvider(new EnvironmentDefaults(Map.of("USERS_COUNT", "42")))
                .parseArgs();
        assertThat(fromEnv.usersCount).isEqualTo(42);

        DemoTask fromCli = new DemoTask();
        new CommandLine(fromCli)
                .setDefaultValueProvider(new EnvironmentDefaults(Map.of("USERS_COUNT", "42")))
                .parseArgs("--users-count", "3");
        assertThat(fromCli.usersCount).isEqualTo(3);

        DemoTask fromDefault = new DemoTask();
        new CommandLine(fromDefault)
                .setDefaultValueProvider(new EnvironmentDefaults(Map.of()))
                .parseArgs();
        assertThat(fromDefault.usersCount).isEqualTo(10);
    }
}
