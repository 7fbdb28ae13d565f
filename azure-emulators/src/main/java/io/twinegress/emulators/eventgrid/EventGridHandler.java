package io.twinegress.emulators.eventgrid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import io.twinegress.emulators.auth.KeyFingerprint;
import io.twinegress.emulators.auth.SasValidation;
import io.twinegress.emulators.auth.SharedAccessSignatures;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.identity.Role;
import io.twinegress.emulators.identity.TokenCheck;
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
 * method, delay, key or token, api-version of a namespace topic, throttling, size, body), and counts every
 * response by status. Whatever it throws
 * is recorded as a handler error and answered 500.
 */
final class EventGridHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(EventGridHandler.class);
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String EVENTS_PATH = "/api/events";
    private static final String NAMESPACE_PREFIX = "/topics/";
    private static final String PUBLISH_SUFFIX = ":publish";
    private static final String SHARED_ACCESS_KEY = "SharedAccessKey ";

    private final EventGridEmulator eg;
    private final EventGridValidator validator;
    private final CloudEventValidator cloudEventValidator;
    private final CloudEventValidator namespaceValidator;
    private final long maxRequestBytes;
    private final Map<Integer, AtomicLong> statusCounts = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();

    EventGridHandler(EventGridEmulator eg, EventGridValidator validator, CloudEventValidator cloudEventValidator,
                     CloudEventValidator namespaceValidator, long maxRequestBytes) {
        this.eg = eg;
        this.validator = validator;
        this.cloudEventValidator = cloudEventValidator;
        this.namespaceValidator = namespaceValidator;
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
        EventGridEmulator.Topic topic = route(path);
        if (topic == null) {
            drain(exchange.getRequestBody());
            send(exchange, 404, error("NotFound", "No topic is served at '" + path + "'. Use /api/events, "
                    + "/<topic>/api/events or /topics/<namespace topic>:publish."), null);
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
            if (auth.status() == 401 && auth.bearer()) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            }
            send(exchange, auth.status(), error(auth.status() == 403 ? "Forbidden" : "Unauthorized", auth.refusal()),
                    null);
            return;
        }
        if (topic.namespace() && query(exchange, "api-version") == null) {
            drain(exchange.getRequestBody());
            send(exchange, 400, error("BadRequest", "The api-version query parameter is required (e.g. api-version="
                    + EventGridEmulator.NAMESPACE_API_VERSION + ")."), null);
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
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        EventGridValidator.Result result = topic.schema() == EventGridEmulator.Schema.CLOUD_EVENTS
                ? (topic.namespace() ? namespaceValidator : cloudEventValidator).validate(body, contentType)
                : validator.validate(body, EventGridEmulator.topicResourceId(topic.name()));
        if (!result.accepted()) {
            send(exchange, result.status(), error(result.code(), result.message()), null);
            return;
        }
        record(topic, result, auth, contentType, exchange instanceof HttpsExchange);
        if (eg.dropsThisAnswer()) {
            return; // closing the exchange before a response is sent closes the connection
        }
        if (topic.namespace()) {
            sendJson(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8)); // the namespace API answers an empty object
        } else {
            send(exchange, 200, null, null);
        }
    }

    private void record(EventGridEmulator.Topic topic, EventGridValidator.Result result, Auth auth, String contentType,
                        boolean overTls) {
        long requestId = requestIds.incrementAndGet();
        Instant now = Instant.now();
        int size = result.events().size();
        boolean ce = topic.schema() == EventGridEmulator.Schema.CLOUD_EVENTS;
        List<ReceivedEvent> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            JsonNode e = result.events().get(i);
            events.add(ce
                    ? new ReceivedEvent(topic.name(), e.get("id").asText(), textOrNull(e.get("subject")),
                            e.get("type").asText(), textOrNull(e.get("time")), null, null, null, e.get("data"),
                            result.eventJson().get(i), now, requestId, size, auth.fingerprint(), true,
                            e.get("source").asText(), e.get("specversion").asText(),
                            textOrNull(e.get("datacontenttype")), textOrNull(e.get("dataschema")),
                            textOrNull(e.get("data_base64")), contentType, topic.namespace(), auth.principal(), overTls)
                    : new ReceivedEvent(topic.name(), e.get("id").asText(), e.get("subject").asText(),
                            e.get("eventType").asText(), e.get("eventTime").asText(), e.get("dataVersion").asText(),
                            textOrNull(e.get("metadataVersion")), textOrNull(e.get("topic")), e.get("data"),
                            result.eventJson().get(i), now, requestId, size, auth.fingerprint(), false, null, null,
                            null, null, null, contentType, false, auth.principal(), overTls));
        }
        eg.log().addAll(topic.name(), events);
    }

    /**
     * "/api/events" → default; "/t/api/events" → t; "/topics/t:publish" → namespace topic t (each only when
     * served, and of the right kind); otherwise null.
     */
    private EventGridEmulator.Topic route(String path) {
        String p = path == null ? "" : path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.startsWith(NAMESPACE_PREFIX) && lower.endsWith(PUBLISH_SUFFIX)) {
            EventGridEmulator.Topic t = eg.topic(lower.substring(NAMESPACE_PREFIX.length(),
                    lower.length() - PUBLISH_SUFFIX.length()));
            return t != null && t.namespace() ? t : null;
        }
        if (lower.equals(EVENTS_PATH)) {
            return eg.topic(EventGridEmulator.DEFAULT_TOPIC);
        }
        if (lower.startsWith("/") && lower.endsWith(EVENTS_PATH)) {
            EventGridEmulator.Topic t = eg.topic(lower.substring(1, lower.length() - EVENTS_PATH.length()));
            return t != null && !t.namespace() ? t : null;
        }
        return null;
    }

    /**
     * Either a refusal (status 401, or 403 for a valid token without the role) or who authorized the
     * request: the fingerprint of the key, or the principal of the token.
     */
    private record Auth(String refusal, int status, boolean bearer, String fingerprint, String principal) {
        static Auth refused(String why) {
            return new Auth(why, 401, false, null, null);
        }

        static Auth key(String key) {
            return new Auth(null, 200, false, KeyFingerprint.of(key), null);
        }
    }

    private Auth authorize(HttpExchange exchange, EventGridEmulator.Topic topic) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return bearer(authorization.substring(7).trim(), topic);
        }
        List<String> keys = eg.topicKeys();
        if (topic.namespace()) {
            if (authorization != null && authorization.regionMatches(true, 0, SHARED_ACCESS_KEY, 0,
                    SHARED_ACCESS_KEY.length())) {
                String key = matching(authorization.substring(SHARED_ACCESS_KEY.length()).trim(), keys);
                return key != null ? Auth.key(key) : Auth.refused("The request authorization key is not authorized "
                        + "for namespace topic '" + topic.name() + "'.");
            }
            return Auth.refused("The request has no 'Authorization: SharedAccessKey <key>' or 'Authorization: "
                    + "Bearer <token>' header.");
        }
        String key = exchange.getRequestHeaders().getFirst("aeg-sas-key");
        String token = exchange.getRequestHeaders().getFirst("aeg-sas-token");
        if (key != null) {
            String valid = matching(key, keys);
            return valid != null ? Auth.key(valid) : Auth.refused("The request authorization key is not authorized "
                    + "for topic '" + topic.name() + "'.");
        }
        if (token != null) {
            // the host in the signed resource is whatever the client called us (127.0.0.1, localhost ...):
            // check the path only
            SasValidation v = SharedAccessSignatures.validateEventGridToken(token, keys, null, Instant.now());
            if (!v.valid()) {
                return Auth.refused("The request authorization token is not valid: " + v.reason());
            }
            String signedPath = SharedAccessSignatures.pathOf(v.resource());
            String expected = EventGridEmulator.DEFAULT_TOPIC.equals(topic.name()) ? "api/events"
                    : topic.name().toLowerCase(Locale.ROOT) + "/api/events";
            if (!signedPath.isEmpty() && !signedPath.equals(expected)) {
                return Auth.refused("The request authorization token is for '" + v.resource() + "', not for this "
                        + "topic.");
            }
            return Auth.key(v.key());
        }
        return Auth.refused("The request has no aeg-sas-key, aeg-sas-token or 'Authorization: Bearer' header.");
    }

    /** An Entra ID token: 401 when it is not valid (a new token may help), 403 when the role is missing. */
    private Auth bearer(String token, EventGridEmulator.Topic topic) {
        IdentityProvider identities = eg.identities();
        if (identities == null) {
            return new Auth("This stand-in accepts keys only (no identity provider); the bearer token is not "
                    + "accepted.", 401, true, null, null);
        }
        TokenCheck check = identities.check(token, Role.EVENT_GRID_DATA_SENDER, topic.name());
        return switch (check.outcome()) {
            case ACCEPTED -> new Auth(null, 200, true, null, check.clientId());
            case INVALID_TOKEN -> new Auth(check.reason(), 401, true, null, null);
            case MISSING_ROLE -> new Auth(check.reason(), 403, true, null, null);
        };
    }

    /** The valid key equal to {@code presented} (compared in constant time), or null. */
    private static String matching(String presented, List<String> keys) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        for (String valid : keys) {
            if (MessageDigest.isEqual(p, valid.getBytes(StandardCharsets.UTF_8))) {
                return valid;
            }
        }
        return null;
    }

    private static String query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).equalsIgnoreCase(name) && eq < part.length() - 1) {
                return part.substring(eq + 1);
            }
        }
        return null;
    }

    private void sendJson(HttpExchange exchange, int status, byte[] body) throws IOException {
        statusCounts.computeIfAbsent(status, x -> new AtomicLong()).incrementAndGet();
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
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
