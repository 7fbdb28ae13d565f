package io.twinegress.emulators.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.emulators.auth.KeyFingerprint;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A typed client of the stand-ins' admin API ({@link AdminServer}), for whoever runs the stand-ins as a
 * process: what arrived, and the same faults the embedded stand-ins offer. Every call is HTTP/1.1 to
 * loopback and throws {@link IOException} when the API answers anything but 200; the message names the
 * call and the API's error text (which names a field, never a key).
 *
 * <pre>{@code
 * AdminClient admin = new AdminClient("http://127.0.0.1:5680");
 * admin.amqp().revokeKey("RootManageSharedAccessKey", primary);
 * long n = admin.eventGrid().count("twins");
 * }</pre>
 */
public final class AdminClient {

    /** Small answers (health, counts, one arrival): the live views poll these and must not stall. */
    private static final Duration QUICK = Duration.ofSeconds(5);
    /** Pages of arrivals, and faults (dropping connections or freeing a port takes seconds). */
    private static final Duration SLOW = Duration.ofSeconds(30);
    private static final int PAGE = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build();
    private final Amqp amqp = new Amqp();
    private final EventGrid eventGrid = new EventGrid();
    private final Identity identity = new Identity();

    /** @param baseUrl e.g. {@code http://127.0.0.1:5680} */
    public AdminClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /**
     * One arrival: the event id (AMQP: the message id), the body when it is text (Event Grid: the event as
     * sent), the fingerprint of its key, or the client id of the Entra ID token that authorized it, and
     * when the stand-in accepted it (null if the API did not say).
     */
    public record Arrival(String id, String body, String keyFingerprint, String principal, Instant receivedAt) {

        public Arrival(String id, String body, String keyFingerprint, String principal) {
            this(id, body, keyFingerprint, principal, null);
        }
    }

    /**
     * The fingerprint an {@link Arrival} carries when {@code key} authorized it (the first 12 hex digits of
     * its SHA-256): tells the primary key from the secondary without showing either.
     */
    public static String fingerprint(String key) {
        return KeyFingerprint.of(key);
    }

    /** Whether the API answers {@code GET /health} with {@code UP}. */
    public boolean healthy() throws IOException, InterruptedException {
        return get("/health", QUICK).path("status").asText().equals("UP");
    }

    /** Ports, reachability, faults and counters of each stand-in, as {@code GET /status} answers them. */
    public JsonNode status() throws IOException, InterruptedException {
        return get("/status", QUICK);
    }

    /** Arrivals per entity of each stand-in, as {@code GET /counts} answers them: {@code {"amqp":{..},"eventGrid":{..}}}. */
    public JsonNode counts() throws IOException, InterruptedException {
        return get("/counts", QUICK);
    }

    /** Forgets every recorded message and event (counts restart at 0). */
    public void forgetRecorded() throws IOException, InterruptedException {
        send("DELETE", "/messages", null);
    }

    /** The AMQP stand-in (Service Bus topics, event hubs). */
    public Amqp amqp() {
        return amqp;
    }

    /** The Event Grid stand-in (topics). */
    public EventGrid eventGrid() {
        return eventGrid;
    }

    /** The identity provider (Microsoft Entra ID stand-in), when enabled. */
    public Identity identity() {
        return identity;
    }

    /** One stand-in's part of the API: the same for both, as the stand-ins share one contract. */
    public abstract class StandIn {
        private final String prefix;
        private final String arrivals;

        private StandIn(String prefix, String arrivals) {
            this.prefix = prefix;
            this.arrivals = arrivals;
        }

        /** How many arrivals {@code entity} holds. */
        public long count(String entity) throws IOException, InterruptedException {
            return get(arrivalsPath(entity) + "?limit=0", QUICK).path("count").asLong();
        }

        /** Everything {@code entity} holds, in arrival order. */
        public List<Arrival> arrivals(String entity) throws IOException, InterruptedException {
            List<Arrival> out = new ArrayList<>();
            int offset = 0;
            while (true) {
                JsonNode page = get(arrivalsPath(entity) + "?limit=" + PAGE + "&offset=" + offset, SLOW);
                JsonNode items = page.path(arrivals);
                items.forEach(n -> out.add(arrival(n)));
                offset += items.size();
                if (items.isEmpty() || offset >= page.path("count").asInt()) {
                    return out;
                }
            }
        }

        /** The newest arrival at {@code entity}, or null when none. */
        public Arrival last(String entity) throws IOException, InterruptedException {
            long n = count(entity);
            if (n == 0) {
                return null;
            }
            JsonNode items = get(arrivalsPath(entity) + "?limit=1&offset=" + (n - 1), QUICK).path(arrivals);
            return items.isEmpty() ? null : arrival(items.get(0));
        }

