package io.github.userspipeline.task;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Lets every option be set by an environment variable of the same name: {@code --users-count}
 * reads {@code USERS_COUNT}. Containers are configured by environment, people by options; an
 * option on the command line wins over the environment, which wins over the built-in default.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {

    private final Map<String, String> environment;

    public EnvironmentDefaults(Map<String, String> environment) {
        this.environment = environment;
    }

    /** {@code --kafka-bootstrap-servers} → {@code KAFKA_BOOTSTRAP_SERVERS}. */
    public static String variableName(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option) {
            String value = environment.get(variableName(option));
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return argSpec.defaultValue();
    }
}
