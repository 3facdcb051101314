package io.github.userspipeline.testsupport.randomuser;

import java.time.Duration;

/**
 * One misbehaviour of the API, served instead of (or within) the next response: the failure
 * shapes that randomuser.me and the proxies in front of it are seen to produce.
 */
public record Fault(Kind kind, int status, Duration delay) {

    public enum Kind {
        /** The API's rate-limit answer: HTTP 429 with its JSON error body. */
        TOO_MANY_REQUESTS,
        /** A 5xx: the API's own JSON error for 500, a proxy's HTML page for 502/503/504. */
        SERVER_ERROR,
        /** HTTP 200 with {@code "results": []}, seen during outages. */
        EMPTY_RESULTS,
        /** HTTP 200 whose body is cut off mid-JSON. */
        MALFORMED_JSON,
        /** The normal answer, after a delay (longer than a client's timeout, to test it). */
        SLOW,
        /** The normal answer, but its first user has an invalid email and date of birth. */
        INVALID_USER
    }

    public static Fault tooManyRequests() {
        return new Fault(Kind.TOO_MANY_REQUESTS, 429, Duration.ZERO);
    }

    public static Fault serverError(int status) {
        return new Fault(Kind.SERVER_ERROR, status, Duration.ZERO);
    }

    public static Fault emptyResults() {
        return new Fault(Kind.EMPTY_RESULTS, 200, Duration.ZERO);
    }

    public static Fault malformedJson() {
        return new Fault(Kind.MALFORMED_JSON, 200, Duration.ZERO);
    }

    public static Fault slow(Duration delay) {
        return new Fault(Kind.SLOW, 200, delay);
    }

    public static Fault invalidUser() {
        return new Fault(Kind.INVALID_USER, 200, Duration.ZERO);
    }
}