        /**
         * Replaces every key of {@code keyName} (Event Grid: null, its keys have no names); sessions using
         * another key are cut before this returns.
         */
        public void setKeys(String keyName, List<String> keys) throws IOException, InterruptedException {
            ObjectNode body = keyBody(keyName);
            keys.forEach(body.putArray("keys")::add);
            post("keys", body);
        }

        /** Accepts one more key for {@code keyName} (Event Grid: null). */
        public void addKey(String keyName, String key) throws IOException, InterruptedException {
            post("keys/add", keyBody(keyName).put("key", key));
        }

        /** Stops accepting {@code key} of {@code keyName} (Event Grid: null); its sessions are cut. */
        public void revokeKey(String keyName, String key) throws IOException, InterruptedException {
            post("keys/revoke", keyBody(keyName).put("key", key));
        }

        /** Closes the listener and every connection, or listens again on the same port. */
        public void unreachable(boolean unreachable) throws IOException, InterruptedException {
            post(unreachable ? "unreachable" : "reachable", JSON.createObjectNode());
        }

        /** Throttles every request until turned off (off also ends {@link #throttleNext}). */
        public void throttle(boolean on) throws IOException, InterruptedException {
            post("throttle", JSON.createObjectNode().put("on", on));
        }

        /** Throttles the next {@code requests} requests, then accepts again. */
        public void throttleNext(int requests) throws IOException, InterruptedException {
            post("throttle", JSON.createObjectNode().put("next", requests));
        }

        /** Delays every answer by {@code delay} ({@link Duration#ZERO}: none). */
        public void setResponseDelay(Duration delay) throws IOException, InterruptedException {
            post("delay", JSON.createObjectNode().put("ms", delay.toMillis()));
        }

        /** Posts to one of this stand-in's actions. */
        void post(String action, ObjectNode body) throws IOException, InterruptedException {
            send("POST", "/" + prefix + "/" + action, body.toString());
        }

        /** One listed arrival as this stand-in's page shows it. */
        abstract Arrival arrival(JsonNode n);

        private String arrivalsPath(String entity) {
            return "/" + prefix + "/" + URLEncoder.encode(entity, StandardCharsets.UTF_8) + "/" + arrivals;
        }

        private ObjectNode keyBody(String keyName) {
            ObjectNode body = JSON.createObjectNode();
            if (keyName != null) {
                body.put("keyName", keyName);
            }
            return body;
        }
    }

    /** The AMQP stand-in: arrivals are messages, keys belong to key names. */
    public final class Amqp extends StandIn {
        private Amqp() {
            super("amqp", "messages");
        }

        /** Declares a Service Bus topic while running. */
        public void declareServiceBusTopic(String name) throws IOException, InterruptedException {
            post("entities", JSON.createObjectNode().put("type", "servicebus").put("name", name));
        }

        /** Declares a Service Bus queue while running, optionally session-enabled and/or partitioned. */
        public void declareServiceBusQueue(String name, boolean sessions, boolean partitioned)
                throws IOException, InterruptedException {
            post("entities", JSON.createObjectNode().put("type", "queue").put("name", name).put("sessions", sessions)
                    .put("partitioned", partitioned));
        }

        /** Declares a Service Bus topic while running, optionally session-enabled and/or partitioned. */
        public void declareServiceBusTopic(String name, boolean sessions, boolean partitioned)
                throws IOException, InterruptedException {
            post("entities", JSON.createObjectNode().put("type", "topic").put("name", name).put("sessions", sessions)
                    .put("partitioned", partitioned));
        }

        /** Declares an event hub with {@code partitions} partitions while running. */
        public void declareEventHub(String name, int partitions) throws IOException, InterruptedException {
            post("entities", JSON.createObjectNode().put("type", "eventhub").put("name", name)
                    .put("partitions", partitions));
        }

        @Override
        Arrival arrival(JsonNode n) {
            return new Arrival(n.path("messageId").asText(null), n.hasNonNull("body") ? n.path("body").asText() : null,
                    n.path("keyFingerprint").asText(null), n.path("principal").asText(null), receivedAt(n));
        }
    }

    /** The Event Grid stand-in: arrivals are events, keys have no names (pass null). */
    public final class EventGrid extends StandIn {
        private EventGrid() {
            super("eventgrid", "events");
        }

