package io.github.userspipeline.testsupport.randomuser;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A local HTTP server that answers like https://randomuser.me/api/ (there is no internet here).
 * It honours {@code results} (1..5000, anything else becomes 1), {@code page} (1..10000),
 * {@code seed} (same seed + page + results ⇒ same users; a seed disables {@code gender}),
 * {@code nat}, {@code inc}/{@code exc}, {@code format=pretty}; the version path
 * ({@code /api/}, {@code /api/1.4/}; an unknown version is a plain-text 404); the rate limit of
 * users per client per window (HTTP 429 with the API's body); and serves injected {@link Fault}s,
 * one per request, in the order given. For benchmarks it can render answers before they are asked
 * for ({@link #prerender}).
 *
 * <p>Run on its own: {@code java -cp test-support.jar ...RandomUserApi [port] [usersPerWindow]}.
 * Tests that reach it over HTTP only (in its container, beside the compose stack) inject faults with
 * {@code POST /_stand-in/faults?fault=invalid-user&count=N} (the names of {@link #FAULTS_BY_NAME}).
 */
public final class RandomUserApi implements AutoCloseable {

    public static final int DEFAULT_USERS_PER_WINDOW = 20_000;
    public static final Duration RATE_WINDOW = Duration.ofMinutes(5);

    static final String RATE_LIMIT_ERROR = "Whoa, ease up there cowboy. You've requested %d users in the last"
            + " 5 minutes. Help us keep this service free and spare some bandwidth for other users please :)";
    static final String SERVER_ERROR =
            "Uh oh, something has gone wrong. Please tweet us @randomapi about the issue." + " Thank you.";
    private static final Pattern PATH = Pattern.compile("^/api(?:/(?<version>[^/]+))?/?$");
    private static final Set<String> VERSIONS = Set.of("1.0", "1.1", "1.2", "1.3", "1.4");
    private static final String JSON = "application/json; charset=utf-8";
    /** Faults that change the normal answer rather than replace it. */
    private static final Set<Fault.Kind> WITHIN_ANSWER =
            EnumSet.of(Fault.Kind.SLOW, Fault.Kind.INVALID_USER, Fault.Kind.STALL_AFTER_HEADERS);

    /** The control path: not the API's, so that no client of the API can reach it by accident. */
    static final String FAULTS_PATH = "/_stand-in/faults";
    /** The faults that the control path injects: those that need no figures of their own. */
    static final Map<String, Supplier<Fault>> FAULTS_BY_NAME = Map.of(
            "too-many-requests", Fault::tooManyRequests,
            "server-error", () -> Fault.serverError(500),
            "empty-results", Fault::emptyResults,
            "malformed-json", Fault::malformedJson,
            "invalid-user", Fault::invalidUser);

    private static final List<String> FIELDS = List.of(
            "gender",
            "name",
            "location",
            "email",
            "login",
            "registered",
            "dob",
            "phone",
            "cell",
            "id",
            "picture",
            "nat");

    private final ObjectMapper mapper = new ObjectMapper();
    private final UserGenerator generator = new UserGenerator();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    /** Answers rendered in advance, by the request's raw path and query. */
    private final Map<String, byte[]> prerendered = new ConcurrentHashMap<>();

    private final Map<String, Deque<Served>> servedByClient = new HashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private final int usersPerWindow;
    private final Duration window;
    private final HttpServer server;
    private final ExecutorService executor;

    private record Served(Instant at, int users) {}

    private RandomUserApi(HttpServer server, int usersPerWindow, Duration window) {
        this.server = server;
        this.usersPerWindow = usersPerWindow;
        this.window = window;
        // One thread per request, so a slow answer never holds up the next one.
        this.executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts the stand-in on {@code host:port} (port 0: a free one) with a rate limit of
     * {@code usersPerWindow} users per client per {@code window}; 0 lifts it (for benchmarks).
     */
    public static RandomUserApi start(String host, int port, int usersPerWindow, Duration window) throws IOException {
        return new RandomUserApi(HttpServer.create(new InetSocketAddress(host, port), 64), usersPerWindow, window);
    }

    /** A stand-in on a free loopback port with the real API's rate limit. */
    public static RandomUserApi start() throws IOException {
        return start("127.0.0.1", 0, DEFAULT_USERS_PER_WINDOW, RATE_WINDOW);
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8099;
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_USERS_PER_WINDOW;
        RandomUserApi api = start("0.0.0.0", port, limit, RATE_WINDOW);
        System.out.println("randomuser stand-in listening on " + api.baseUrl() + " (rate limit " + limit + ")");
    }

    /** The pinned-version base URL, as fetch-users' {@code RANDOMUSER_URL} takes it. */
    public String baseUrl() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString();
        return "http://" + host + ":" + address.getPort() + "/api/1.4/";
    }

    /** Serves these faults to the next requests, one each, before answering normally again. */
    public void inject(Fault... next) {
        faults.addAll(Arrays.asList(next));
    }

    /**
     * Renders the answer to {@code request} now and serves those very bytes when it comes: for
     * benchmarks, as the real API renders on its own servers, not on the client's CPUs. The request
     * must be the one the client will send, query parameters in the same order; faults and the
     * rate limit still apply to it.
     */
    public void prerender(URI request) throws IOException {
        Map<String, String> query = query(request.getRawQuery());
        ObjectNode body = results(query, intInRange(query.get("results"), 1, 5000), false);
        prerendered.put(pathAndQuery(request), text(query, body).getBytes(StandardCharsets.UTF_8));
    }

    private static String pathAndQuery(URI request) {
        return request.getRawPath() + "?" + request.getRawQuery();
    }

    /** How many requests were answered so far (faults included). */
    public int requests() {
        return requests.get();
    }

    /** How many requests were turned away by the rate limit (injected 429s not counted). */
    public int rateLimited() {
        return rateLimited.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestURI().getPath().equals(FAULTS_PATH)) {
                injectFromRequest(exchange);
                return;
            }
            requests.incrementAndGet();
            Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
            if (!path.matches() || (path.group("version") != null && !VERSIONS.contains(path.group("version")))) {
                send(exchange, 404, "text/plain; charset=utf-8", "Not Found");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            int results = intInRange(query.get("results"), 1, 5000);
            Fault fault = faults.poll();
            Fault.Kind kind = fault == null ? null : fault.kind();
            if (fault != null && !WITHIN_ANSWER.contains(kind)) {
                sendFault(exchange, fault, query, results);
                return;
            }
            if (kind == Fault.Kind.SLOW) {
                Thread.sleep(fault.delay().toMillis());
            }
            String client = exchange.getRemoteAddress().getAddress().getHostAddress();
            if (!admit(client, results)) {
                rateLimited.incrementAndGet();
                sendError(exchange, 429, String.format(RATE_LIMIT_ERROR, usersPerWindow));
                return;
            }
            byte[] ready = kind == null ? prerendered.get(pathAndQuery(exchange.getRequestURI())) : null;
            if (ready != null) {
                send(exchange, 200, JSON, ready);
                return;
            }
            ObjectNode body = results(query, results, kind == Fault.Kind.INVALID_USER);
            String text = text(query, body);
            if (kind == Fault.Kind.STALL_AFTER_HEADERS) {
                sendStalling(exchange, text.getBytes(StandardCharsets.UTF_8), fault.delay());
            } else {
                send(exchange, 200, JSON, text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code POST FAULTS_PATH?fault=NAME&count=N}: 204 once queued, 400 for an unknown fault or count. */
    private void injectFromRequest(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Supplier<Fault> fault = FAULTS_BY_NAME.get(query.getOrDefault("fault", ""));
        int count;
        try {
            count = Integer.parseInt(query.getOrDefault("count", "1"));
        } catch (NumberFormatException e) {
            count = 0;
        }
        if (!"POST".equals(exchange.getRequestMethod()) || fault == null || count < 1 || count > 10_000) {
            send(
                    exchange,
                    400,
                    "text/plain; charset=utf-8",
                    "POST " + FAULTS_PATH + "?fault=NAME[&count=1..10000], NAME one of "
                            + FAULTS_BY_NAME.keySet().stream().sorted().toList());
            return;
        }
        for (int i = 0; i < count; i++) {
            faults.add(fault.get());
        }
        exchange.sendResponseHeaders(204, -1);
    }

    private String text(Map<String, String> query, ObjectNode body) throws IOException {
        return "pretty".equals(query.get("format"))
                ? mapper.writerWithDefaultPrettyPrinter().writeValueAsString(body)
                : mapper.writeValueAsString(body);
    }

    private ObjectNode results(Map<String, String> query, int results, boolean firstUserInvalid) {
        int page = intInRange(query.get("page"), 1, 10_000);
        String seed = query.getOrDefault("seed", "");
        if (seed.isEmpty()) {
            seed = String.format("%016x", ThreadLocalRandom.current().nextLong());
        }
        List<String> nationalities = list(query.get("nat")).stream()
                .map(String::toUpperCase)
                .filter(UserGenerator.NATIONALITIES::contains)
                .toList();
        if (nationalities.isEmpty()) {
            nationalities = UserGenerator.NATIONALITIES;
        }
        // As on the real API, a seed decides everything, the gender filter included.
        String gender = query.containsKey("seed")
                ? null
                : switch (query.getOrDefault("gender", "")) {
                    case "male", "female" -> query.get("gender");
                    default -> null;
                };
        List<String> kept = keptFields(query);

        ObjectNode body = mapper.createObjectNode();
        ArrayNode users = body.putArray("results");
        SplittableRandom random = UserGenerator.randomFor(seed, page, results);
        Instant now = Instant.now();
        for (int i = 0; i < results; i++) {
            ObjectNode user = generator.user(random, nationalities, gender, now);
            if (firstUserInvalid && i == 0) {
                user.put("email", "not-an-email");
                user.withObject("/dob").put("date", "yesterday");
            }
            user.retain(kept);
            users.add(user);
        }
        ObjectNode info = body.putObject("info");
        info.put("seed", seed);
        info.put("results", results);
        info.put("page", page);
        info.put("version", "1.4");
        return body;
    }

    private static List<String> keptFields(Map<String, String> query) {
        List<String> include = list(query.get("inc"));
        List<String> exclude = list(query.get("exc"));
        return FIELDS.stream()
                .filter(field -> include.isEmpty() || include.contains(field))
                .filter(field -> !exclude.contains(field))
                .toList();
    }

    /** The rate limit: users served to one client within the last window. */
    private synchronized boolean admit(String client, int users) {
        if (usersPerWindow <= 0) {
            return true;
        }
        Instant now = Instant.now();
        Deque<Served> served = servedByClient.computeIfAbsent(client, c -> new ArrayDeque<>());
        while (!served.isEmpty() && served.peekFirst().at().isBefore(now.minus(window))) {
            served.removeFirst();
        }
        int inWindow = served.stream().mapToInt(Served::users).sum();
        if (inWindow + users > usersPerWindow) {
            return false;
        }
        served.addLast(new Served(now, users));
        return true;
    }

    private void sendFault(HttpExchange exchange, Fault fault, Map<String, String> query, int results)
            throws IOException {
        switch (fault.kind()) {
            case TOO_MANY_REQUESTS -> sendError(exchange, 429, String.format(RATE_LIMIT_ERROR, usersPerWindow));
            case SERVER_ERROR -> {
                if (fault.status() == 500) {
                    sendError(exchange, 500, SERVER_ERROR);
                } else {
                    send(
                            exchange,
                            fault.status(),
                            "text/html",
                            "<html><body><h1>" + fault.status() + " Bad Gateway</h1></body></html>");
                }
            }
            case EMPTY_RESULTS ->
                send(
                        exchange,
                        200,
                        JSON,
                        "{\"results\":[],\"info\":{\"seed\":\"\",\"results\":" + results
                                + ",\"page\":1,\"version\":\"1.4\"}}");
            case MALFORMED_JSON ->
                send(exchange, 200, JSON, "{\"results\":[{\"gender\":\"male\",\"name\":{\"title\":\"Mr\",\"fir");
            case HUGE_BODY -> sendHuge(exchange, results(query, 1, false), fault.bytes());
            default -> throw new IllegalArgumentException("not a response fault: " + fault);
        }
    }

    /** Headers and the first half of {@code body}, then a stall of {@code delay}, then the rest. */
    private static void sendStalling(HttpExchange exchange, byte[] body, Duration delay)
            throws IOException, InterruptedException {
        exchange.getResponseHeaders().set("Content-Type", JSON);
        exchange.sendResponseHeaders(200, body.length);
        OutputStream out = exchange.getResponseBody();
        out.write(body, 0, body.length / 2);
        out.flush();
        Thread.sleep(delay.toMillis());
        out.write(body, body.length / 2, body.length - body.length / 2);
    }

    /**
     * A chunked 200 of at least {@code bytes}: {@code oneUser}'s user repeated, written as it goes
     * (never held in memory), until the client hangs up or the size is reached.
     */
    private void sendHuge(HttpExchange exchange, ObjectNode oneUser, long bytes) throws IOException {
        byte[] user = mapper.writeValueAsBytes(oneUser.path("results").get(0));
        exchange.getResponseHeaders().set("Content-Type", JSON);
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write("{\"results\":[".getBytes(StandardCharsets.UTF_8));
        long users = 0;
        for (long written = 0; written < bytes; written += user.length + 1) {
            if (users++ > 0) {
                out.write(',');
            }
            out.write(user);
        }
        ObjectNode info = (ObjectNode) oneUser.path("info");
        info.put("results", users);
        out.write(("],\"info\":" + mapper.writeValueAsString(info) + "}").getBytes(StandardCharsets.UTF_8));
    }

    private void sendError(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, JSON, mapper.writeValueAsString(Map.of("error", message)));
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(
                        URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    private static List<String> list(String value) {
        return value == null || value.isBlank()
                ? List.of()
                : Arrays.stream(value.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toList());
    }

    private static int intInRange(String value, int min, int max) {
        try {
            int parsed = Integer.parseInt(value);
            return parsed < min || parsed > max ? 1 : parsed;
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
