package io.github.userspipeline.fetchusers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import io.github.userspipeline.task.TransientRetries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches pages of users from the randomuser.me API and maps them ({@link UserMapper}) as they come. Transient trouble (429, 5xx, timeouts,
 * connection errors, an empty or cut-off batch) is retried with exponential backoff and jitter
 * until {@code giveUpAfter}; anything else (a 404 from a wrong URL, an answer over the size cap)
 * fails at once. Each exchange is bounded as a whole, body included, in time and size. The API's
 * rate limit is respected on this side, so a long run waits instead of being turned away.
 */
final class RandomUserClient {

    /** A failure worth another try: the API is busy or broken for a moment. */
    static final class TransientApiError extends IOException {
        TransientApiError(String message) {
            super(message);
        }
    }

    /** One page's users, mapped, in the API's order. */
    record Page(int number, List<UserMapper.Mapped> users) {}

    private final ObjectMapper mapper = new ObjectMapper();
    private final String runId;
    private final HttpClient http;
    private final String baseUrl;
    private final Duration requestTimeout;
    private final int maxResponseMiB;
    private final UsersRateLimit rateLimit;
    private final FailsafeExecutor<Page> retries;

    /**
     * @param requestTimeout the most one exchange may take, from connecting to the body's last byte
     * @param maxResponseMiB the largest answer taken, in MiB
     * @param usersPerWindow the API's rate limit (users per {@code window} per client); 0 lifts it
     */
    RandomUserClient(
            String runId,
            String baseUrl,
            Duration requestTimeout,
            int maxResponseMiB,
            Duration giveUpAfter,
            int usersPerWindow,
            Duration window) {
        this.runId = runId;
        this.baseUrl = baseUrl;
        this.requestTimeout = requestTimeout;
        this.maxResponseMiB = maxResponseMiB;
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.rateLimit = new UsersRateLimit(usersPerWindow, window);
        RetryPolicy<Page> retryPolicy = TransientRetries.policy(
                IOException.class::isInstance,
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                giveUpAfter,
                "randomuser request",
                RandomUserClient::describe);
        this.retries = Failsafe.with(retryPolicy);
    }

    /** The request for one page: the benchmark's stand-in renders these in advance. */
    static URI pageUri(String baseUrl, String seed, int page, int results, String nationalities) {
        return URI.create((baseUrl.endsWith("/") ? baseUrl : baseUrl + "/") + "?results=" + results + "&page=" + page
                + "&seed=" + encode(seed) + "&inc=" + UserMapper.INCLUDED_FIELDS
                + (nationalities.isBlank() ? "" : "&nat=" + encode(nationalities)));
    }

    /** The users of one page, exactly {@code results} of them, or an exception naming the last failure. */
    Page fetchPage(String seed, int page, int results, String nationalities) {
        URI uri = pageUri(baseUrl, seed, page, results, nationalities);
        try {
            return retries.get(() -> new Page(page, attempt(uri, results)));
        } catch (FailsafeException e) {
            throw new IllegalStateException(
                    "randomuser API " + uri + " still failing after retries: " + describe(e.getCause()), e.getCause());
        } catch (ResponseTooLarge e) {
            throw new IllegalStateException("randomuser API " + uri + " answered with more than " + maxResponseMiB
                    + " MiB (RANDOMUSER_MAX_RESPONSE_MB); a page of 5,000 users is about 5 MiB");
        }
    }

    /**
     * One request. Its users are booked with the rate limit first, and handed back when the API
     * served none (no 200 came, or an empty batch), as the API does not count those either.
     */
    private List<UserMapper.Mapped> attempt(URI uri, int results) throws IOException, InterruptedException {
        UsersRateLimit.Grant grant = rateLimit.acquire(results);
        AtomicInteger headersStatus = new AtomicInteger();
        HttpResponse<byte[]> response;
        try {
            response = exchange(uri, headersStatus);
        } catch (IOException | InterruptedException e) {
            if (headersStatus.get() != 200) {
                rateLimit.refund(grant);
            }
            throw e;
        }
        int status = response.statusCode();
        if (status != 200) {
            rateLimit.refund(grant);
        }
        if (status == 429 || status >= 500) {
            throw new TransientApiError("HTTP " + status + " " + errorOf(response.body()));
        }
        if (status != 200) {
            // Not retried: a wrong URL or version stays wrong.
            throw new IllegalStateException("HTTP " + status + " " + errorOf(response.body()));
        }
        List<UserMapper.Mapped> users;
        try {
            users = UserMapper.mapResults(response.body(), runId, Instant.now());
        } catch (JsonProcessingException e) {
            throw new TransientApiError("malformed JSON: " + e.getOriginalMessage());
        }
        if (users.isEmpty()) {
            rateLimit.refund(grant);
        }
        if (users.size() != results) {
            throw new TransientApiError("asked for " + results + " users, got " + users.size());
        }
        return users;
    }

    /**
     * Sends the request and waits for the whole answer, body included, at most the request
     * timeout: {@link HttpRequest#timeout} stops counting once the headers are in (JDK-8258397).
     * {@code status} gets the status as soon as the headers arrive, 0 until then.
     */
    private HttpResponse<byte[]> exchange(URI uri, AtomicInteger status) throws IOException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
        CompletableFuture<HttpResponse<byte[]>> response = http.sendAsync(request, info -> {
            status.set(info.statusCode());
            return new CappedBody((long) maxResponseMiB << 20);
        });
        try {
            return response.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TransientApiError("no complete answer within " + requestTimeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ResponseTooLarge tooLarge) {
                throw tooLarge;
            }
            throw cause instanceof IOException io ? io : new IOException(cause);
        } finally {
            // Aborts the exchange if it is still going (a stalled body), closing its connection.
            response.cancel(true);
        }
    }

    /** An answer over the cap: not retried, as the same request would get the same answer. */
    static final class ResponseTooLarge extends RuntimeException {
        ResponseTooLarge() {
            super(null, null, false, false);
        }
    }

    /** Collects the body into memory, up to {@code maxBytes}; past that it hangs up and fails. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final long maxBytes;
        private Flow.Subscription subscription;

        CappedBody(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (body.isDone()) {
                    return;
                }
                if (received.size() + (long) buffer.remaining() > maxBytes) {
                    subscription.cancel();
                    body.completeExceptionally(new ResponseTooLarge());
                    return;
                }
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                received.writeBytes(bytes);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(received.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }
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
        String text =
                new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() != null
                ? failure.getMessage()
                : failure.getClass().getSimpleName();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