        /** Throttles every publish with {@code status} (429 or 503) and {@code Retry-After}, until turned off. */
        public void throttle(int status, Duration retryAfter) throws IOException, InterruptedException {
            post("throttle", JSON.createObjectNode().put("on", true).put("status", status)
                    .put("retryAfterSeconds", retryAfter.toSeconds()));
        }

        /** Declares a topic while running. */
        public void declareTopic(String name) throws IOException, InterruptedException {
            post("topics", JSON.createObjectNode().put("name", name));
        }

        /** Declares a topic with the CloudEvents 1.0 schema while running. */
        public void declareCloudEventsTopic(String name) throws IOException, InterruptedException {
            post("topics", JSON.createObjectNode().put("name", name).put("schema", "cloudevents"));
        }

        /** Declares a namespace topic (CloudEvents only) while running. */
        public void declareNamespaceTopic(String name) throws IOException, InterruptedException {
            post("topics", JSON.createObjectNode().put("name", name).put("namespace", true));
        }

        @Override
        Arrival arrival(JsonNode n) {
            JsonNode event = n.path("event");
            return new Arrival(event.path("id").asText(null), event.toString(), n.path("keyFingerprint").asText(null),
                    n.path("principal").asText(null), receivedAt(n));
        }
    }

    /** The identity provider: roles, token lifetime and early expiry, identities, federated token files. */
    public final class Identity {
        private Identity() {
        }

        /** Identities, their roles and tokens issued, as {@code GET /identity} answers them (no secrets). */
        public JsonNode status() throws IOException, InterruptedException {
            return get("/identity", QUICK);
        }

        /** Tokens issued to {@code clientId} so far. */
        public long tokensIssued(String clientId) throws IOException, InterruptedException {
            for (JsonNode i : status().path("identities")) {
                if (i.path("clientId").asText().equalsIgnoreCase(clientId)) {
                    return i.path("tokensIssued").asLong();
                }
            }
            throw new IOException("no identity " + clientId);
        }

        /**
         * Takes {@code role} (e.g. {@code SERVICE_BUS_DATA_SENDER} or {@code Azure Service Bus Data Sender}) on
         * {@code scope} (an entity or topic, or {@code *}) from {@code clientId}; AMQP connections its tokens
         * authorized are cut.
         */
        public void revokeRole(String clientId, String role, String scope) throws IOException, InterruptedException {
            send("POST", "/identity/roles/revoke", JSON.createObjectNode().put("clientId", clientId).put("role", role)
                    .put("scope", scope).toString());
        }

        /** Gives {@code clientId} {@code role} on {@code scope} (restores a revoked one). */
        public void assignRole(String clientId, String role, String scope) throws IOException, InterruptedException {
            send("POST", "/identity/roles/assign", JSON.createObjectNode().put("clientId", clientId).put("role", role)
                    .put("scope", scope).toString());
        }

        /** How long tokens issued from now on live. */
        public void setTokenLifetime(Duration lifetime) throws IOException, InterruptedException {
            send("POST", "/identity/tokens/lifetime", JSON.createObjectNode().put("seconds", lifetime.toSeconds())
                    .toString());
        }

        /** Every token issued so far (to {@code clientId}; null: to anyone) is refused as expired from now on. */
        public void expireTokens(String clientId) throws IOException, InterruptedException {
            ObjectNode body = JSON.createObjectNode();
            if (clientId != null) {
                body.put("clientId", clientId);
            }
            send("POST", "/identity/tokens/expire", body.toString());
        }

        /** Writes a fresh federated token (valid an hour) for workload identity {@code clientId} to {@code file}. */
        public void writeFederatedToken(String clientId, java.nio.file.Path file) throws IOException, InterruptedException {
            send("POST", "/identity/federated-token", JSON.createObjectNode().put("clientId", clientId)
                    .put("file", file.toAbsolutePath().toString()).toString());
        }
    }

    private static Instant receivedAt(JsonNode arrival) {
        return arrival.hasNonNull("receivedAt") ? Instant.parse(arrival.path("receivedAt").asText()) : null;
    }

    private JsonNode get(String path, Duration timeout) throws IOException, InterruptedException {
        return JSON.readTree(send("GET", path, null, timeout));
    }

    private void send(String method, String path, String body) throws IOException, InterruptedException {
        send(method, path, body, SLOW);
    }

    private String send(String method, String path, String body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(method + " " + path + " answered " + r.statusCode() + errorText(r.body()));
        }
        return r.body();
    }

    /** The API's error text (it names a field or an action, never a key), or "". */
    private static String errorText(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            return error.isTextual() ? ": " + error.asText() : "";
        } catch (IOException e) {
            return "";
        }
    }
}
