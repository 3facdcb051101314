package io.github.userspipeline.testsupport;

import io.github.userspipeline.task.EnvironmentDefaults;
import io.github.userspipeline.task.SettingNames;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The environment variables a task reads, from its picocli options, as {@link EnvironmentDefaults} names them. */
public final class TaskSettings {

    private TaskSettings() {}

    /** Every variable {@code task} reads (not --help's and --version's). */
    public static Set<String> names(Callable<?> task) {
        return names(new CommandLine(task).getCommandSpec());
    }

    private static Set<String> names(CommandSpec spec) {
        return spec.options().stream()
                .filter(option -> !option.usageHelp() && !option.versionHelp())
                .map(EnvironmentDefaults::variableName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The variables {@code task} reads that break {@link SettingNames}' scheme: neither shared nor
     * with the task's own prefix, so that another task could read the same name with another meaning.
     */
    public static Set<String> outOfScheme(Callable<?> task) {
        CommandSpec spec = new CommandLine(task).getCommandSpec();
        String prefix = SettingNames.OWN_PREFIXES.get(spec.name());
        if (prefix == null) {
            throw new IllegalArgumentException(spec.name() + " has no prefix in SettingNames.OWN_PREFIXES");
        }
        return names(spec).stream()
                .filter(name -> !name.startsWith(prefix) && !SettingNames.SHARED.containsKey(name))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
