package io.twinegress.emulators.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.AmqpEntity;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.eventgrid.ReceivedEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small loopback JSON API over the running stand-ins: what arrived, and faults on demand.
 * Endpoints are documented in {@code docs/emulators.md}. Either stand-in may be absent (null).
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AmqpEmulator amqp;
    private final EventGridEmulator eventGrid;
    private final HttpServer server;

    /** Starts serving on {@code host:port} (0 = any free port). */
    public AdminServer(String host, int port, AmqpEmulator amqp, EventGridEmulator eventGrid) {
        this.amqp = amqp;
        this.eventGrid = eventGrid;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "emulators-admin");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
        LOG.info("Admin API on http://{}:{}", host, port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private record Reply(int status, JsonNode body) {
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            Reply reply;
            try {
                JsonNode body = readBody(ex.getRequestBody());
                reply = route(ex.getRequestMethod(), ex.getRequestURI().getPath(), query(ex.getRequestURI().getRawQuery()),
                        body);
            } catch (IllegalArgumentException | IllegalStateException e) {
                reply = new Reply(400, error(e.getMessage()));
            } catch (IOException e) {
                reply = new Reply(400, error("unreadable JSON body: " + e.getMessage()));
            }
            byte[] out = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reply.body());
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(reply.status(), out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        } catch (IOException e) {
            LOG.debug("admin client went away", e);
        } catch (RuntimeException e) {
            LOG.error("admin request failed", e);
        }
    }

    private Reply route(String method, String path, Map<String, String> query, JsonNode body) {
        String[] p = path.replaceAll("/+$", "").split("/");
        // p[0] is "" (leading slash)
        String a = p.length > 1 ? p[1] : "";
        String b = p.length > 2 ? decode(p[2]) : "";
        String c = p.length > 3 ? p[3] : "";
        boolean get = method.equalsIgnoreCase("GET");
        boolean post = method.equalsIgnoreCase("POST");
        boolean delete = method.equalsIgnoreCase("DELETE");

        if (get && a.equals("health")) {
            return ok(JSON.createObjectNode().put("status", "UP"));
        }
        if (get && a.equals("status")) {
            return ok(status());
        }
        if (get && a.equals("counts")) {
            return ok(counts());
        }
        if (delete && a.equals("messages")) {
            if (amqp != null) {
                amqp.clear();
            }
            if (eventGrid != null) {
                eventGrid.clear();
            }
            return ok(done("cleared"));
        }
        if (a.equals("amqp")) {
            if (amqp == null) {
                return new Reply(404, error("the AMQP stand-in is not enabled"));
            }
            if (get && !b.isEmpty() && c.equals("messages")) {
                return ok(messages(amqp.received(b), limit(query), offset(query)));
            }
            if (post) {
                return amqpAction(b, c, body);
            }
        }
        if (a.equals("eventgrid")) {
            if (eventGrid == null) {
                return new Reply(404, error("the Event Grid stand-in is not enabled"));
            }
            if (get && !b.isEmpty() && c.equals("events")) {
                return ok(events(eventGrid.received(b), limit(query), offset(query)));
            }
            if (post) {
                return eventGridAction(b, c, body);
            }
        }
        return new Reply(404, error("no such endpoint: " + method + " " + path + " (see docs/emulators.md)"));
    }

    private Reply amqpAction(String action, String sub, JsonNode body) {
        switch (action + (sub.isEmpty() ? "" : "/" + sub)) {
            case "keys" -> {
                String keyName = text(body, "keyName");
                List<String> keys = strings(body, "keys");
                amqp.setKeys(keyName, keys.toArray(new String[0]));
                return ok(done("keys of " + keyName + " replaced (" + keys.size() + " valid)"));
            }
            case "keys/add" -> {
                amqp.addKey(text(body, "keyName"), text(body, "key"));
                return ok(done("key added"));
            }
            case "keys/revoke" -> {
                amqp.revokeKey(text(body, "keyName"), text(body, "key"));
                return ok(done("key revoked"));
            }
            case "unreachable" -> {
                amqp.goUnreachable();
                return ok(done("unreachable"));
            }
            case "reachable" -> {
                amqp.comeBack();
                return ok(done("reachable on port " + amqp.port()));
            }
            case "throttle" -> {
                if (body.has("next")) {
                    amqp.throttleNext(body.get("next").asInt());
                    return ok(done("throttling the next " + body.get("next").asInt() + " transfer(s)"));
                }
                amqp.throttle(bool(body, "on"));
                return ok(done("throttling " + (bool(body, "on") ? "on" : "off")));
            }
            case "delay" -> {
                amqp.setResponseDelay(Duration.ofMillis(body.path("ms").asLong(0)));
                return ok(done("response delay " + body.path("ms").asLong(0) + " ms"));
            }
            case "entities" -> {
                String type = text(body, "type");
                String name = text(body, "name");
                if (type.equalsIgnoreCase("servicebus")) {
                    amqp.addServiceBusTopic(name);
                } else if (type.equalsIgnoreCase("eventhub")) {
                    amqp.addEventHub(name, body.path("partitions").asInt(4));
                } else {
                    throw new IllegalArgumentException("type must be servicebus or eventhub");
                }
                return ok(done("entity " + name + " declared"));
            }
            default -> {
                return new Reply(404, error("no such AMQP action: " + action));
            }
        }
    }

    private Reply eventGridAction(String action, String sub, JsonNode body) {
        switch (action + (sub.isEmpty() ? "" : "/" + sub)) {
            case "keys" -> {
                List<String> keys = strings(body, "keys");
                eventGrid.setKeys(keys.toArray(new String[0]));
                return ok(done("keys replaced (" + keys.size() + " valid)"));
            }
            case "keys/add" -> {
                eventGrid.addKey(text(body, "key"));
                return ok(done("key added"));
            }
            case "keys/revoke" -> {
                eventGrid.revokeKey(text(body, "key"));
                return ok(done("key revoked"));
            }
            case "unreachable" -> {
                eventGrid.goUnreachable();
                return ok(done("unreachable"));
            }
            case "reachable" -> {
                eventGrid.comeBack();
                return ok(done("reachable on port " + eventGrid.port()));
            }
            case "throttle" -> {
                if (body.has("next")) {
                    eventGrid.throttleNext(body.get("next").asInt());
                    return ok(done("throttling the next " + body.get("next").asInt() + " request(s)"));
                }
                if (bool(body, "on")) {
                    eventGrid.throttle(body.path("status").asInt(429),
                            Duration.ofSeconds(body.path("retryAfterSeconds").asLong(1)));
                } else {
                    eventGrid.throttle(false);
                }
                return ok(done("throttling " + (bool(body, "on") ? "on" : "off")));
            }
            case "delay" -> {
                eventGrid.setResponseDelay(Duration.ofMillis(body.path("ms").asLong(0)));
                return ok(done("response delay " + body.path("ms").asLong(0) + " ms"));
            }
            case "topics" -> {
                eventGrid.addTopic(text(body, "name"));
                return ok(done("topic " + text(body, "name") + " declared"));
            }
            default -> {
                return new Reply(404, error("no such Event Grid action: " + action));
            }
        }
    }

    private ObjectNode status() {
        ObjectNode root = JSON.createObjectNode();
        if (amqp != null) {
            ObjectNode n = root.putObject("amqp");
            n.put("port", amqp.port());
            n.put("endpoint", amqp.endpoint());
            n.put("reachable", amqp.isReachable());
            n.put("throttling", amqp.isThrottling());
            n.put("responseDelayMs", amqp.responseDelay().toMillis());
            n.put("openConnections", amqp.openConnections());
            n.put("tokensAccepted", amqp.tokensAccepted());
            n.put("tokensRefused", amqp.tokensRefused());
            n.put("transfersAccepted", amqp.transfersAccepted());
            n.put("transfersThrottled", amqp.transfersThrottled());
            n.put("duplicatesDropped", amqp.duplicatesDropped());
            n.put("handlerErrors", amqp.handlerErrors().size());
            ObjectNode keys = n.putObject("keyCounts");
            amqp.keys().keyCounts().forEach(keys::put);
            ArrayNode entities = n.putArray("entities");
            for (AmqpEntity e : amqp.entities()) {
                ObjectNode en = entities.addObject();
                en.put("name", e.name());
                en.put("kind", e.kind().name());
                en.put("partitions", e.partitionCount());
                en.put("maxMessageSize", e.maxMessageSize());
                en.put("duplicateDetectionSeconds", e.duplicateDetectionWindow().toSeconds());
            }
        }
        if (eventGrid != null) {
            ObjectNode n = root.putObject("eventGrid");
            n.put("port", eventGrid.port());
            n.put("endpoint", eventGrid.endpoint());
            n.put("reachable", eventGrid.isReachable());
            n.put("throttling", eventGrid.isThrottling());
            n.put("handlerErrors", eventGrid.handlerErrors().size());
            ArrayNode topics = n.putArray("topics");
            eventGrid.topics().forEach(t -> topics.addObject().put("name", t).put("url", eventGrid.endpoint(t)));
            ObjectNode responses = n.putObject("responses");
            eventGrid.responseCounts().forEach((k, v) -> responses.put(Integer.toString(k), v));
        }
        return root;
    }

    private ObjectNode counts() {
        ObjectNode root = JSON.createObjectNode();
        if (amqp != null) {
            ObjectNode n = root.putObject("amqp");
            amqp.entities().forEach(e -> n.put(e.name(), amqp.count(e.name())));
        }
        if (eventGrid != null) {
            ObjectNode n = root.putObject("eventGrid");
            eventGrid.topics().forEach(t -> n.put(t, eventGrid.count(t)));
        }
        return root;
    }

    static ObjectNode messages(List<ReceivedMessage> all, int limit, int offset) {
        ObjectNode root = JSON.createObjectNode();
        root.put("count", all.size());
        ArrayNode arr = root.putArray("messages");
        for (int i = offset; i < all.size() && i < offset + limit; i++) {
            ReceivedMessage m = all.get(i);
            ObjectNode n = arr.addObject();
            n.put("index", i);
            n.put("entity", m.entity());
            n.put("partitionId", m.partitionId());
            n.put("partitionKey", m.partitionKey());
            n.put("messageId", m.messageId());
            n.put("correlationId", m.correlationId());
            n.put("contentType", m.contentType());
            n.put("subject", m.subject());
            ObjectNode props = n.putObject("applicationProperties");
            m.applicationProperties().forEach((k, v) -> props.put(k, v instanceof byte[] bytes
                    ? Base64.getEncoder().encodeToString(bytes) : String.valueOf(v)));
            String text = utf8OrNull(m.body());
            if (text != null) {
                n.put("body", text);
            } else {
                n.put("bodyBase64", Base64.getEncoder().encodeToString(m.body()));
            }
            n.put("bodyBytes", m.body().length);
            n.put("receivedAt", m.receivedAt().toString());
            n.put("transferId", m.transferId());
            n.put("transferSize", m.transferSize());
            n.put("keyName", m.keyName());
            n.put("keyFingerprint", m.keyFingerprint());
        }
        return root;
    }

    static ObjectNode events(List<ReceivedEvent> all, int limit, int offset) {
        ObjectNode root = JSON.createObjectNode();
        root.put("count", all.size());
        ArrayNode arr = root.putArray("events");
        for (int i = offset; i < all.size() && i < offset + limit; i++) {
            ReceivedEvent e = all.get(i);
            ObjectNode n = arr.addObject();
            n.put("index", i);
            n.put("topic", e.topic());
            n.put("receivedAt", e.receivedAt().toString());
            n.put("requestId", e.requestId());
            n.put("requestSize", e.requestSize());
            n.put("keyFingerprint", e.keyFingerprint());
            try {
                n.set("event", JSON.readTree(e.json()));
            } catch (IOException ex) {
                n.put("eventJson", e.json());
            }
        }
        return root;
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static JsonNode readBody(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        if (bytes.length == 0) {
            return JSON.createObjectNode();
        }
        return JSON.readTree(bytes);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String part : raw.split("&")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    q.put(decode(part.substring(0, eq)), decode(part.substring(eq + 1)));
                }
            }
        }
        return q;
    }

    private static int limit(Map<String, String> q) {
        return Math.max(0, Integer.parseInt(q.getOrDefault("limit", "100")));
    }

    private static int offset(Map<String, String> q) {
        return Math.max(0, Integer.parseInt(q.getOrDefault("offset", "0")));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("the JSON body needs a non-empty string '" + field + "'");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException("the JSON body needs a boolean '" + field + "'");
        }
        return v.asBoolean();
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("the JSON body needs an array of strings '" + field + "'");
        }
        List<String> out = new ArrayList<>();
        v.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static Reply ok(JsonNode body) {
        return new Reply(200, body);
    }

    private static ObjectNode done(String what) {
        return JSON.createObjectNode().put("ok", true).put("result", what);
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("ok", false).put("error", message);
    }
}
