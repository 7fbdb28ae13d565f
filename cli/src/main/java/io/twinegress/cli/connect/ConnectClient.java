package io.twinegress.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.cli.body.Problem;
import io.twinegress.cli.output.Secret;
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

/**
 * The parts of the Connect REST API the CLI uses, over {@code java.net.http} (HTTP/1.1), with
 * optional basic auth. Error messages carry Connect's own message (masked by the console when
 * printed), never a request body.
 */
public final class ConnectClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Duration requestTimeout;

    public ConnectClient(URI base, Optional<String> user, Optional<Secret> password, Duration requestTimeout) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(requestTimeout).build();
        this.authorization = user.map(u -> "Basic " + Base64.getEncoder().encodeToString(
                (u + ":" + password.map(Secret::reveal).orElse("")).getBytes(StandardCharsets.UTF_8)));
        this.requestTimeout = requestTimeout;
    }

    public URI base() {
        return base;
    }

    /**
     * {@code PUT /connector-plugins/<class>/config/validate}: the errors per key; empty when valid.
     * Connect resolves ConfigProvider references here as it would at start.
     */
    public List<Problem> validate(String connectorClass, ConnectorConfig config) {
        JsonNode answer = call("PUT", "connector-plugins/" + enc(connectorClass) + "/config/validate", config.toRequest(), 200);
        List<Problem> problems = new ArrayList<>();
        for (JsonNode c : answer.path("configs")) {
            JsonNode value = c.path("value");
            for (JsonNode e : value.path("errors")) {
                problems.add(new Problem(value.path("name").asText(), e.asText()));
            }
        }
        return problems;
    }

    /** Connector plugin class names the worker offers (simple and full names). */
    public List<String> plugins() {
        List<String> out = new ArrayList<>();
        for (JsonNode p : call("GET", "connector-plugins?connectorsOnly=true", null, 200)) {
            out.add(p.path("class").asText());
        }
        return out;
    }

    /** {@code GET /connectors/<name>/config}, secrets as they are stored (values masked from now on). */
    public Optional<ConnectorConfig> config(String name) {
        return optional("GET", "connectors/" + enc(name) + "/config").map(node -> {
            Map<String, String> plain = new LinkedHashMap<>();
            Map<String, Secret> secrets = new LinkedHashMap<>();
            node.properties().forEach(f -> {
                if (f.getKey().equals(ConnectorConfigs.CONNECTION_STRING) || f.getKey().equals(ConnectorConfigs.SECONDARY_CONNECTION_STRING)) {
                    secrets.put(f.getKey(), Secret.fromConnect(f.getValue().asText()));
                } else {
                    plain.put(f.getKey(), f.getValue().asText());
                }
            });
            return new ConnectorConfig(plain, secrets);
        });
    }

    /** {@code PUT /connectors/<name>/config}: creates, or updates and restarts the connector and its tasks. */
    public void put(String name, ConnectorConfig config) {
        call("PUT", "connectors/" + enc(name) + "/config", config.toRequest(), 200, 201);
    }

    /** {@code DELETE /connectors/<name>}; false when there was none. */
    public boolean delete(String name) {
        HttpResponse<String> r = send("DELETE", "connectors/" + enc(name), null);
        if (r.statusCode() == 404) {
            return false;
        }
        expect(r, "DELETE", "connectors/" + name, 204, 200);
        return true;
    }

    /** {@code POST /connectors/<name>/restart?includeTasks=true}: the tasks re-read their config (and ConfigProvider values). */
    public void restart(String name) {
        call("POST", "connectors/" + enc(name) + "/restart?includeTasks=true&onlyFailed=false", null, 200, 202, 204);
    }

    public Optional<ConnectorState> status(String name) {
        return optional("GET", "connectors/" + enc(name) + "/status").map(ConnectClient::state);
    }

    /** Every connector with its status and config, in one call ({@code ?expand=status&expand=info}). */
    public Map<String, Listed> all() {
        Map<String, Listed> out = new LinkedHashMap<>();
        JsonNode answer = call("GET", "connectors?expand=status&expand=info", null, 200);
        answer.properties().forEach(f -> out.put(f.getKey(), new Listed(
                f.getValue().path("info").path("config").path("topics").asText(""),
                f.getValue().path("info").path("config").path("connector.class").asText(""),
                state(f.getValue().path("status")))));
        return out;
    }

    /** One connector of {@link #all()}: its topics, class and state. */
    public record Listed(String topics, String connectorClass, ConnectorState state) {
    }

    private static ConnectorState state(JsonNode status) {
        List<ConnectorState.Task> tasks = new ArrayList<>();
        for (JsonNode t : status.path("tasks")) {
            String trace = t.path("trace").asText("");
            int nl = trace.indexOf('\n');
            tasks.add(new ConnectorState.Task(t.path("id").asInt(), t.path("state").asText(), nl < 0 ? trace : trace.substring(0, nl)));
        }
        return new ConnectorState(status.path("connector").path("state").asText("UNKNOWN"), tasks);
    }

    private Optional<JsonNode> optional(String method, String path) {
        HttpResponse<String> r = send(method, path, null);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(parse(expect(r, method, path, 200)));
    }

    private JsonNode call(String method, String path, Object body, int... ok) {
        return parse(expect(send(method, path, body), method, path, ok));
    }

    private HttpResponse<String> expect(HttpResponse<String> r, String method, String path, int... ok) {
        for (int code : ok) {
            if (r.statusCode() == code) {
                return r;
            }
        }
        String message = r.body();
        try {
            message = MAPPER.readTree(r.body()).path("message").asText(r.body());
        } catch (IOException e) {
            // not JSON: keep the body as it came
        }
        String what = switch (r.statusCode()) {
            case 401, 403 -> "Connect at " + base + " refused our credentials (HTTP " + r.statusCode()
                    + "); set --connect-user and TWIN_EGRESS_CONNECT_PASSWORD or --connect-password-file";
            default -> "Connect answered " + method + " /" + path.replaceAll("\\?.*", "") + " with HTTP " + r.statusCode() + ": " + message;
        };
        throw new ConnectException(what, r.statusCode(), null);
    }

    /**
     * Sends, and sends again while Connect says it is rebalancing (409, or 500 "a rebalance is
     * expected", which it answers for a moment after a connector is created, changed or restarted),
     * up to the request timeout.
     */
    private HttpResponse<String> send(String method, String path, Object body) {
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        while (true) {
            HttpResponse<String> r = sendOnce(method, path, body);
            boolean rebalancing = r.statusCode() == 409
                    || (r.statusCode() == 500 && r.body() != null && r.body().contains("rebalance"));
            if (!rebalancing || System.nanoTime() > deadline) {
                return r;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("interrupted while calling Connect", 0, e);
            }
        }
    }

    private HttpResponse<String> sendOnce(String method, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout)
                    .header("Accept", "application/json");
            authorization.ifPresent(a -> b.header("Authorization", a));
            if (body != null) {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ConnectException("cannot reach Connect at " + base + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while calling Connect", 0, e);
        }
    }

    private static JsonNode parse(HttpResponse<String> r) {
        try {
            return r.body() == null || r.body().isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new ConnectException("Connect answered with something that is not JSON (HTTP " + r.statusCode() + ")", r.statusCode(), e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
