package io.github.userspipeline.testsupport;

import io.github.userspipeline.task.TaskMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;

/**
 * Runs a task program inside the test's JVM, through {@link TaskMain} as its {@code main} does, for
 * tests that need no jar: what the task refuses before it talks to anyone. Configured by
 * {@code args} only (an in-process task sees this JVM's environment).
 */
public final class InProcessTask {

    private InProcessTask() {}

    /**
     * The one-line reason of a task that must refuse its options, the last stderr line; the test fails,
     * with that line, unless the task exits 2 as for bad options.
     */
    public static String refusal(Callable<?> task, List<String> defaults, String... args) {
        TaskJar.Run run = run(task, defaults, args);
        Assertions.assertEquals(2, run.exitCode(), run::lastStderrLine);
        return run.lastStderrLine();
    }

    /**
     * Runs {@code task} with {@code args} and those of {@code defaults} ({@code --name=value}) whose
     * options {@code args} does not give: a test's own value replaces a default instead of repeating
     * the option, which picocli refuses. Reports the exit status and output as a {@link TaskJar} run.
     */
    public static TaskJar.Run run(Callable<?> task, List<String> defaults, String... args) {
        Set<String> given = Arrays.stream(args).map(InProcessTask::optionName).collect(Collectors.toSet());
        List<String> all = new ArrayList<>();
        defaults.stream().filter(option -> !given.contains(optionName(option))).forEach(all::add);
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Instant started = Instant.now();
        int exitCode = TaskMain.execute(
                task,
                all.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new TaskJar.Run(
                exitCode,
                out.toString(StandardCharsets.UTF_8).lines().toList(),
                err.toString(StandardCharsets.UTF_8).lines().toList(),
                Duration.between(started, Instant.now()));
    }

    private static String optionName(String arg) {
        return arg.split("=", 2)[0];
    }
}
