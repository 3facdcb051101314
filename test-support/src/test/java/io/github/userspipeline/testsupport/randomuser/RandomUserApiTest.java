package io.github.userspipeline.testsupport.randomuser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stand-in must answer like randomuser.me, or tests of fetch-users prove nothing. */
class RandomUserApiTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private RandomUserApi api;

    @BeforeEach
    void start() throws Exception {
        api = RandomUserApi.start("127.0.0.1", 0, 100, Duration.ofMinutes(5));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        String root = api.baseUrl().replace("/api/1.4/", "");
        return http.send(
                HttpRequest.newBuilder(URI.create(root + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static List<String> uuids(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.path("results").forEach(user -> ids.add(user.at("/login/uuid").asText()));
        return ids;
    }

    @Test
    void sameSeedPageAndResultsGiveTheSameUsers() throws Exception {
        JsonNode first = body("/api/1.4/?seed=abc&page=2&results=5");
        JsonNode again = body("/api/1.4/?seed=abc&page=2&results=5");
        JsonNode otherPage = body("/api/1.4/?seed=abc&page=3&results=5");

        assertThat(again.path("results")).isEqualTo(first.path("results"));
        assertThat(uuids(first)).hasSize(5).doesNotContainAnyElementsOf(uuids(otherPage));
        assertThat(first.path("info").path("seed").asText()).isEqualTo("abc");
        assertThat(first.path("info").path("page").asInt()).isEqualTo(2);
        assertThat(first.path("info").path("version").asText()).isEqualTo("1.4");
    }

    /** Reports chart them: born 1944–2003 and registered 2003–2022, as the real API's users, whatever the day. */
    @Test
    void datesSpanTheYearsOfTheRealApisUsers() throws Exception {
        List<Integer> born = new ArrayList<>();
        List<Integer> registered = new ArrayList<>();
        body("/api/1.4/?seed=dates&results=100").path("results").forEach(user -> {
            born.add(Integer.parseInt(user.at("/dob/date").asText().substring(0, 4)));
            registered.add(Integer.parseInt(user.at("/registered/date").asText().substring(0, 4)));
        });
        assertThat(born).hasSize(100).allSatisfy(year -> assertThat(year).isBetween(1944, 2003));
        assertThat(registered).allSatisfy(year -> assertThat(year).isBetween(2003, 2022));
        assertThat(registered.stream().distinct().count())
                .as("years apart, not one")
                .isGreaterThan(10);
    }

    @Test
    void withoutSeedTheInfoReportsARandomOne() throws Exception {
        assertThat(body("/api/?results=1").path("info").path("seed").asText()).hasSize(16);
    }

    @Test
    void outOfRangeResultsAndPageBecomeOne() throws Exception {
        assertThat(body("/api/1.4/?seed=s&results=5001").path("results").size()).isEqualTo(1);
        assertThat(body("/api/1.4/?seed=s&results=abc").path("results").size()).isEqualTo(1);
        assertThat(body("/api/1.4/?seed=s&results=2&page=0")
                        .path("info")
                        .path("page")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void incKeepsOnlyTheNamedFieldsAndExcDropsThem() throws Exception {
        JsonNode included = body("/api/1.4/?seed=s&results=1&inc=name,login")
                .path("results")
                .get(0);
        assertThat(included.properties())
                .extracting(java.util.Map.Entry::getKey)
                .containsExactly("name", "login");
        JsonNode excluded =
                body("/api/1.4/?seed=s&results=1&exc=login,id").path("results").get(0);
        assertThat(excluded.has("login")).isFalse();
        assertThat(excluded.has("id")).isFalse();
        assertThat(excluded.has("email")).isTrue();
    }

    @Test
    void nationalityQuirksMatchTheRealApi() throws Exception {
        for (JsonNode user : body("/api/1.4/?seed=q&results=20&nat=gb,ca").path("results")) {
            assertThat(user.path("nat").asText()).isIn("GB", "CA");
            assertThat(user.at("/location/postcode").isTextual()).isTrue();
            assertThat(user.at("/location/coordinates/latitude").isTextual()).isTrue();
        }
        for (JsonNode user : body("/api/1.4/?seed=q&results=20&nat=ua").path("results")) {
            assertThat(user.at("/location/postcode").isInt()).isTrue();
            assertThat(user.at("/id/value").isNull()).isTrue();
            assertThat(user.at("/login/password").isTextual()).isTrue();
        }
    }

    @Test
    void aPrerenderedAnswerIsTheAnswerAndStillCountsAgainstTheRateLimit() throws Exception {
        String request = "/api/1.4/?results=60&page=2&seed=pre&inc=name,login";
        JsonNode rendered = body(request);
        api.close();
        api = RandomUserApi.start("127.0.0.1", 0, 100, Duration.ofMinutes(5));
        api.prerender(URI.create(request));

        JsonNode served = body(request);
        assertThat(served.path("results")).isEqualTo(rendered.path("results"));
        assertThat(served.path("info")).isEqualTo(rendered.path("info"));
        assertThat(get(request).statusCode()).as("120 users of 100 per window").isEqualTo(429);
    }

    @Test
    void unknownVersionIsAPlainText404() throws Exception {
        HttpResponse<String> response = get("/api/9.9/?results=1");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    }

    @Test
    void rateLimitAnswers429WithTheApiErrorBody() throws Exception {
        assertThat(get("/api/1.4/?results=60").statusCode()).isEqualTo(200);
        HttpResponse<String> limited = get("/api/1.4/?results=60");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(json.readTree(limited.body()).path("error").asText()).startsWith("Whoa, ease up there cowboy");
        assertThat(api.rateLimited()).isEqualTo(1);
    }

    @Test
    void injectedFaultsAreServedOncePerRequestInOrder() throws Exception {
        api.inject(
                Fault.tooManyRequests(),
                Fault.serverError(500),
                Fault.serverError(503),
                Fault.emptyResults(),
                Fault.malformedJson(),
                Fault.invalidUser());
        assertThat(get("/api/1.4/?results=1").statusCode()).isEqualTo(429);
        HttpResponse<String> error = get("/api/1.4/?results=1");
        assertThat(error.statusCode()).isEqualTo(500);
        assertThat(json.readTree(error.body()).path("error").asText()).startsWith("Uh oh, something has gone wrong");
        assertThat(get("/api/1.4/?results=1").statusCode()).isEqualTo(503);
        assertThat(body("/api/1.4/?results=1").path("results").size()).isZero();
        assertThat(get("/api/1.4/?results=1").body()).doesNotEndWith("}");
        assertThat(body("/api/1.4/?results=2").at("/results/0/email").asText()).isEqualTo("not-an-email");
        assertThat(body("/api/1.4/?results=2").at("/results/0/email").asText()).endsWith("@example.com");
        assertThat(api.requests()).isEqualTo(7);
    }

    private int post(String pathAndQuery) throws Exception {
        String root = api.baseUrl().replace("/api/1.4/", "");
        HttpRequest request = HttpRequest.newBuilder(URI.create(root + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void faultsInjectedOverHttpAreServedLikeInjectedOnes() throws Exception {
        assertThat(post("/_stand-in/faults?fault=invalid-user&count=2")).isEqualTo(204);
        assertThat(post("/_stand-in/faults?fault=too-many-requests")).isEqualTo(204);
        assertThat(post("/_stand-in/faults?fault=no-such-fault")).isEqualTo(400);
        assertThat(post("/_stand-in/faults?fault=invalid-user&count=0")).isEqualTo(400);
        assertThat(get("/_stand-in/faults?fault=invalid-user").statusCode()).isEqualTo(400);

        assertThat(body("/api/1.4/?results=2").at("/results/0/email").asText()).isEqualTo("not-an-email");
        assertThat(body("/api/1.4/?results=2").at("/results/0/email").asText()).isEqualTo("not-an-email");
        assertThat(get("/api/1.4/?results=1").statusCode()).isEqualTo(429);
        assertThat(body("/api/1.4/?results=2").at("/results/0/email").asText()).endsWith("@example.com");
        // The control requests are not the API's: they count neither as requests nor against the limit.
        assertThat(api.requests()).isEqualTo(4);
    }

    @Test
    void aStallAfterHeadersSendsHeadersAndHalfTheBodyAtOnceThenTheRestAfterTheDelay() throws Exception {
        api.inject(Fault.stallAfterHeaders(Duration.ofSeconds(2)));
        long started = System.nanoTime();
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create(api.baseUrl() + "?seed=s&results=50"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        long length = response.headers().firstValueAsLong("Content-Length").orElseThrow();
        try (InputStream body = response.body()) {
            assertThat(body.readNBytes((int) length / 2)).hasSize((int) length / 2);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("headers and half the body")
                    .isLessThan(Duration.ofSeconds(1));
            byte[] all = body.readAllBytes();
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("the rest after the stall")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(all).hasSize((int) (length - length / 2));
        }
        assertThat(body("/api/1.4/?seed=s&results=50").path("results")).hasSize(50);
    }

    @Test
    void aHugeBodyIsStreamedChunkedAsValidJson() throws Exception {
        api.inject(Fault.hugeBody(8 << 20));
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create(api.baseUrl() + "?seed=s&results=5"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length"))
                .as("chunked: its size is not known ahead")
                .isEmpty();
        byte[] bytes;
        try (InputStream stream = response.body()) {
            bytes = stream.readAllBytes();
        }
        assertThat(bytes.length).isGreaterThanOrEqualTo(8 << 20);
        JsonNode body = json.readTree(bytes);
        assertThat(body.path("results").size())
                .isEqualTo(body.at("/info/results").asInt())
                .isGreaterThan(5000);
        assertThat(body.path("results").get(0).path("email").asText()).endsWith("@example.com");
    }
}
