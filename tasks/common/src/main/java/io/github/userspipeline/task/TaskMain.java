package io.github.userspipeline.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Runs a task program the way the DAG expects every step to behave:
 * options come from the command line or from environment variables of the same name
 * ({@code --kafka-topic} ⇔ {@code KAFKA_TOPIC}); on success the JSON summary is the last stdout
 * line (DockerOperator pushes it as the XCom) and the exit status is 0; on failure a one-line
 * reason is the last line of stderr and the exit status is 1 (2 for bad options or option values,
 * after the usage), after the summary with that reason as its {@code failure} when the task had
 * one to give.
 */
public final class TaskMain {

    /** Between the command's name and its one-line reason, in the last line of a failed task. */
    public static final String FAILED = " failed: ";

    /** The field of a failed task's summary that holds its one-line reason. */
    private static final String FAILURE_FIELD = "failure";

    /** snake_case JSON, so Java record components read like the documented summary fields. */
    public static final ObjectMapper JSON =
            new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /** Where a stack trace starts inside a message: its first frame or Spark's "Driver stacktrace:". */
    private static final Pattern STACK_TRACE = Pattern.compile("\\R(\\s+at |Driver stacktrace:)");

    private TaskMain() {}

    /** Parses {@code args}, runs {@code command} and returns the process exit status. */
    public static int execute(Callable<?> command, String[] args, PrintStream out, PrintStream err) {
        CommandLine commandLine = commandLine(command)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler((failure, cl, parseResult) -> fail(cl, failure, out, err))
                .setParameterExceptionHandler(
                        (badOptions, given) -> refuse(badOptions.getCommandLine(), badOptions, err));
        int status = commandLine.execute(args);
        Object summary = commandLine.getExecutionResult();
        if (status == 0 && summary != null) {
            printSummary(summary, out);
        }
        return status;
    }

    /**
     * {@code command} with its options set from {@code args} and the environment as {@link #execute}
     * sets them, not run: for tests that drive a task's parts themselves.
     */
    public static <T extends Callable<?>> T configure(T command, String... args) {
        commandLine(command).parseArgs(args);
        return command;
    }

    private static CommandLine commandLine(Callable<?> command) {
        return new CommandLine(command).setDefaultValueProvider(new EnvironmentDefaults(System.getenv()));
    }

    /** Entry point for a task's {@code main}: runs it and exits with its status. */
    public static void run(Callable<?> command, String[] args) {
        System.exit(execute(command, args, System.out, System.err));
    }

    private static int fail(CommandLine commandLine, Exception failure, PrintStream out, PrintStream err) {
        if (failure instanceof BadOptionValue) {
            return refuse(commandLine, failure, err);
        }
        String reason = oneLineReason(failure);
        if (failure instanceof TaskFailure taskFailure && taskFailure.summary() != null) {
            // The reason goes into the summary too: the XCom (and the Users report) then says why.
            ObjectNode summary = JSON.valueToTree(taskFailure.summary());
            printSummary(summary.put(FAILURE_FIELD, reason), out);
        }
        err.println(commandLine.getCommandName() + FAILED + reason);
        err.flush();
        return 1;
    }

    /**
     * Bad or missing options, or an option value the task cannot work with: the usage, then the
     * one-line reason as the last line, like any failure.
     */
    private static int refuse(CommandLine commandLine, Exception badOptions, PrintStream err) {
        commandLine.usage(err);
        err.println(commandLine.getCommandName() + FAILED + oneLineReason(badOptions));
        err.flush();
        return 2;
    }

    private static void printSummary(Object summary, PrintStream out) {
        try {
            out.println(JSON.writeValueAsString(summary));
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the summary as JSON", e);
        }
        out.flush();
    }

    /**
     * The failure and its causes, de-duplicated, on one line: what an operator reads first. A stack
     * trace inside a message (Spark puts the executor's into a job failure's) is left out.
     */
    static String oneLineReason(Throwable failure) {
        StringBuilder reason = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            message = STACK_TRACE.split(message, 2)[0].replaceAll("\\s+", " ").strip();
            if (reason.indexOf(message) < 0) {
                reason.append(reason.isEmpty() ? "" : ": ").append(message);
            }
        }
        return reason.toString();
    }
}
