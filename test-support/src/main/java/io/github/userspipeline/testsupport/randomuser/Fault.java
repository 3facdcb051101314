package io.github.userspipeline.testsupport.randomuser;

import java.time.Duration;

/**
 * One misbehaviour of the API, served instead of (or within) the next response: the failure
 * shapes that randomuser.me and the proxies in front of it are seen to produce.
 */
public record Fault(Kind kind, int status, Duration delay, long bytes) {

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
        INVALID_USER,
        /**
         * The normal answer's headers and first half, then nothing for {@code delay}, then the
         * rest: a stalled connection that a timeout on the headers alone does not notice.
         */
        STALL_AFTER_HEADERS,
        /** HTTP 200 with a JSON body of at least {@code bytes}, streamed chunk by chunk. */
        HUGE_BODY
    }

    public static Fault tooManyRequests() {
        return new Fault(Kind.TOO_MANY_REQUESTS, 429, Duration.ZERO, 0);
    }

    public static Fault serverError(int status) {
        return new Fault(Kind.SERVER_ERROR, status, Duration.ZERO, 0);
    }

    public static Fault emptyResults() {
        return new Fault(Kind.EMPTY_RESULTS, 200, Duration.ZERO, 0);
    }

    public static Fault malformedJson() {
        return new Fault(Kind.MALFORMED_JSON, 200, Duration.ZERO, 0);
    }

    public static Fault slow(Duration delay) {
        return new Fault(Kind.SLOW, 200, delay, 0);
    }

    public static Fault invalidUser() {
        return new Fault(Kind.INVALID_USER, 200, Duration.ZERO, 0);
    }

    public static Fault stallAfterHeaders(Duration delay) {
        return new Fault(Kind.STALL_AFTER_HEADERS, 200, delay, 0);
    }

    public static Fault hugeBody(long bytes) {
        return new Fault(Kind.HUGE_BODY, 200, Duration.ZERO, bytes);
    }
}
