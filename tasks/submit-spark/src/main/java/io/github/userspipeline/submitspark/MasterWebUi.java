package io.github.userspipeline.submitspark;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.task.TaskFailure;
import io.github.userspipeline.task.TaskMain;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone master's applications, through its web UI: those {@code /json/} lists as active,
 * and the kill that the UI's own kill link sends ({@code POST /app/kill/}, which the master offers
 * while {@code spark.ui.killEnabled} is true, its default). A master it cannot ask fails the task:
 * an application it could not see may still write to the checkpoint.
 */
final class MasterWebUi {

    private static final Logger log = LoggerFactory.getLogger(MasterWebUi.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final String url;
    private final Duration timeout;
    private final HttpClient http;

    /** {@code url} without its trailing slash; {@code timeout} for connecting and for each answer. */
    MasterWebUi(String url, Duration timeout) {
        this.url = url.replaceAll("/+$", "");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Kills every application the master runs under {@code name} and waits, {@code patience} at most,
     * until it lists none of them as active; returns how many it killed.
     */
    int killAll(String name, Duration patience) throws InterruptedException {
        List<String> ids = activeApplications(name);
        for (String id : ids) {
            kill(id);
        }
        long deadline = System.nanoTime() + patience.toNanos();
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        for (List<String> left = ids; !left.isEmpty(); left = activeApplications(name)) {
            if (System.nanoTime() > deadline) {
                throw new TaskFailure("the Spark master still lists " + left + " (\"" + name + "\") as active "
                        + patience.toSeconds() + " s after they were killed");
            }
            if (System.nanoTime() > nextProgress) {
                log.info("waiting for the master to end {}", left);
                nextProgress += PROGRESS_EVERY.toNanos();
            }
            Thread.sleep(POLL.toMillis());
        }
        ids.forEach(id -> log.info("killed application {} (\"{}\"), an earlier try's", id, name));
        return ids.size();
    }

    /** The ids of the applications named {@code name} among the master's active ones. */
    List<String> activeApplications(String name) throws InterruptedException {
        HttpResponse<String> status = send(HttpRequest.newBuilder(URI.create(url + "/json/")));
        if (status.statusCode() != 200) {
            throw new TaskFailure(
                    "Spark master web UI " + url + " answered HTTP " + status.statusCode() + " to GET /json/");
        }
        try {
            JsonNode active = TaskMain.JSON.readTree(status.body()).path("activeapps");
            return StreamSupport.stream(active.spliterator(), false)
                    .filter(app -> app.path("name").asText().equals(name))
                    .map(app -> app.path("id").asText())
                    .toList();
        } catch (IOException e) {
            throw new TaskFailure("Spark master web UI " + url + " answered GET /json/ with no JSON status", e);
        }
    }

    private void kill(String id) throws InterruptedException {
        String form = "id=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&terminate=true";
        HttpResponse<String> killed = send(HttpRequest.newBuilder(URI.create(url + "/app/kill/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        // The master answers a kill with a redirect to its main page.
        if (killed.statusCode() >= 400) {
            throw new TaskFailure("Spark master web UI " + url + " refused to kill application " + id + " (HTTP "
                    + killed.statusCode() + "): the master needs spark.ui.killEnabled=true");
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws InterruptedException {
        try {
            return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TaskFailure(
                    "Spark master web UI " + url + " unreachable within " + timeout.toSeconds()
                            + " s (SPARK_MASTER_UI_URL)",
                    e);
        }
    }
}
