import io.github.userspipeline.task.EnvironmentDefaults;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Prints a task's options as a Markdown table (option, environment variable, default, meaning),
 * read from the task's own picocli model, so the table cannot drift from the code.
 * Run by script/options.sh with the task's jar on the classpath; the argument is its main class.
 */
public class OptionsTable {
    public static void main(String[] args) throws Exception {
        Object task = Class.forName(args[0]).getDeclaredConstructor().newInstance();
        CommandLine.Model.CommandSpec spec = new CommandLine(task).getCommandSpec();
        System.out.println("| option | environment | default | meaning |");
        System.out.println("|---|---|---|---|");
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String meaning = String.join(" ", option.description()).replaceAll("\\s*Env: \\w+\\.?$", "");
            String defaultValue = option.required() ? "(required)"
                    : option.defaultValue() == null || option.defaultValue().isEmpty() ? "(empty)"
                    : "`" + option.defaultValue() + "`";
            System.out.printf("| `%s` | `%s` | %s | %s |%n", option.longestName(),
                    EnvironmentDefaults.variableName(option), defaultValue, meaning.replace("|", "\\|"));
        }
    }
}
