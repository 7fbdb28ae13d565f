package io.twinegress.localstack.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The few Connect REST calls the stack makes, exactly as a user would with curl. Response bodies
 * are never printed: a connector's config holds its connection strings.
 */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build();

    public ConnectRest(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public boolean healthy() throws IOException, InterruptedException {
        return send("GET", "/health", null).statusCode() == 200;
    }

    /** Simple class names of the installed connector plugins. */
    public java.util.List<String> connectorPlugins() throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", "/connector-plugins?connectorsOnly=true", null);
        check(r, "GET /connector-plugins");
        java.util.List<String> names = new java.util.ArrayList<>();
        for (JsonNode n : JSON.readTree(r.body())) {
            String cls = n.path("class").asText();
            names.add(cls.substring(cls.lastIndexOf('.') + 1));
        }
        return names;
    }

    /** {@code PUT /connectors/<name>/config}: creates or updates the connector. */
    public void putConfig(String name, Map<String, String> config) throws IOException, InterruptedException {
        HttpResponse<String> r = send("PUT", "/connectors/" + name + "/config", JSON.writeValueAsString(config));
        check(r, "PUT /connectors/" + name + "/config");
    }

    /** {@code DELETE /connectors/<name>}: stops and removes the connector; one that does not exist is fine. */
    public void delete(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = send("DELETE", "/connectors/" + name, null);
        if (r.statusCode() != 404) {
            check(r, "DELETE /connectors/" + name);
        }
    }

    /**
     * Connector and task states, e.g. {@code RUNNING}; {@code "RUNNING/RUNNING"} when the connector
     * and its task run, {@code null} when the connector does not exist.
     */
    public Status status(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", "/connectors/" + name + "/status", null);
        if (r.statusCode() == 404) {
            return null;
        }
        check(r, "GET /connectors/" + name + "/status");
        JsonNode n = JSON.readTree(r.body());
        String connector = n.path("connector").path("state").asText("?");
        StringBuilder tasks = new StringBuilder();
        String trace = null;
        for (JsonNode t : n.path("tasks")) {
            if (tasks.length() > 0) {
                tasks.append(',');
            }
            tasks.append(t.path("state").asText("?"));
            if (t.hasNonNull("trace")) {
                trace = firstLine(t.path("trace").asText());
            }
        }
        return new Status(connector, tasks.toString(), trace);
    }

    /** A connector's state and its tasks' states; {@code problem} is the first line of a task's trace. */
    public record Status(String connector, String tasks, String problem) {
        public boolean running() {
            return connector.equals("RUNNING") && !tasks.isEmpty()
                    && java.util.Arrays.stream(tasks.split(",")).allMatch("RUNNING"::equals);
        }

        @Override
        public String toString() {
            return connector + (tasks.isEmpty() ? "" : "/" + tasks);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        // reads feed the live table and must not stall it; a PUT waits for the worker's rebalance
        Duration timeout = method.equals("GET") ? Duration.ofSeconds(5) : Duration.ofSeconds(60);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void check(HttpResponse<String> r, String what) throws IOException {
        if (r.statusCode() / 100 != 2) {
            // Connect's error bodies name the failing key, never a value: safe to show.
            String message;
            try {
                message = JSON.readTree(r.body()).path("message").asText(r.body());
            } catch (IOException e) {
                message = "HTTP " + r.statusCode();
            }
            throw new IOException(what + " answered " + r.statusCode() + ": " + message);
        }
    }
}
