package io.twinegress.testing.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Small helpers over the Kafka Connect REST API (plain {@code java.net.http}, HTTP/1.1).
 * Every call fails with an {@link AssertionError} that carries the method, path, status
 * and response body when the worker answers anything but 2xx (404 is an answer, not an
 * error, only for {@link #connectorStatus}).
 *
 * <pre>{@code
 * ConnectRestClient rest = CONNECT.rest();            // or new ConnectRestClient(URI.create("http://127.0.0.1:8083/"))
 * rest.putConnector("eh-1", Map.of("connector.class", "EventHubsSinkConnector", "topics", "twin.egress.eh-1"));
 * rest.awaitRunning("eh-1", Duration.ofSeconds(30));
 * ConnectRestClient.Validation v = rest.validate("EventHubsSinkConnector", config);
 * assertEquals(List.of("..."), v.errors().get("connection.string"));
 * }</pre>
 */
public final class ConnectRestClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** How long {@link #send} waits out Connect's "rebalance in progress" answers. */
    public static final Duration REBALANCE_DEADLINE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final HttpClient http;

    /** A client for the worker at {@code baseUrl}, for example {@code http://127.0.0.1:8083/}. */
    public ConnectRestClient(URI baseUrl) {
        this.baseUrl = baseUrl.toString().endsWith("/") ? baseUrl : URI.create(baseUrl + "/");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // else it sends "Upgrade: h2c"
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Connector or task state as {@code GET /connectors/{name}/status} reports it. */
    public record State(String state, String workerId, String trace) {
    }

    /** {@code GET /connectors/{name}/status}: the connector and its tasks, by task id. */
    public record ConnectorStatus(String name, State connector, Map<Integer, State> tasks) {

        /** True when the connector and at least one task run, and no task is in another state. */
        public boolean isRunning() {
            return "RUNNING".equals(connector.state())
                    && !tasks.isEmpty()
                    && tasks.values().stream().allMatch(t -> "RUNNING".equals(t.state()));
        }

        /** True when the connector or any task has FAILED. */
        public boolean hasFailed() {
            return "FAILED".equals(connector.state())
                    || tasks.values().stream().anyMatch(t -> "FAILED".equals(t.state()));
        }
    }

    /**
     * {@code PUT /connector-plugins/{class}/config/validate}: the error count, and the error
     * messages of every config key that has any.
     */
    public record Validation(int errorCount, Map<String, List<String>> errors, JsonNode response) {
    }

    public URI baseUrl() {
        return baseUrl;
    }

    // ---- connectors -------------------------------------------------------------------

    /** {@code PUT /connectors/{name}/config}: creates the connector, or updates its config. */
    public JsonNode putConnector(String name, Map<String, String> config) {
        return json(send("PUT", "connectors/" + enc(name) + "/config", config));
    }

    /** {@code GET /connectors/{name}/config}: the stored config, as the REST API shows it. */
    public Map<String, String> connectorConfig(String name) {
        return convert(send("GET", "connectors/" + enc(name) + "/config", null).body(), new TypeReference<>() { });
    }

    /** {@code DELETE /connectors/{name}}. */
    public void deleteConnector(String name) {
        send("DELETE", "connectors/" + enc(name), null);
    }

    /** {@code GET /connectors}: names of the connectors. */
    public List<String> connectors() {
        return convert(send("GET", "connectors", null).body(), new TypeReference<>() { });
    }

    /** {@code GET /connectors/{name}/status}, or empty while the worker does not know the name. */
    public Optional<ConnectorStatus> connectorStatus(String name) {
        HttpResponse<String> response = request("GET", "connectors/" + enc(name) + "/status", null);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode body = json(check(response, "GET", "connectors/" + name + "/status"));
        Map<Integer, State> tasks = new LinkedHashMap<>();
        body.path("tasks").forEach(t -> tasks.put(t.path("id").asInt(), state(t)));
        return Optional.of(new ConnectorStatus(body.path("name").asText(), state(body.path("connector")), tasks));
    }

    /**
     * Waits until the connector and all its tasks (at least one) are RUNNING, and returns that
     * status. Fails at once, with the stack trace Connect reports, when any of them FAILED.
     */
    public ConnectorStatus awaitRunning(String name, Duration deadline) {
        AtomicReference<Optional<ConnectorStatus>> last = new AtomicReference<>(Optional.empty());
        return Await.value(() -> {
            Optional<ConnectorStatus> status = connectorStatus(name);
            last.set(status);
            status.filter(ConnectorStatus::hasFailed).ifPresent(s -> {
                throw new AssertionError("Connector " + name + " failed: " + s);
            });
            return status.filter(ConnectorStatus::isRunning);
        }, deadline, () -> "connector " + name + " and its tasks to be RUNNING; last status: "
                + last.get().map(Object::toString).orElse("unknown connector"));
    }

    /** {@code POST /connectors/{name}/restart?includeTasks=true&onlyFailed=false}. */
    public void restartConnector(String name) {
        send("POST", "connectors/" + enc(name) + "/restart?includeTasks=true&onlyFailed=false", null);
    }

    /** {@code POST /connectors/{name}/tasks/{task}/restart}. */
    public void restartTask(String name, int task) {
        send("POST", "connectors/" + enc(name) + "/tasks/" + task + "/restart", null);
    }

    /** {@code PUT /connectors/{name}/pause}. */
    public void pauseConnector(String name) {
        send("PUT", "connectors/" + enc(name) + "/pause", null);
    }

    /** {@code PUT /connectors/{name}/resume}. */
    public void resumeConnector(String name) {
        send("PUT", "connectors/" + enc(name) + "/resume", null);
    }

    // ---- plugins ----------------------------------------------------------------------

    /** {@code GET /connector-plugins}: the connector classes the worker found. */
    public List<String> connectorPlugins() {
        List<String> classes = new ArrayList<>();
        json(send("GET", "connector-plugins", null)).forEach(p -> classes.add(p.path("class").asText()));
        return classes;
    }

    /**
     * {@code PUT /connector-plugins/{class}/config/validate}. {@code connectorClass} may be the
     * simple name; {@code connector.class} is added to the config if missing, as the API needs.
     */
    public Validation validate(String connectorClass, Map<String, String> config) {
        Map<String, String> body = new LinkedHashMap<>(config);
        body.putIfAbsent("connector.class", connectorClass);
        JsonNode response = json(send("PUT", "connector-plugins/" + enc(connectorClass) + "/config/validate", body));
        Map<String, List<String>> errors = new LinkedHashMap<>();
        response.path("configs").forEach(c -> {
            JsonNode value = c.path("value");
            List<String> messages = new ArrayList<>();
            value.path("errors").forEach(e -> messages.add(e.asText()));
            if (!messages.isEmpty()) {
                errors.put(value.path("name").asText(), messages);
            }
        });
        return new Validation(response.path("error_count").asInt(), errors, response);
    }

    // ---- raw --------------------------------------------------------------------------

    /**
     * Any call: {@code method} on {@code path} (relative to the base URL, query allowed) with
     * an optional body serialised as JSON. Fails unless the status is 2xx.
     *
     * <p>For a moment after a connector is created, changed or restarted, Connect answers 409,
     * or 500 "a rebalance is expected", without applying the call; such answers are retried
     * until {@link #REBALANCE_DEADLINE}, so tests do not flake on them.
     */
    public HttpResponse<String> send(String method, String path, Object jsonBody) {
        HttpResponse<String> settled = Await.value(() -> {
            HttpResponse<String> response = request(method, path, jsonBody);
            return isRebalancing(response) ? Optional.empty() : Optional.of(response);
        }, REBALANCE_DEADLINE, () -> method + " " + path + ": Connect was still rebalancing after " + REBALANCE_DEADLINE);
        return check(settled, method, path);
    }

    private static boolean isRebalancing(HttpResponse<String> response) {
        return response.statusCode() == 409
                || (response.statusCode() == 500 && response.body() != null && response.body().contains("rebalance"));
    }

    /** Any call, whatever the status: for asserting error answers. */
    public HttpResponse<String> request(String method, String path, Object jsonBody) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(baseUrl.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (jsonBody == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(toJson(jsonBody)));
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + baseUrl.resolve(path) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + method + " " + path, e);
        }
    }

    boolean healthy() {
        try {
            return request("GET", "health", null).statusCode() == 200;
        } catch (IllegalStateException notListeningYet) {
            return false;
        }
    }

    private static HttpResponse<String> check(HttpResponse<String> response, String method, String path) {
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    private static State state(JsonNode node) {
        return new State(node.path("state").asText(null), node.path("worker_id").asText(null),
                node.path("trace").asText(null));
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode json(HttpResponse<String> response) {
        return convert(response.body().isEmpty() ? "null" : response.body(), new TypeReference<JsonNode>() { });
    }

    private static <T> T convert(String body, TypeReference<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new AssertionError("Connect answered something that is not the expected JSON: " + body, e);
        }
    }

    private static String toJson(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialise request body " + body.getClass(), e);
        }
    }
}
