package io.github.userspipeline.task;

/**
 * An option set to a value the task cannot work with. {@link TaskMain} refuses it like a malformed
 * option: the usage, the one-line reason as the last line, exit status 2 (a retry would not help).
 */
public class BadOptionValue extends TaskFailure {

    public BadOptionValue(String reason) {
        super(reason);
    }

    /** A refusal of a text value: what it must be, and (the start of) what it is, quoted. */
    public static BadOptionValue mustBe(String variable, String rule, String value) {
        return new BadOptionValue(variable + " must be " + rule + ", got \"" + Excerpt.of(value) + "\"");
    }

    /** {@code value} within {@code minimum..maximum}, or a refusal naming the environment variable. */
    public static long requireWithin(String variable, long value, long minimum, long maximum) {
        if (value < minimum || value > maximum) {
            throw new BadOptionValue(variable + " must be within " + minimum + ".." + maximum + ", got " + value);
        }
        return value;
    }

    /** {@code value} at least {@code minimum}, or a refusal naming the environment variable. */
    public static long requireAtLeast(String variable, long value, long minimum) {
        if (value < minimum) {
            throw new BadOptionValue(variable + " must be at least " + minimum + ", got " + value);
        }
        return value;
    }

    /** A timeout of at least 1 s: 0 would not mean "no limit" but fail or wait forever, depending on the library. */
    public static long requireTimeout(String variable, long seconds) {
        if (seconds < 1) {
            throw new BadOptionValue(variable + " must be at least 1 s (there is no \"no timeout\"), got " + seconds);
        }
        return seconds;
    }
}
