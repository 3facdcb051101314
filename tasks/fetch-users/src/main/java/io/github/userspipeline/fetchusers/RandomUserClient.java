package io.github.userspipeline.fetchusers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches pages of users from the randomuser.me API. Transient trouble (429, 5xx, timeouts,
 * connection errors, an empty or cut-off batch) is retried with exponential backoff and jitter
 * until {@code giveUpAfter}; anything else (a 404 from a wrong URL, say) fails at once. The API's
 * rate limit is respected on this side, so a long run waits instead of being turned away.
 */
final class RandomUserClient {

    private static final Logger log = LoggerFactory.getLogger(RandomUserClient.class);

    /** A failure worth another try: the API is busy or broken for a moment. */
    static final class TransientApiError extends IOException {
        TransientApiError(String message) {
            super(message);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http;
    private final String baseUrl;
    private final Duration requestTimeout;
    private final UsersRateLimit rateLimit;
    private final FailsafeExecutor<List<JsonNode>> retries;

    /**
     * @param usersPerWindow the API's rate limit (users per {@code window} per client); 0 lifts it
     */
    RandomUserClient(String baseUrl, Duration requestTimeout, Duration giveUpAfter, int usersPerWindow,
            Duration window) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.rateLimit = usersPerWindow > 0 ? new UsersRateLimit(usersPerWindow, window) : null;
        RetryPolicy<List<JsonNode>> retryPolicy = RetryPolicy.<List<JsonNode>>builder()
                .handle(IOException.class)
                .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(30))
                .withJitter(0.25)
                .withMaxRetries(-1)
                .withMaxDuration(giveUpAfter)
                .onRetry(event -> log.warn("randomuser request failed ({}); retry {}",
                        describe(event.getLastException()), event.getAttemptCount()))
                .build();
        this.retries = Failsafe.with(retryPolicy);
    }

    /** The users of one page, exactly {@code results} of them, or an exception naming the last failure. */
    List<JsonNode> fetchPage(String seed, int page, int results, String nationalities) {
        URI uri = URI.create(baseUrl + "?results=" + results + "&page=" + page + "&seed=" + encode(seed)
                + "&inc=" + UserMapper.INCLUDED_FIELDS
                + (nationalities.isBlank() ? "" : "&nat=" + encode(nationalities)));
        try {
            return retries.get(() -> attempt(uri, results));
        } catch (FailsafeException e) {
            throw new IllegalStateException("randomuser API " + uri + " still failing after retries: "
                    + describe(e.getCause()), e.getCause());
        }
    }

    private List<JsonNode> attempt(URI uri, int results) throws IOException, InterruptedException {
        if (rateLimit != null) {
            rateLimit.acquire(results);
        }
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw new TransientApiError("HTTP " + status + " " + errorOf(response.body()));
        }
        if (status != 200) {
            // Not retried: a wrong URL or version stays wrong.
            throw new IllegalStateException("HTTP " + status + " " + errorOf(response.body()));
        }
        JsonNode body;
        try {
            body = mapper.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new TransientApiError("malformed JSON: " + e.getOriginalMessage());
        }
        JsonNode users = body.path("results");
        if (users.size() != results) {
            throw new TransientApiError("asked for " + results + " users, got " + users.size());
        }
        List<JsonNode> page = new ArrayList<>(results);
        users.forEach(page::add);
        return page;
    }

    /** The API's {@code {"error": …}} message, or the start of whatever else came back. */
    private String errorOf(byte[] body) {
        try {
            JsonNode error = mapper.readTree(body).path("error");
            if (error.isTextual()) {
                return error.asText();
            }
        } catch (IOException e) {
            // not JSON: a proxy's page
        }
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
