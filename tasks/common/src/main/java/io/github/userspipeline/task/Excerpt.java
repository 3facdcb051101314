package io.github.userspipeline.task;

/**
 * The start of a value that a reason quotes: anyone can put a megabyte in a field, and a reason
 * must stay a line.
 */
public final class Excerpt {

    /** Characters quoted at most. */
    public static final int LENGTH = 100;

    /** Ends a value that was cut. */
    public static final String CUT = "…";

    private Excerpt() {}

    /** {@code value} itself, or its first {@link #LENGTH} characters and {@link #CUT}; "" for null. */
    public static String of(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= LENGTH ? value : value.substring(0, LENGTH) + CUT;
    }
}
