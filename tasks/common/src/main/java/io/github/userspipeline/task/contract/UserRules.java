package io.github.userspipeline.task.contract;

import io.github.userspipeline.task.Excerpt;
import java.time.Instant;
import java.time.Month;
import java.time.Year;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The validation rules of a user and the reason texts that name a broken one, defined once. Two
 * evaluators apply them: fetch-users checks randomuser.me results in Java (the {@code check…}
 * methods here), stream-users checks Kafka records as Spark columns (with the patterns, limits and
 * texts here);
 * RulesParityTest in stream-users feeds both the same broken values and compares the reasons.
 * A reason names the field and quotes the value: "{field} is not a UUID: {value}".
 */
public final class UserRules {

    public static final String UUID_REGEX =
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    public static final String EMAIL_REGEX = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";
    /**
     * The shape of an ISO-8601 instant: date, 'T', time with seconds, a zone. Spark's timestamp
     * parser alone would also take "2026-11-21" or a time without a zone (read in the session's
     * zone); {@link Instant#parse} does not.
     */
    public static final String INSTANT_REGEX =
            "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$";

    /**
     * A record's contract version ({@link UserRecord#VERSION_FIELD}): a positive integer, without
     * sign, leading zero or fraction.
     */
    public static final String VERSION_REGEX = "^[1-9][0-9]*$";

    public static final List<String> GENDERS = List.of("male", "female");
    public static final int LATITUDE_LIMIT = 90;
    public static final int LONGITUDE_LIMIT = 180;
    /** Between the problems of one record. */
    public static final String SEPARATOR = "; ";
    /** Between a problem's text and the value it quotes. */
    private static final String QUOTE = ": ";

    private static final Pattern UUID = Pattern.compile(UUID_REGEX);
    private static final Pattern EMAIL = Pattern.compile(EMAIL_REGEX);
    private static final Pattern INSTANT = Pattern.compile(INSTANT_REGEX);

    private UserRules() {}

    /**
     * The kind of a reason: the reason without the values it quotes, so that rejections can be
     * counted by it. Each problem keeps its text before its first ": " outside parentheses (the
     * job's run id rule, in parentheses, has one), and the problems stay joined by
     * {@link #SEPARATOR}: "email is not an address: x; dob.date is missing" is of kind "email is
     * not an address; dob.date is missing". The job's own reasons ("Cassandra refused the write:
     * …") are cut alike. A quoted value that itself holds "; " can add a problem of its own text.
     */
    public static String kindOf(String reason) {
        StringJoiner kind = new StringJoiner(SEPARATOR);
        for (String problem : reason.split(Pattern.quote(SEPARATOR), -1)) {
            kind.add(problem.substring(0, textEnd(problem)));
        }
        return kind.toString();
    }

    /** Where a problem's text ends: at its first {@link #QUOTE} outside parentheses, or at its end. */
    private static int textEnd(String problem) {
        int depth = 0;
        for (int i = 0; i < problem.length(); i++) {
            char c = problem.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (depth == 0 && problem.startsWith(QUOTE, i)) {
                return i;
            }
        }
        return problem.length();
    }

    // The Java evaluator: the reason when the value breaks the rule, null when it keeps it.

    public static String checkPresent(String field, String value) {
        return value == null || value.isBlank() ? missing(field) : null;
    }

    public static String checkUuid(String field, String value) {
        return value != null && UUID.matcher(value).matches() ? null : notUuid(field) + quote(value);
    }

    public static String checkEmail(String field, String value) {
        return value != null && EMAIL.matcher(value).matches() ? null : notEmail(field) + quote(value);
    }

    public static String checkGender(String field, String value) {
        // List.of(…).contains(null) throws: a user without gender is rejected like any other.
        return value != null && GENDERS.contains(value) ? null : unknownGender(field) + quote(value);
    }

    public static String checkInstant(String field, String value) {
        try {
            if (value != null && INSTANT.matcher(value).matches()) {
                if (!plainUtcInstant(value)) {
                    Instant.parse(value);
                }
                return null;
            }
        } catch (DateTimeParseException e) {
            // a day or hour that does not exist: the reason below
        }
        return notInstant(field) + quote(value);
    }

    /**
     * True when {@code value}, of {@link #INSTANT_REGEX}'s shape, is a UTC instant whose date and
     * time exist, each field within its range: {@link Instant#parse} takes it then. The quick
     * path for what the API sends, as parsing cost more than all the rest of checking a user;
     * false leaves the verdict to {@link Instant#parse} (offsets, 24:00, leap seconds).
     */
    private static boolean plainUtcInstant(String value) {
        if (value.charAt(value.length() - 1) != 'Z') {
            return false;
        }
        int year = digits(value, 0, 4);
        int month = digits(value, 5, 7);
        int day = digits(value, 8, 10);
        return month >= 1
                && month <= 12
                && day >= 1
                && day <= Month.of(month).length(Year.isLeap(year))
                && digits(value, 11, 13) <= 23
                && digits(value, 14, 16) <= 59
                && digits(value, 17, 19) <= 59;
    }

    private static int digits(String value, int from, int to) {
        int number = 0;
        for (int i = from; i < to; i++) {
            number = number * 10 + (value.charAt(i) - '0');
        }
        return number;
    }

    /** {@code value} is the number's text, as JSON carries it. */
    public static String checkCoordinate(String field, String value, int limit) {
        try {
            if (Math.abs(Double.parseDouble(value == null ? "" : value)) <= limit) {
                return null;
            }
        } catch (NumberFormatException e) {
            // the reason below
        }
        return notCoordinate(field, limit) + quote(value);
    }

    /** The value as a reason quotes it: cut as {@link Excerpt} cuts it, "null" when absent. */
    private static String quote(String value) {
        return value == null ? "null" : Excerpt.of(value);
    }

    // The reasons: each is followed by the offending value, except missing().

    public static String missing(String field) {
        return field + " is missing";
    }

    public static String notUuid(String field) {
        return field + " is not a UUID: ";
    }

    public static String notEmail(String field) {
        return field + " is not an address: ";
    }

    public static String unknownGender(String field) {
        return "unknown " + field + ": ";
    }

    public static String notInstant(String field) {
        return field + " is not an ISO-8601 instant: ";
    }

    public static String notVersion(String field) {
        return field + " is not a positive integer: ";
    }

    /** A record of a contract the job does not know yet: the job is deployed first, then fetch-users. */
    public static String newerVersion(String field, int known) {
        return field + " is newer than this job's " + known + " (upgrade stream-users before fetch-users): ";
    }

    public static String notCoordinate(String field, int limit) {
        return field + " is not a number within ±" + limit + ": ";
    }
}
