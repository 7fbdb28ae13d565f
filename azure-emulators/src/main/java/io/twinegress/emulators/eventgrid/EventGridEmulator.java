package io.twinegress.emulators.eventgrid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.twinegress.emulators.ArrivalLog;
import io.twinegress.emulators.HandlerErrors;
import io.twinegress.emulators.Loopback;
import io.twinegress.emulators.Throttle;
import io.twinegress.emulators.auth.KeyFingerprint;
import io.twinegress.emulators.auth.SasValidation;
import io.twinegress.emulators.auth.SharedAccessSignatures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Azure Event Grid topics (publish side), over plain HTTP on loopback.
 *
 * <h2>Start, publish, read what arrived</h2>
 * <pre>{@code
 * try (EventGridEmulator eg = EventGridEmulator.builder()
 *         .topic("twins")                 // served at /twins/api/events; /api/events is the "default" topic
 *         .key("a2V5LW9uZQ==")            // valid aeg-sas-key values (key1, key2 ...)
 *         .key("a2V5LXR3bw==")
 *         .start()) {
 *     URI uri = URI.create(eg.endpoint("twins"));   // http://127.0.0.1:PORT/twins/api/events
 *     // POST a JSON array of Event Grid events with header aeg-sas-key ...
 *     List<ReceivedEvent> got = eg.awaitCount("twins", 1, Duration.ofSeconds(10));
 *     eg.assertNoHandlerErrors();
 * }
 * }</pre>
 *
 * <h2>What a publish gets, in this order</h2>
 * <ol>
 * <li>not POST → 405; unknown topic path → 404;</li>
 * <li>the {@linkplain #setResponseDelay response delay}, if any;</li>
 * <li>{@code aeg-sas-key} not a valid key, or {@code aeg-sas-token} not valid (signature, expiry, resource) → 401;</li>
 * <li>{@linkplain #throttle(boolean) throttling} → 429 (or the status set) with {@code Retry-After} in seconds;</li>
 * <li>request over {@code maxRequestBytes} (1 MB) or one event over {@code maxEventBytes} (1 MB) → 413;</li>
 * <li>body not a JSON array, empty, over 5,000 events, or an event without id, subject, eventType, eventTime
 *     (ISO-8601), data or dataVersion, or with a {@code topic} other than the topic's resource id → 400;</li>
 * <li>else 200 with an empty body, and every event is recorded.</li>
 * </ol>
 * Errors carry Event Grid's JSON shape: {@code {"error":{"code":"BadRequest","message":"Event at index 2:
 * required property 'eventType' was not found.", ...}}}. The message names the failing event index and field.
 *
 * <h2>Faults, at run time</h2>
 * {@link #setKeys}/{@link #revokeKey} (next request with the old key → 401), {@link #goUnreachable()} /
 * {@link #comeBack()} (listener and connections closed; back on the same port), {@link #throttle(boolean)},
 * {@link #throttle(int, Duration)}, {@link #throttleNext(int)}, {@link #setResponseDelay(Duration)},
 * {@link #answerEveryPublish(int, String, String)} (a request-level refusal, such as a missing {@code api-version}),
 * {@link #dropConnectionAfterAcceptingNext(int)} (the events are recorded, the answer is lost).
 *
 * <p>The Event Grid Java SDK refuses a key credential over plain http; see FINDINGS.md for the ways
 * around it (a pipeline policy setting {@code aeg-sas-key}, or an {@code AzureSasCredential}).
 */
public final class EventGridEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventGridEmulator.class);

    /** The topic served at {@code /api/events}. */
    public static final String DEFAULT_TOPIC = "default";
    /** 1 MB: Event Grid's limit per request and per event. */
    public static final long ONE_MB = 1024 * 1024;
    /** Event Grid's limit of events per request. */
    public static final int MAX_EVENTS_PER_REQUEST = 5000;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String host;
    private final int wantedPort;
    private final Map<String, String> topics = new ConcurrentHashMap<>(); // lower-case name -> display name
    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final EventGridValidator validator;
    private final long maxRequestBytes;
    private final ArrivalLog<ReceivedEvent> log;
    private final HandlerErrors handlerErrors = new HandlerErrors("Event Grid stand-in");
    private final Map<Integer, AtomicLong> statusCounts = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final Throttle throttle = new Throttle();
    private volatile int throttleStatus = 429;
    private volatile Duration retryAfter = Duration.ofSeconds(1);
    private volatile Duration responseDelay;
    private volatile ForcedAnswer forcedAnswer;
    private final AtomicLong dropAfterAccepting = new AtomicLong();
    private final AtomicLong connectionsDropped = new AtomicLong();
    private final ExecutorService executor;
    private final Object serverLock = new Object();
    private HttpServer server;
    private volatile int port;

    private EventGridEmulator(Builder b) {
        this.host = b.host;
        this.wantedPort = b.port;
        topics.put(DEFAULT_TOPIC, DEFAULT_TOPIC);
        b.topics.forEach(t -> topics.put(t.toLowerCase(Locale.ROOT), t));
        keys.addAll(b.keys);
        this.maxRequestBytes = b.maxRequestBytes;
        this.validator = new EventGridValidator(MAPPER, b.maxRequestBytes, b.maxEventBytes, b.maxEvents);
        this.responseDelay = b.responseDelay;
        this.log = new ArrivalLog<>(b.retainPerTopic);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "event-grid-emulator-http");
            t.setDaemon(true);
            return t;
        });
    }

    /** A builder; nothing listens until {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Declares topics and keys, then {@link #start()}s the stand-in. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private final List<String> topics = new ArrayList<>();
        private final List<String> keys = new ArrayList<>();
        private long maxRequestBytes = ONE_MB;
        private long maxEventBytes = ONE_MB;
        private int maxEvents = MAX_EVENTS_PER_REQUEST;
        private Duration responseDelay = Duration.ZERO;
        private int retainPerTopic;

        private Builder() {
        }

        /** Keeps only the newest {@code events} per topic (counts still count everything); 0 (default) keeps all. */
        public Builder retainPerTopic(int events) {
            this.retainPerTopic = events;
            return this;
        }

        /** Loopback address to bind (default {@code 127.0.0.1}). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Port; 0 (default) picks a free one, see {@link EventGridEmulator#port()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** A topic served at {@code /<name>/api/events} (the default topic at {@code /api/events} always exists). */
        public Builder topic(String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]{1,128}")) {
                throw new IllegalArgumentException("invalid topic name: '" + name + "'");
            }
            topics.add(name);
            return this;
        }

        /** A valid topic access key ({@code aeg-sas-key}); call again for key2. */
        public Builder key(String key) {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("key must not be empty");
            }
            keys.add(key);
            return this;
        }

        /** Request size limit in bytes (default 1 MB). */
        public Builder maxRequestBytes(long bytes) {
            this.maxRequestBytes = bytes;
            return this;
        }

        /** Per-event size limit in bytes (default 1 MB). */
        public Builder maxEventBytes(long bytes) {
            this.maxEventBytes = bytes;
            return this;
        }

        /** Events per request limit (default 5,000). */
        public Builder maxEventsPerRequest(int events) {
            this.maxEvents = events;
            return this;
        }

        /** Delay before every response (default none). */
        public Builder responseDelay(Duration delay) {
            this.responseDelay = delay;
            return this;
        }

        /** Binds and starts serving; returns once the port is bound. */
        public EventGridEmulator start() {
            Loopback.require(host);
            EventGridEmulator eg = new EventGridEmulator(this);
            eg.listen(port);
            LOG.info("Event Grid stand-in started on http://{}:{} with topics {} and {} key(s)", host, eg.port,
                    eg.topics.values(), keys.size());
            return eg;
        }
    }

    // ------------------------------------------------------------------ where it listens

    /** The bound port (the same after {@link #comeBack()}). */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT/api/events}: the default topic. */
    public String endpoint() {
        return "http://" + host + ":" + port + "/api/events";
    }

    /** {@code http://127.0.0.1:PORT/<topic>/api/events}. */
    public String endpoint(String topic) {
        return DEFAULT_TOPIC.equalsIgnoreCase(topic) ? endpoint()
                : "http://" + host + ":" + port + "/" + topic + "/api/events";
    }

    /**
     * The resource id the stand-in expects in an event's {@code topic} (when present) and sets on
     * recorded events: {@code /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.EventGrid/topics/<topic>}.
     */
    public static String topicResourceId(String topic) {
        return "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/"
                + "Microsoft.EventGrid/topics/" + topic;
    }

    /** The fingerprint {@link ReceivedEvent#keyFingerprint()} carries for requests made with {@code key}. */
    public static String fingerprint(String key) {
        return KeyFingerprint.of(key);
    }

    /** Declares another topic while running. */
    public void addTopic(String name) {
        topics.put(name.toLowerCase(Locale.ROOT), name);
        LOG.info("Event Grid stand-in: topic {} declared", name);
    }

    /** The served topic names (including {@link #DEFAULT_TOPIC}). */
    public List<String> topics() {
        return List.copyOf(topics.values());
    }

    // ------------------------------------------------------------------ what arrived

    /** Every event accepted on {@code topic}, oldest first; a snapshot. */
    public List<ReceivedEvent> received(String topic) {
        return log.list(topic);
    }

    /** How many events {@code topic} accepted. */
    public int count(String topic) {
        return log.count(topic);
    }

    /** Event counts per topic that received anything. */
    public Map<String, Integer> counts() {
        return log.counts();
    }

    /**
     * Waits until {@code topic} holds at least {@code n} events; returns all of them.
     *
     * @throws AssertionError if the deadline passes first
     */
    public List<ReceivedEvent> awaitCount(String topic, int n, Duration timeout) {
        return log.awaitCount(topic, n, timeout);
    }

    /** How many responses with HTTP {@code status} were sent (e.g. 200, 401, 429). */
    public long responses(int status) {
        AtomicLong c = statusCounts.get(status);
        return c == null ? 0 : c.get();
    }

    /** Responses sent, by HTTP status. */
    public Map<Integer, Long> responseCounts() {
        Map<Integer, Long> out = new LinkedHashMap<>();
        statusCounts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Forgets every recorded event. */
    public void clear() {
        log.clear();
    }

    /** The underlying thread-safe log. */
    public ArrivalLog<ReceivedEvent> log() {
        return log;
    }

    // ------------------------------------------------------------------ keys

    /** Replaces the valid keys; the next request with another key gets 401. */
    public void setKeys(String... newKeys) {
        List<String> list = Arrays.asList(newKeys);
        keys.clear();
        keys.addAll(list);
        LOG.info("Event Grid stand-in: keys replaced ({} valid)", list.size());
    }

    /** Adds a valid key. */
    public void addKey(String key) {
        keys.add(key);
        LOG.info("Event Grid stand-in: key added");
    }

    /** Makes {@code key} invalid. */
    public void revokeKey(String key) {
        keys.remove(key);
        LOG.info("Event Grid stand-in: a key revoked ({} valid)", keys.size());
    }

    // ------------------------------------------------------------------ faults

    /** Closes the listener and every connection; requests fail to connect until {@link #comeBack()}. */
    public void goUnreachable() {
        synchronized (serverLock) {
            if (server != null) {
                server.stop(0);
                server = null;
                LOG.info("Event Grid stand-in unreachable on port {}", port);
            }
        }
    }

    /** Listens again on the same port. */
    public void comeBack() {
        synchronized (serverLock) {
            if (server == null) {
                listen(port);
                LOG.info("Event Grid stand-in reachable again on port {}", port);
            }
        }
    }

    /** Whether it is listening. */
    public boolean isReachable() {
        synchronized (serverLock) {
            return server != null;
        }
    }

    /** On: every authorized publish gets 429 with {@code Retry-After: 1} (or what {@link #throttle(int, Duration)} set). */
    public void throttle(boolean on) {
        if (throttle.set(on)) {
            LOG.info("Event Grid stand-in throttling {}", on ? "on (" + throttleStatus + ")" : "off");
        }
    }

    /** Throttles with {@code status} (429 or 503) and {@code Retry-After} (whole seconds, at least 1), and turns it on. */
    public void throttle(int status, Duration retryAfter) {
        if (status != 429 && status != 503) {
            throw new IllegalArgumentException("Event Grid throttles with 429 or 503, not " + status);
        }
        this.throttleStatus = status;
        this.retryAfter = retryAfter;
        throttle.set(true);
        LOG.info("Event Grid stand-in throttling on ({}, Retry-After {})", status, retryAfter);
    }

    /** Throttles the next {@code requests} authorized publishes, then accepts again. */
    public void throttleNext(int requests) {
        throttle.next(requests);
        LOG.info("Event Grid stand-in throttling the next {} request(s)", requests);
    }

    /** Whether publishes are being throttled now. */
    public boolean isThrottling() {
        return throttle.isOn();
    }

    /** Delay before every response; {@link Duration#ZERO} for none. */
    public void setResponseDelay(Duration delay) {
        Duration was = responseDelay;
        responseDelay = delay;
        if (!was.equals(delay)) {
            LOG.info("Event Grid stand-in response delay {}", delay);
        }
    }

    /** One answer every authorized publish gets, whatever its body. */
    private record ForcedAnswer(int status, String code, String message) {
    }

    /**
     * Answers every authorized publish with {@code status} and Event Grid's error body
     * {@code {"error":{"code":code,"message":message}}}, recording nothing, until
     * {@link #answerPublishesNormally()}: what a topic answers to a request it refuses as a whole
     * (no {@code api-version}, another input schema).
     */
    public void answerEveryPublish(int status, String code, String message) {
        forcedAnswer = new ForcedAnswer(status, code, message);
        LOG.info("Event Grid stand-in answering every publish with {} {}", status, code);
    }

    /** Ends {@link #answerEveryPublish}. */
    public void answerPublishesNormally() {
        if (forcedAnswer != null) {
            forcedAnswer = null;
            LOG.info("Event Grid stand-in answering publishes normally");
        }
    }

    /**
     * The next {@code requests} valid publishes are accepted and their events recorded, then the
     * connection is closed without an answer: a request the service processed whose response was lost.
     */
    public void dropConnectionAfterAcceptingNext(int requests) {
        dropAfterAccepting.set(requests);
        LOG.info("Event Grid stand-in dropping the connection after accepting the next {} request(s)", requests);
    }

    /** Connections closed without an answer by {@link #dropConnectionAfterAcceptingNext(int)} so far. */
    public long connectionsDropped() {
        return connectionsDropped.get();
    }

    // ------------------------------------------------------------------ health

    /** Exceptions caught in request handling (should be empty). */
    public List<Throwable> handlerErrors() {
        return handlerErrors.list();
    }

    /** @throws AssertionError carrying the first handler error, if any occurred */
    public void assertNoHandlerErrors() {
        handlerErrors.assertNone();
    }

    /** Stops listening and releases the threads. */
    @Override
    public void close() {
        synchronized (serverLock) {
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }
        executor.shutdownNow();
        LOG.info("Event Grid stand-in on port {} stopped", port);
    }

    // ------------------------------------------------------------------ HTTP

    private void listen(int p) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(host, p), 0);
            s.setExecutor(executor);
            s.createContext("/", this::handle);
            s.start();
            synchronized (serverLock) {
                server = s;
            }
            port = s.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + p, e);
        }
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            try {
                respond(exchange);
            } catch (IOException e) {
                LOG.debug("Event Grid client went away", e); // the client's business
            } catch (Throwable t) {
                handlerErrors.add(t);
                LOG.error("Event Grid stand-in handler error (recorded; tests should assert none)", t);
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
        Duration delay = responseDelay;
        if (!delay.isZero() && !delay.isNegative()) {
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
        ForcedAnswer forced = forcedAnswer;
        if (forced != null) {
            drain(exchange.getRequestBody());
            send(exchange, forced.status(), error(forced.code(), forced.message()), null);
            return;
        }
        if (throttle.throttlesThisOne()) {
            drain(exchange.getRequestBody());
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            int status = throttleStatus;
            send(exchange, status, error(status == 503 ? "ServiceUnavailable" : "TooManyRequests",
                    "The request was throttled. Retry after " + seconds + " second(s)."), Long.toString(seconds));
            return;
        }
        byte[] body = readLimited(exchange.getRequestBody(), maxRequestBytes);
        if (body == null) {
            send(exchange, 413, error("RequestEntityTooLarge", "The request size exceeds the limit of "
                    + maxRequestBytes + " bytes."), null);
            return;
        }
        String displayTopic = topics.get(topic);
        EventGridValidator.Result result = validator.validate(body, topicResourceId(displayTopic));
        if (!result.accepted()) {
            send(exchange, result.status(), error(result.code(), result.message()), null);
            return;
        }
        long requestId = requestIds.incrementAndGet();
        Instant now = Instant.now();
        List<ReceivedEvent> events = new ArrayList<>(result.events().size());
        for (int i = 0; i < result.events().size(); i++) {
            JsonNode e = result.events().get(i);
            events.add(new ReceivedEvent(displayTopic, e.get("id").asText(), e.get("subject").asText(),
                    e.get("eventType").asText(), e.get("eventTime").asText(), e.get("dataVersion").asText(),
                    textOrNull(e.get("metadataVersion")), textOrNull(e.get("topic")), e.get("data"),
                    result.eventJson().get(i), now, requestId, result.events().size(), auth.fingerprint()));
        }
        log.addAll(displayTopic, events);
        if (dropAfterAccepting.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            connectionsDropped.incrementAndGet();
            return; // closing the exchange before a response is sent closes the connection
        }
        send(exchange, 200, null, null);
    }

    /** "/api/events" → default; "/t/api/events" → t; otherwise null. Lower case. */
    private String topicOf(String path) {
        String p = path == null ? "" : path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.equalsIgnoreCase("/api/events")) {
            return DEFAULT_TOPIC;
        }
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.startsWith("/") && lower.endsWith("/api/events")) {
            String name = lower.substring(1, lower.length() - "/api/events".length());
            return topics.containsKey(name) ? name : null;
        }
        return null;
    }

    /** Either a refusal reason or the fingerprint of the key that authorized the request. */
    private record Auth(String refusal, String fingerprint) {
    }

    private Auth authorize(HttpExchange exchange, String topic) {
        String key = exchange.getRequestHeaders().getFirst("aeg-sas-key");
        String token = exchange.getRequestHeaders().getFirst("aeg-sas-token");
        if (key != null) {
            byte[] presented = key.getBytes(StandardCharsets.UTF_8);
            for (String valid : keys) {
                if (MessageDigest.isEqual(presented, valid.getBytes(StandardCharsets.UTF_8))) {
                    return new Auth(null, KeyFingerprint.of(valid));
                }
            }
            return new Auth("The request authorization key is not authorized for topic '" + topics.get(topic)
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
            String expected = DEFAULT_TOPIC.equals(topic) ? "api/events" : topic + "/api/events";
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

    @Override
    public String toString() {
        return "EventGridEmulator[" + endpoint() + "]";
    }
}
