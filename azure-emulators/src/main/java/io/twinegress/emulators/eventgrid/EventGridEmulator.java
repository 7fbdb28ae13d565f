package io.twinegress.emulators.eventgrid;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.twinegress.emulators.HandlerErrors;
import io.twinegress.emulators.StandIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Azure Event Grid topics and namespace topics (publish side), over plain HTTP on
 * loopback and, with {@link Builder#tls()}, HTTPS with the run's certificate (which the Event Grid client
 * needs for a key or a token credential). Basic topics take the Event Grid schema or, declared with
 * {@link Builder#cloudEventsTopic}, CloudEvents 1.0; namespace topics ({@link Builder#namespaceTopic}) take
 * CloudEvents at {@code POST /topics/<topic>:publish?api-version=2023-11-01} with
 * {@code Authorization: SharedAccessKey <key>} or {@code Authorization: Bearer <token>}, at most 1,000 events
 * and 1 MB per request. A bearer token ({@link Builder#identities}; audience {@code https://eventgrid.azure.net})
 * that is invalid or expired gets 401, a valid one whose principal lacks EventGrid Data Sender on the topic gets 403.
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
 * <li>{@code aeg-sas-key} not a valid key, or {@code aeg-sas-token} not valid (signature, expiry, resource) → 401;
 *     a bearer token invalid → 401, without the role → 403; a namespace topic without {@code api-version} → 400;</li>
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
 * <p>The Event Grid Java SDK refuses a key credential over plain http: use {@link #httpsEndpoint(String)}, or
 * over http a pipeline policy that sets {@code aeg-sas-key}, or an {@code AzureSasCredential}
 * ({@code aeg-sas-token}).
 */
public final class EventGridEmulator extends StandIn<ReceivedEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(EventGridEmulator.class);

    /** The topic served at {@code /api/events}. */
    public static final String DEFAULT_TOPIC = "default";
    /** 1 MB: Event Grid's limit per request and per event. */
    public static final long ONE_MB = 1024 * 1024;
    /** Event Grid's limit of events per request. */
    public static final int MAX_EVENTS_PER_REQUEST = 5000;
    /** A namespace topic's limit of events per request. */
    public static final int MAX_NAMESPACE_EVENTS_PER_REQUEST = 1000;
    /** The API version of the namespace publish API. */
    public static final String NAMESPACE_API_VERSION = "2023-11-01";

    /** What a throttled publish is answered with: 429 or 503, and {@code Retry-After}. */
    record Busy(int status, Duration retryAfter) {
        /** {@code Retry-After} in whole seconds, at least 1. */
        long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    /** What a topic accepts: Event Grid events or CloudEvents, on a basic topic or a namespace topic. */
    public enum Schema { EVENT_GRID, CLOUD_EVENTS }

    /** A served topic. */
    record Topic(String name, Schema schema, boolean namespace) {
    }

    private final Map<String, Topic> topics = new ConcurrentHashMap<>(); // by lower-case name
    private final EventGridHandler handler;
    /** One answer every authorized publish gets, whatever its body ({@link #answerEveryPublish}). */
    record ForcedAnswer(int status, String code, String message) {
    }

    private volatile Busy busy = new Busy(429, Duration.ofSeconds(1));
    private volatile ForcedAnswer forcedAnswer;
    private final AtomicLong dropAfterAccepting = new AtomicLong();
    private final AtomicLong connectionsDropped = new AtomicLong();
    private final ExecutorService executor;
    private final Object serverLock = new Object();
    private HttpServer server;
    private HttpsServer tlsServer;
    private volatile int port;
    private volatile int tlsPort = -1;

    private EventGridEmulator(Builder b) {
        super("Event Grid stand-in", "request", false, b);
        topics.put(DEFAULT_TOPIC, new Topic(DEFAULT_TOPIC, Schema.EVENT_GRID, false));
        b.topics.forEach(this::declare);
        this.tlsPort = hasTls() ? tlsPortAsked() : -1;
        this.handler = new EventGridHandler(this,
                new EventGridValidator(EventGridHandler.MAPPER, b.maxRequestBytes, b.maxEventBytes, b.maxEvents),
                new CloudEventValidator(EventGridHandler.MAPPER, b.maxEventBytes, b.maxEvents),
                new CloudEventValidator(EventGridHandler.MAPPER, b.maxEventBytes, b.maxNamespaceEvents),
                b.maxRequestBytes);
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
    public static final class Builder extends StandIn.Builder<Builder> {
        private final List<Topic> topics = new ArrayList<>();
        private long maxRequestBytes = ONE_MB;
        private long maxEventBytes = ONE_MB;
        private int maxEvents = MAX_EVENTS_PER_REQUEST;
        private int maxNamespaceEvents = MAX_NAMESPACE_EVENTS_PER_REQUEST;

        private Builder() {
        }

        /** Keeps only the newest {@code events} per topic (counts still count everything); 0 (default) keeps all. */
        public Builder retainPerTopic(int events) {
            return retain(events);
        }

        /** A topic served at {@code /<name>/api/events} (the default topic at {@code /api/events} always exists). */
        public Builder topic(String name) {
            topics.add(new Topic(validName(name), Schema.EVENT_GRID, false));
            return this;
        }

        /** A topic with the CloudEvents 1.0 input schema, served at {@code /<name>/api/events}. */
        public Builder cloudEventsTopic(String name) {
            topics.add(new Topic(validName(name), Schema.CLOUD_EVENTS, false));
            return this;
        }

        /**
         * A namespace topic (CloudEvents only), served at {@code /topics/<name>:publish}; the namespace's keys
         * are the stand-in's keys ({@code Authorization: SharedAccessKey <key>}).
         */
        public Builder namespaceTopic(String name) {
            topics.add(new Topic(validName(name), Schema.CLOUD_EVENTS, true));
            return this;
        }

        /** Events per request limit of namespace topics (default 1,000). */
        public Builder maxEventsPerNamespaceRequest(int events) {
            this.maxNamespaceEvents = events;
            return this;
        }

        /** A valid topic access key ({@code aeg-sas-key}); call again for key2. */
        public Builder key(String key) {
            return acceptKey(key);
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

        /** Binds and starts serving; returns once the port is bound. */
        public EventGridEmulator start() {
            EventGridEmulator eg = new EventGridEmulator(this);
            eg.listen(port());
            LOG.info("Event Grid stand-in started on http://{}:{}{} with topics {} and {} key(s){}", eg.host(), eg.port,
                    eg.hasTls() ? " and https port " + eg.tlsPort : "", eg.topics(), eg.topicKeys().size(),
                    eg.identities() == null ? "" : ", Entra ID tokens accepted");
            return eg;
        }
    }

    // ------------------------------------------------------------------ where it listens

    @Override
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT/api/events}: the default topic. */
    @Override
    public String endpoint() {
        return "http://" + host() + ":" + port + "/api/events";
    }

    /** {@code http://127.0.0.1:PORT/<topic>/api/events}. */
    public String endpoint(String topic) {
        return DEFAULT_TOPIC.equalsIgnoreCase(topic) ? endpoint()
                : "http://" + host() + ":" + port + "/" + topic + "/api/events";
    }

    /**
     * The resource id the stand-in expects in an event's {@code topic} (when present) and sets on
     * recorded events: {@code /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.EventGrid/topics/<topic>}.
     */
    public static String topicResourceId(String topic) {
        return "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/"
                + "Microsoft.EventGrid/topics/" + topic;
    }

    /** The HTTPS port, or -1 without TLS. */
    public int tlsPort() {
        return tlsPort;
    }

    /** {@code https://127.0.0.1:TLSPORT/<topic>/api/events} (the default topic: {@code /api/events}). */
    public String httpsEndpoint(String topic) {
        return DEFAULT_TOPIC.equalsIgnoreCase(topic) ? httpsBase() + "/api/events"
                : httpsBase() + "/" + topic + "/api/events";
    }

    /**
     * {@code https://127.0.0.1:TLSPORT}: the namespace endpoint a namespace-topic client is given; it publishes
     * to {@code <endpoint>/topics/<topic>:publish?api-version=2023-11-01}.
     */
    public String namespaceEndpoint() {
        return httpsBase();
    }

    /** The full publish URL of namespace topic {@code topic}, over HTTPS. */
    public String namespacePublishUrl(String topic) {
        return httpsBase() + "/topics/" + topic + ":publish?api-version=" + NAMESPACE_API_VERSION;
    }

    private String httpsBase() {
        if (!hasTls()) {
            throw new IllegalStateException("the Event Grid stand-in has no HTTPS listener: build it with tls()");
        }
        return "https://" + host() + ":" + tlsPort;
    }

    /** Declares another topic (Event Grid schema) while running. */
    public void addTopic(String name) {
        addTopic(name, Schema.EVENT_GRID, false);
    }

    /** Declares another topic while running: a basic topic of {@code schema}, or a namespace topic (CloudEvents). */
    public void addTopic(String name, Schema schema, boolean namespace) {
        declare(new Topic(validName(name), namespace ? Schema.CLOUD_EVENTS : schema, namespace));
        LOG.info("Event Grid stand-in: {} {} declared", namespace ? "namespace topic" : "topic", name);
    }

    private void declare(Topic t) {
        Topic was = topics.get(t.name().toLowerCase(Locale.ROOT));
        if (was != null && was.namespace() != t.namespace()) {
            throw new IllegalArgumentException("'" + t.name() + "' is already a " + (was.namespace()
                    ? "namespace topic" : "topic") + ": one name, one kind");
        }
        topics.put(t.name().toLowerCase(Locale.ROOT), t);
    }

    private static String validName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("invalid topic name: '" + name + "'");
        }
        return name;
    }

    /** The served topic names (including {@link #DEFAULT_TOPIC} and namespace topics). */
    public List<String> topics() {
        return topics.values().stream().map(Topic::name).toList();
    }

    /** The schema of {@code topic}, or null when not served. */
    public Schema schemaOf(String topic) {
        Topic t = topics.get(topic.toLowerCase(Locale.ROOT));
        return t == null ? null : t.schema();
    }

    /** Whether {@code topic} is a namespace topic. */
    public boolean isNamespaceTopic(String topic) {
        Topic t = topics.get(topic.toLowerCase(Locale.ROOT));
        return t != null && t.namespace();
    }

    @Override
    public List<String> entityNames() {
        return topics();
    }

    /** The topic served under {@code lowerCaseName}, or null. */
    Topic topic(String lowerCaseName) {
        return topics.get(lowerCaseName);
    }

    // ------------------------------------------------------------------ what was answered

    /** How many responses with HTTP {@code status} were sent (e.g. 200, 401, 429). */
    public long responses(int status) {
        return handler.responses(status);
    }

    /** Responses sent, by HTTP status. */
    public Map<Integer, Long> responseCounts() {
        return handler.responseCounts();
    }

    // ------------------------------------------------------------------ keys

    /** Replaces the valid keys; the next request with another key gets 401. */
    public void setKeys(String... newKeys) {
        setKeys(null, Arrays.asList(newKeys));
    }

    /** Adds a valid key. */
    public void addKey(String key) {
        addKey(null, key);
    }

    /** Makes {@code key} invalid. */
    public void revokeKey(String key) {
        revokeKey(null, key);
    }

    /** The topic keys accepted now. */
    List<String> topicKeys() {
        return validKeys(null);
    }

    // ------------------------------------------------------------------ faults

    /** Closes the listener and every connection; requests fail to connect until {@link #comeBack()}. */
    @Override
    public void goUnreachable() {
        synchronized (serverLock) {
            if (server != null) {
                stopServers();
                LOG.info("Event Grid stand-in unreachable on port {}", port);
            }
        }
    }

    @Override
    public void comeBack() {
        synchronized (serverLock) {
            if (server == null) {
                listen(port);
                LOG.info("Event Grid stand-in reachable again on port {}", port);
            }
        }
    }

    @Override
    public boolean isReachable() {
        synchronized (serverLock) {
            return server != null;
        }
    }

    /** Throttles with {@code status} (429 or 503) and {@code Retry-After} (whole seconds, at least 1), and turns it on. */
    public void throttle(int status, Duration retryAfter) {
        if (status != 429 && status != 503) {
            throw new IllegalArgumentException("Event Grid throttles with 429 or 503, not " + status);
        }
        busy = new Busy(status, retryAfter);
        throttle(true);
    }

    @Override
    protected String throttleAnswer() {
        Busy b = busy;
        return " (" + b.status() + ", Retry-After " + b.retryAfterSeconds() + " s)";
    }

    /** Whether to throttle this publish; and with what, see {@link #busy()}. */
    boolean throttlesThisPublish() {
        return throttlesThisOne();
    }

    Busy busy() {
        return busy;
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

    ForcedAnswer forcedAnswer() {
        return forcedAnswer;
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

    /** Whether to close the connection of this accepted publish without an answer (and count it). */
    boolean dropsThisAnswer() {
        if (dropAfterAccepting.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            connectionsDropped.incrementAndGet();
            return true;
        }
        return false;
    }

    HandlerErrors handlerErrorLog() {
        return errors();
    }

    /** Stops listening and releases the threads. */
    @Override
    public void close() {
        synchronized (serverLock) {
            if (server != null) {
                stopServers();
            }
        }
        executor.shutdownNow();
        LOG.info("Event Grid stand-in on port {} stopped", port);
    }

    private void stopServers() {
        server.stop(0);
        server = null;
        if (tlsServer != null) {
            tlsServer.stop(0);
            tlsServer = null;
        }
    }

    private void listen(int p) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(host(), p), 0);
            s.setExecutor(executor);
            s.createContext("/", handler);
            HttpsServer secure = null;
            if (hasTls()) {
                secure = HttpsServer.create(new InetSocketAddress(host(), Math.max(0, tlsPort)), 0);
                secure.setHttpsConfigurator(new HttpsConfigurator(tls().serverContext()));
                secure.setExecutor(executor);
                secure.createContext("/", handler);
            }
            s.start();
            if (secure != null) {
                secure.start();
            }
            synchronized (serverLock) {
                server = s;
                tlsServer = secure;
            }
            port = s.getAddress().getPort();
            if (secure != null) {
                tlsPort = secure.getAddress().getPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host() + ":" + p, e);
        }
    }
}
