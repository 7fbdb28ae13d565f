package io.twinegress.emulators.eventgrid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.twinegress.emulators.auth.KeyFingerprint;
import io.twinegress.emulators.auth.SasValidation;
import io.twinegress.emulators.auth.SharedAccessSignatures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one publish to {@link EventGridEmulator}, in the order its class comment lists (topic,
 * method, delay, key, throttling, size, body), and counts every response by status. Whatever it throws
 * is recorded as a handler error and answered 500.
 */
final class EventGridHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(EventGridHandler.class);
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String EVENTS_PATH = "/api/events";

    private final EventGridEmulator eg;
    private final EventGridValidator validator;
    private final long maxRequestBytes;
    private final Map<Integer, AtomicLong> statusCounts = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();

    EventGridHandler(EventGridEmulator eg, EventGridValidator validator, long maxRequestBytes) {
        this.eg = eg;
        this.validator = validator;
        this.maxRequestBytes = maxRequestBytes;
    }

    long responses(int status) {
        AtomicLong c = statusCounts.get(status);
        return c == null ? 0 : c.get();
    }

    Map<Integer, Long> responseCounts() {
        Map<Integer, Long> out = new LinkedHashMap<>();
        statusCounts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            try {
                respond(exchange);
            } catch (IOException e) {
                LOG.debug("Event Grid client went away", e); // the client's business
            } catch (Throwable t) {
                eg.handlerErrorLog().record("publish", t);
                try {
                    send(exchange, 500, error("InternalServerError", "stand-in failure: " + t), null);
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String topic = topicOf(path);
        if (topic == null) {
            drain(exchange.getRequestBody());
            send(exchange, 404, error("NotFound", "No topic is served at '" + path + "'. Use /api/events or "
                    + "/<topic>/api/events."), null);
            return;
        }
        if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
            drain(exchange.getRequestBody());
            send(exchange, 405, error("MethodNotAllowed", "Only POST is supported."), null);
            return;
        }
        Duration delay = eg.responseDelay();
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Auth auth = authorize(exchange, topic);
        if (auth.refusal() != null) {
            drain(exchange.getRequestBody());
            send(exchange, 401, error("Unauthorized", auth.refusal()), null);
            return;
        }
        EventGridEmulator.ForcedAnswer forced = eg.forcedAnswer();
        if (forced != null) {
            drain(exchange.getRequestBody());
            send(exchange, forced.status(), error(forced.code(), forced.message()), null);
            return;
        }
        if (eg.throttlesThisPublish()) {
            drain(exchange.getRequestBody());
            EventGridEmulator.Busy busy = eg.busy();
            long seconds = busy.retryAfterSeconds();
            send(exchange, busy.status(), error(busy.status() == 503 ? "ServiceUnavailable" : "TooManyRequests",
                    "The request was throttled. Retry after " + seconds + " second(s)."), Long.toString(seconds));
            return;
        }
        byte[] body = readLimited(exchange.getRequestBody(), maxRequestBytes);
        if (body == null) {
            send(exchange, 413, error("RequestEntityTooLarge", "The request size exceeds the limit of "
                    + maxRequestBytes + " bytes."), null);
            return;
        }
        String displayTopic = eg.topicName(topic);
        EventGridValidator.Result result = validator.validate(body, EventGridEmulator.topicResourceId(displayTopic));
        if (!result.accepted()) {
            send(exchange, result.status(), error(result.code(), result.message()), null);
            return;
        }
        record(displayTopic, result, auth.fingerprint());
        if (eg.dropsThisAnswer()) {
            return; // closing the exchange before a response is sent closes the connection
        }
        send(exchange, 200, null, null);
    }

    private void record(String topic, EventGridValidator.Result result, String keyFingerprint) {
        long requestId = requestIds.incrementAndGet();
        Instant now = Instant.now();
        int size = result.events().size();
        List<ReceivedEvent> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            JsonNode e = result.events().get(i);
            events.add(new ReceivedEvent(topic, e.get("id").asText(), e.get("subject").asText(),
                    e.get("eventType").asText(), e.get("eventTime").asText(), e.get("dataVersion").asText(),
                    textOrNull(e.get("metadataVersion")), textOrNull(e.get("topic")), e.get("data"),
                    result.eventJson().get(i), now, requestId, size, keyFingerprint));
        }
        eg.log().addAll(topic, events);
    }

    /** "/api/events" → default; "/t/api/events" → t (when served); otherwise null. Lower case. */
    private String topicOf(String path) {
        String p = path == null ? "" : path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.equalsIgnoreCase(EVENTS_PATH)) {
            return EventGridEmulator.DEFAULT_TOPIC;
        }
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.startsWith("/") && lower.endsWith(EVENTS_PATH)) {
            String name = lower.substring(1, lower.length() - EVENTS_PATH.length());
            return eg.topicName(name) != null ? name : null;
        }
        return null;
    }

    /** Either a refusal reason or the fingerprint of the key that authorized the request. */
    private record Auth(String refusal, String fingerprint) {
    }

    private Auth authorize(HttpExchange exchange, String topic) {
        String key = exchange.getRequestHeaders().getFirst("aeg-sas-key");
        String token = exchange.getRequestHeaders().getFirst("aeg-sas-token");
        List<String> keys = eg.topicKeys();
        if (key != null) {
            byte[] presented = key.getBytes(StandardCharsets.UTF_8);
            for (String valid : keys) {
                if (MessageDigest.isEqual(presented, valid.getBytes(StandardCharsets.UTF_8))) {
                    return new Auth(null, KeyFingerprint.of(valid));
                }
            }
            return new Auth("The request authorization key is not authorized for topic '" + eg.topicName(topic)
                    + "'.", null);
        }
        if (token != null) {
            // the host in the signed resource is whatever the client called us (127.0.0.1, localhost ...):
            // check the path only
            SasValidation v = SharedAccessSignatures.validateEventGridToken(token, keys, null, Instant.now());
            if (!v.valid()) {
                return new Auth("The request authorization token is not valid: " + v.reason(), null);
            }
            String signedPath = SharedAccessSignatures.pathOf(v.resource());
            String expected = EventGridEmulator.DEFAULT_TOPIC.equals(topic) ? "api/events" : topic + "/api/events";
            if (!signedPath.isEmpty() && !signedPath.equals(expected)) {
                return new Auth("The request authorization token is for '" + v.resource() + "', not for this topic.",
                        null);
            }
            return new Auth(null, KeyFingerprint.of(v.key()));
        }
        return new Auth("The request has no aeg-sas-key or aeg-sas-token header.", null);
    }

    private void send(HttpExchange exchange, int status, byte[] body, String retryAfterSeconds) throws IOException {
        statusCounts.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        if (retryAfterSeconds != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfterSeconds);
        }
        if (body == null) {
            exchange.getResponseHeaders().set("Content-Length", "0");
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Event Grid's error shape: {@code {"error":{"code":..,"message":..}}}. */
    private static byte[] error(String code, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("code", code);
        err.put("message", message);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads at most {@code limit} bytes; null when the body is longer (and drains the rest). */
    private static byte[] readLimited(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        int n;
        boolean over = false;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > limit) {
                over = true;
                continue; // keep draining so the client sees the response, not a reset
            }
            out.write(buf, 0, n);
        }
        return over ? null : out.toByteArray();
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[16 * 1024];
        while (in.read(buf) > 0) {
            // discard
        }
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
