package io.twinegress.connectrest;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A client of the Kafka Connect REST API over {@code java.net.http} (HTTP/1.1), with optional
 * basic auth. The twin-egress command, the local stack and the test harness all talk to Connect
 * through this one class.
 *
 * <ul>
 *   <li>A connector that does not exist is an answer ({@code Optional.empty()}, {@code false});
 *       any other status but 2xx, and no answer at all, is a {@link ConnectRestException} with
 *       the status and Connect's own message, never a request body.</li>
 *   <li>For a moment after a connector is created, changed or restarted, Connect answers 409, or
 *       500 "... rebalance ...", without applying the call. Every call here except
 *       {@link #request} is sent again while Connect answers so ({@link #isRebalancing}), up to
 *       the rebalance deadline; then the last answer counts.</li>
 * </ul>
 *
 * <pre>{@code
 * ConnectRest rest = ConnectRest.builder(URI.create("http://127.0.0.1:8083"))
 *         .basicAuth("ops", password).requestTimeout(Duration.ofSeconds(10)).build();
 * rest.putConnector("sb-1", Map.of("connector.class", "ServiceBusSinkConnector", "topics", "twin.egress.sb-1"));
 * rest.connectorStatus("sb-1").map(ConnectRest.ConnectorStatus::summary);   // "RUNNING (1/1 tasks RUNNING)"
 * }</pre>
 */
public class ConnectRest {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Duration writeTimeout;
    private final Duration readTimeout;
    private final Duration rebalanceDeadline;

    /** A client with the default timeouts and no credentials. */
    public ConnectRest(URI baseUrl) {
        this(builder(baseUrl));
    }

    protected ConnectRest(Builder b) {
        String base = b.baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // else it sends "Upgrade: h2c"
                .connectTimeout(b.connectTimeout)
                .build();
        this.authorization = b.authorization;
        this.writeTimeout = b.requestTimeout;
        this.readTimeout = b.readTimeout == null ? b.requestTimeout : b.readTimeout;
        this.rebalanceDeadline = b.rebalanceDeadline;
    }

    /** A client of the worker at {@code baseUrl}, for example {@code http://127.0.0.1:8083/}. */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** Credentials and timeouts; each has a default. */
    public static final class Builder {

        private final URI baseUrl;
        private Optional<String> authorization = Optional.empty();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = DEFAULT_TIMEOUT;
        private Duration readTimeout;
        private Duration rebalanceDeadline = DEFAULT_TIMEOUT;

        private Builder(URI baseUrl) {
            this.baseUrl = baseUrl;
        }

        /** HTTP basic auth on every call; only the header is kept. */
        public Builder basicAuth(String user, String password) {
            authorization = Optional.of("Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            return this;
        }

        /** How long to wait for the TCP connection (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            connectTimeout = timeout;
            return this;
        }

        /** How long one call may take (default 30 s); reads too unless {@link #readTimeout} says otherwise. */
        public Builder requestTimeout(Duration timeout) {
            requestTimeout = timeout;
            return this;
        }

        /** How long one GET may take, e.g. short for a live view that must not stall. */
        public Builder readTimeout(Duration timeout) {
            readTimeout = timeout;
            return this;
        }

        /** How long a call is sent again while Connect rebalances (default 30 s). */
        public Builder rebalanceDeadline(Duration deadline) {
            rebalanceDeadline = deadline;
            return this;
        }

        public ConnectRest build() {
            return new ConnectRest(this);
        }
    }

    /** Connector or task state as {@code GET /connectors/{name}/status} reports it. */
    public record State(String state, String workerId, String trace) {

        /** The first line of the stack trace Connect reports for a FAILED one; empty when there is none. */
        public String traceFirstLine() {
            if (trace == null) {
                return "";
            }
            int nl = trace.indexOf('\n');
            return nl < 0 ? trace : trace.substring(0, nl);
        }
    }

    /** {@code GET /connectors/{name}/status}: the connector and its tasks, by task id. */
    public record ConnectorStatus(String name, State connector, Map<Integer, State> tasks) {

        public ConnectorStatus {
            tasks = Map.copyOf(tasks);
        }

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

        /** The first trace line of the connector when it FAILED, else of its first FAILED task. */
        public Optional<String> problem() {
            if ("FAILED".equals(connector.state()) && !connector.traceFirstLine().isEmpty()) {
                return Optional.of(connector.traceFirstLine());
            }
            return sortedTasks().values().stream().filter(t -> "FAILED".equals(t.state()))
                    .map(State::traceFirstLine).filter(l -> !l.isEmpty()).findFirst();
        }

        /** For people: {@code RUNNING (1/1 tasks RUNNING)}, {@code RUNNING (0/1 tasks RUNNING, task 0 FAILED)}. */
        public String summary() {
            long running = tasks.values().stream().filter(t -> "RUNNING".equals(t.state())).count();
            StringBuilder sb = new StringBuilder(String.valueOf(connector.state())).append(" (").append(running)
                    .append('/').append(tasks.size()).append(" tasks RUNNING");
            sortedTasks().forEach((id, t) -> {
                if (!"RUNNING".equals(t.state())) {
                    sb.append(", task ").append(id).append(' ').append(t.state());
                }
            });
            return sb.append(')').toString();
        }

        /** The tasks in id order. */
        public Map<Integer, State> sortedTasks() {
            return new TreeMap<>(tasks);
        }
    }

    /**
     * {@code PUT /connector-plugins/{class}/config/validate}: the error count, and the error
     * messages of every config key that has any.
     */
    public record Validation(int errorCount, Map<String, List<String>> errors, JsonNode response) {
    }

    /** One connector of {@link #describeAll()}: its stored config and its status. */
    public record Described(Map<String, String> config, ConnectorStatus status) {
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** {@code GET /health} answers 200; false while the worker is starting or not there. */
    public boolean healthy() {
        try {
            return request("GET", "health", null).statusCode() == 200;
        } catch (ConnectRestException noAnswer) {
            return false;
        }
    }

    // ---- connectors -------------------------------------------------------------------

    /** {@code GET /connectors}: names of the connectors. */
    public List<String> connectors() {
        List<String> names = new ArrayList<>();
        json(send("GET", "connectors", null)).forEach(n -> names.add(n.asText()));
        return names;
    }

    /** {@code GET /connectors?expand=status&expand=info}: every connector with its config and status, in one call. */
    public Map<String, Described> describeAll() {
        Map<String, Described> out = new LinkedHashMap<>();
        json(send("GET", "connectors?expand=status&expand=info", null)).properties().forEach(f -> {
            Map<String, String> config = new LinkedHashMap<>();
            f.getValue().path("info").path("config").properties().forEach(c -> config.put(c.getKey(), c.getValue().asText()));
            out.put(f.getKey(), new Described(config, status(f.getKey(), f.getValue().path("status"))));
        });
        return out;
    }

    /** {@code GET /connectors/{name}/config}: the stored config as the REST API shows it; empty when there is no such connector. */
    public Optional<Map<String, String>> connectorConfig(String name) {
        return optional("GET", "connectors/" + enc(name) + "/config").map(node -> {
            Map<String, String> config = new LinkedHashMap<>();
            node.properties().forEach(f -> config.put(f.getKey(), f.getValue().asText()));
            return config;
        });
    }

    /** {@code PUT /connectors/{name}/config}: creates the connector, or updates its config (and restarts its tasks). */
    public void putConnector(String name, Map<String, String> config) {
        send("PUT", "connectors/" + enc(name) + "/config", config);
    }

    /** {@code DELETE /connectors/{name}}: stops and removes it; false when there was none. */
    public boolean deleteConnector(String name) {
        String path = "connectors/" + enc(name);
        HttpResponse<String> response = exchange("DELETE", path, null);
        if (response.statusCode() == 404) {
            return false;
        }
        check(response, "DELETE", path);
        return true;
    }

    /** {@code GET /connectors/{name}/status}, or empty while the worker does not know the name. */
    public Optional<ConnectorStatus> connectorStatus(String name) {
        return optional("GET", "connectors/" + enc(name) + "/status").map(body -> status(name, body));
    }

    /** {@code POST /connectors/{name}/restart?includeTasks=true&onlyFailed=false}: the tasks re-read their config. */
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

    /** {@code GET /connector-plugins?connectorsOnly=true}: the full class names of the connectors the worker found. */
    public List<String> connectorPlugins() {
        List<String> classes = new ArrayList<>();
        json(send("GET", "connector-plugins?connectorsOnly=true", null)).forEach(p -> classes.add(p.path("class").asText()));
        return classes;
    }

    /**
     * {@code PUT /connector-plugins/{class}/config/validate}. {@code connectorClass} may be the
     * simple name; {@code connector.class} is added to the config if missing, as the API needs.
     * Connect resolves ConfigProvider references here as it would at start, and stores nothing.
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
     * Any call: {@code method} on {@code path} (relative to the base URL, query allowed) with an
     * optional body serialised as JSON; sent again while Connect rebalances. Fails unless the
     * status is 2xx.
     */
    public HttpResponse<String> send(String method, String path, Object jsonBody) {
        return check(exchange(method, path, jsonBody), method, path);
    }

    /**
     * The rule for "not now, a rebalance is under way": 409, or 500 whose message speaks of a
     * rebalance (Connect's "Request cannot be completed because a rebalance is expected").
     * Connect has not applied the call; the same call may be sent again.
     */
    public static boolean isRebalancing(HttpResponse<String> response) {
        return response.statusCode() == 409
                || (response.statusCode() == 500 && response.body() != null && response.body().contains("rebalance"));
    }

    /** One call, whatever the status and without waiting out a rebalance: for asserting error answers. */
    public HttpResponse<String> request(String method, String path, Object jsonBody) {
        URI uri = baseUrl.resolve(path.startsWith("/") ? path.substring(1) : path);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(method.equals("GET") ? readTimeout : writeTimeout)
                .header("Accept", "application/json");
        authorization.ifPresent(a -> builder.header("Authorization", a));
        if (jsonBody == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(toJson(jsonBody)));
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ConnectRestException("cannot reach Connect at " + baseUrl + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectRestException("interrupted while calling Connect", 0, e);
        }
    }

    private HttpResponse<String> exchange(String method, String path, Object jsonBody) {
        long deadline = System.nanoTime() + rebalanceDeadline.toNanos();
        while (true) {
            HttpResponse<String> response = request(method, path, jsonBody);
            if (!isRebalancing(response) || System.nanoTime() - deadline >= 0) {
                return response;
            }
            try {
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectRestException("interrupted while calling Connect", 0, e);
            }
        }
    }

    private Optional<JsonNode> optional(String method, String path) {
        HttpResponse<String> response = exchange(method, path, null);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(json(check(response, method, path)));
    }

    private HttpResponse<String> check(HttpResponse<String> response, String method, String path) {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response;
        }
        if (status == 401 || status == 403) {
            throw new ConnectRestException("Connect at " + baseUrl + " refused our credentials (HTTP " + status + ")", status, null);
        }
        // Connect's error messages name the failing key, never a value.
        String message = response.body();
        try {
            message = JSON.readTree(response.body()).path("message").asText(response.body());
        } catch (IOException notJson) {
            // keep the body as it came
        }
        String shown = "/" + (path.startsWith("/") ? path.substring(1) : path).replaceAll("\\?.*", "");
        throw new ConnectRestException("Connect answered " + method + " " + shown + " with HTTP " + status + ": " + message,
                status, null);
    }

    private static ConnectorStatus status(String name, JsonNode body) {
        Map<Integer, State> tasks = new LinkedHashMap<>();
        body.path("tasks").forEach(t -> tasks.put(t.path("id").asInt(), state(t)));
        return new ConnectorStatus(body.path("name").asText(name), state(body.path("connector")), tasks);
    }

    private static State state(JsonNode node) {
        return new State(node.path("state").asText(null), node.path("worker_id").asText(null),
                node.path("trace").asText(null));
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode json(HttpResponse<String> response) {
        String body = response.body();
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ConnectRestException("Connect answered with something that is not JSON (HTTP "
                    + response.statusCode() + ")", response.statusCode(), e);
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
