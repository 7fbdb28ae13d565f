package io.twinegress.connect.eventgrid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.connect.core.EndpointHttpException;
import io.twinegress.connect.core.EndpointSender;
import io.twinegress.connect.core.FailureClassifier;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.connect.core.SendListener;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Publishes records to one Event Grid topic with one key, over a plain {@link HttpClient}.
 *
 * <p><b>Why not the Event Grid SDK</b> ({@code azure-messaging-eventgrid}): what it would bring is
 * retries with {@code Retry-After}, an event model and error parsing. Here the delivery core owns
 * retrying (capped, jittered backoff that honours {@code Retry-After} up to
 * {@code retry.backoff.max.ms}; the SDK honours it without a cap) and classification (HTTP
 * status through {@link FailureClassifier}, 413/400 isolation by splitting), so the SDK's retry
 * policy would have to be switched off. Its event model would re-serialise every event, where we
 * forward the producer's bytes unchanged. It refuses a key credential over plain http (the local
 * stand-in) unless we add our own pipeline policy for {@code aeg-sas-key} anyway, and it would
 * add a jar and its azure-core version alignment to the plugin. What remains is one POST of a
 * JSON array with two headers, and reading {@code {"error":{"code","message"}}}: done here.
 *
 * <p>Request: {@code POST <endpoint>}, {@code aeg-sas-key: <key>} (or, with an identity,
 * {@code Authorization: Bearer <token>}: {@link RequestAuthorization}), {@code Content-Type:
 * application/json}, body {@code [event,event,...]} as {@link EventGridEvents} makes each event;
 * CloudEvents and namespace topics as {@link EventGridTarget} says (URL, key header, content type,
 * events per request). HTTP/1.1 is forced: the JDK client would otherwise ask for {@code Upgrade: h2c}.
 *
 * <p>Batches: at most {@code batch.max.records} events (≤ 5,000) and {@code batch.max.bytes}
 * (≤ 1 MB) per request, counting the array's exact bytes (brackets and commas included). An event
 * larger than {@code batch.max.bytes} that still fits Event Grid's limits is sent alone; one that
 * does not ({@value EventGridSinkConfig#MAX_EVENT_BYTES} bytes per event, and per request with
 * the brackets) is rejected with the reason. A non-2xx answer becomes an
 * {@link EndpointHttpException} with the service's code and message and its {@code Retry-After};
 * the core decides what it means.
 *
 * <p>Order is kept per topic-partition, which is all the core asks: a send packs each partition's
 * events into requests of their own (a lane), and posts the lanes at the same time, at most
 * {@value #MAX_REQUESTS_IN_FLIGHT} requests at once, one per lane ({@link ConcurrentPosts}). After
 * a failed request no other starts; the ones on the wire are still judged and reported. The events
 * are converted and checked when the core takes their records ({@link #accepted}, on the task
 * thread while the previous send waits for its answer: {@link PreparedEvents}), so a send
 * mostly posts.
 *
 * <p>{@code client.max.retries}: an I/O error before the request's body went out (the connection
 * could not be opened, or failed first) is retried at once, without a pause, that many times; an
 * I/O error after it, a timeout or any HTTP status never is (the service may have taken the events).
 * {@code client.try.timeout.ms} bounds the connect; each request may take
 * the connector's try timeout until the answer's headers (it adds the time a full batch takes on a
 * slow link), and as long again for the answer's body.
 *
 * <p>A 400 blames the events: the core splits the request to find the one at fault. For a request
 * of one event, only when the error names it (see {@link #namesTheEvent}); otherwise the request
 * itself is refused (no {@code api-version}, a topic with another input schema) and the task fails
 * with the service's message ({@link EndpointHttpException#requestRefused}).
 */
public final class EventGridSender implements EndpointSender {

    public static final String KEY_HEADER = "aeg-sas-key";
    static final int MAX_REASON_CHARS = 300;
    /**
     * Requests of one send on the wire at once, each for another topic-partition. One request at a
     * time leaves the link idle while the service answers; a few at once keep it busy, and more than
     * a few only add connections.
     */
    static final int MAX_REQUESTS_IN_FLIGHT = 4;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http;
    private final EventGridTarget target;
    private final RequestAuthorization auth;
    private final Duration tryTimeout;
    private final int quickRetries;
    private final int maxRecords;
    private final long maxBytes;
    private final ConcurrentPosts<Batch, Posting> posts;
    private final PreparedEvents prepared;

    public EventGridSender(EventGridSinkConfig config, HttpClient http, Password key) {
        this(config, http, new EventGridTarget(config), key);
    }

    /** Authenticating each request as {@code auth} says (a topic key, or an identity's bearer token). */
    public EventGridSender(EventGridSinkConfig config, HttpClient http, RequestAuthorization auth) {
        this(config, http, new EventGridTarget(config), auth);
    }

    /** The key in the header the target takes it in ({@code aeg-sas-key}, or {@code SharedAccessKey} for a namespace). */
    private EventGridSender(EventGridSinkConfig config, HttpClient http, EventGridTarget target, Password key) {
        this(config, http, target, (RequestAuthorization) request -> target.authorize(request, key));
    }

    private EventGridSender(EventGridSinkConfig config, HttpClient http, EventGridTarget target, RequestAuthorization auth) {
        this.http = http;
        this.target = target;
        this.auth = auth;
        this.tryTimeout = config.tryTimeout();
        this.quickRetries = config.clientMaxRetries();
        this.maxRecords = Math.min(config.batchMaxRecords(), target.maxEventsPerRequest());
        this.maxBytes = Math.min(config.batchMaxBytes(), EventGridSinkConfig.MAX_REQUEST_BYTES);
        // room for the batch in flight, the next one, and as much again of records the core dropped
        this.prepared = new PreparedEvents(target::encode, Math.max(4 * maxRecords, 2_000), 4 * maxBytes);
        this.posts = new ConcurrentPosts<>(MAX_REQUESTS_IN_FLIGHT, tryTimeout.multipliedBy(2).toMillis());
    }

    /** An HTTP client: HTTP/1.1, connect timeout = {@code client.try.timeout.ms}, no redirects. */
    static HttpClient httpClient(Duration tryTimeout) {
        return builder(tryTimeout).build();
    }

    /** As {@link #httpClient(Duration)}, its work on {@code executor} (which its owner shuts down). */
    static HttpClient httpClient(Duration tryTimeout, Executor executor) {
        return builder(tryTimeout).executor(executor).build();
    }

    private static HttpClient.Builder builder(Duration tryTimeout) {
        return HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(tryTimeout)
            .followRedirects(HttpClient.Redirect.NEVER);
    }

    /** Converts and checks the records now, on the task thread; {@link #send} takes the results. */
    @Override
    public void accepted(Collection<SinkRecord> records) {
        prepared.prepare(records);
    }

    @Override
    public void send(List<SinkRecord> records, SendListener listener) throws IOException, InterruptedException {
        List<List<Batch>> lanes = pack(records, listener);
        if (lanes != null) {
            posts.run(lanes, poster(listener));
        }
    }

    /**
     * The records' events in requests, one lane of them per topic-partition, each lane in the
     * records' order; null when a record was rejected and the listener said to stop (nothing is
     * sent then).
     */
    private List<List<Batch>> pack(List<SinkRecord> records, SendListener listener) {
        Map<Lane, List<Batch>> lanes = new LinkedHashMap<>();
        for (SinkRecord record : records) {
            byte[] event;
            try {
                event = prepared.take(record);
            } catch (RecordRejectedException e) {
                if (listener.rejected(record, e.getMessage())) {
                    continue;
                }
                return null;
            }
            if (event.length > EventGridSinkConfig.MAX_EVENT_BYTES || event.length + 2L > EventGridSinkConfig.MAX_REQUEST_BYTES) {
                if (listener.rejected(record, tooLarge(event.length))) {
                    continue;
                }
                return null;
            }
            List<Batch> lane = lanes.computeIfAbsent(new Lane(record.topic(), record.kafkaPartition()), k -> new ArrayList<>());
            Batch batch = lane.isEmpty() ? null : lane.get(lane.size() - 1);
            if (batch == null || batch.size() >= maxRecords || batch.bytes() > maxBytes || batch.bytesWith(event) > maxBytes) {
                batch = new Batch(); // an event larger than batch.max.bytes, within Event Grid's limits, goes alone
                lane.add(batch);
            }
            batch.add(record, event);
        }
        return new ArrayList<>(lanes.values());
    }

    /** What must keep its order: the records of one topic-partition. */
    private record Lane(String topic, Integer partition) {
    }

    static String tooLarge(int eventBytes) {
        return "The event is " + eventBytes + " bytes; Event Grid accepts at most " + EventGridSinkConfig.MAX_EVENT_BYTES
            + " bytes per event and " + EventGridSinkConfig.MAX_REQUEST_BYTES + " bytes per request.";
    }

    /** Posts batches and judges their answers, for {@link ConcurrentPosts}. */
    private ConcurrentPosts.Poster<Batch, Posting> poster(SendListener listener) {
        return new ConcurrentPosts.Poster<>() {
            @Override
            public Posting start(Batch batch, int attempt) throws IOException {
                TrackedBody body = new TrackedBody(batch.toJsonArray());
                HttpRequest.Builder builder = HttpRequest.newBuilder(target.endpoint())
                    .timeout(tryTimeout)
                    .header("Content-Type", target.contentType())
                    .POST(body);
                auth.addTo(builder);
                return new Posting(batch, body, http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray()));
            }

            @Override
            public boolean settle(Posting posting, int attempt) throws IOException {
                HttpResponse<byte[]> response;
                try {
                    response = answer(posting.answer());
                } catch (HttpTimeoutException e) {
                    throw e;
                } catch (IOException e) {
                    if (attempt >= quickRetries || posting.body().handedOver()) {
                        throw e;
                    }
                    return false;
                }
                judge(posting.batch(), response, listener);
                return true;
            }
        };
    }

    /** One attempt at posting a batch: its body (which knows whether it went out) and the answer to come. */
    record Posting(Batch batch, TrackedBody body, CompletableFuture<HttpResponse<byte[]>> answer)
        implements ConcurrentPosts.Posting<Batch> {
    }

    /** The answer of a request that ended: its response, or its failure as {@link HttpClient#send} throws it. */
    private static HttpResponse<byte[]> answer(CompletableFuture<HttpResponse<byte[]>> answer) throws IOException {
        try {
            return answer.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        }
    }

    /** Delivered when 2xx; otherwise the failure the core classifies. */
    private static void judge(Batch batch, HttpResponse<byte[]> response, SendListener listener) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            listener.delivered(batch.records);
            return;
        }
        String message = serviceMessage(response.body());
        if (status == 400 && batch.size() == 1 && !namesTheEvent(response.body())) {
            throw EndpointHttpException.requestRefused(status, message);
        }
        throw new EndpointHttpException(status, message,
            FailureClassifier.retryAfter(response.headers().firstValue("retry-after-ms").orElse(null),
                response.headers().firstValue("Retry-After").orElse(null)));
    }

    /**
     * Event Grid's own ways of pointing at an event of the request: its position ({@code index 0},
     * as in "Event at index 0: ..."; or a JSON path from the array, {@code [0]} / {@code [0].eventTime},
     * as in "... Path '[0].eventTime' ..."), or one of the schema's properties in quotes
     * ({@code 'eventTime'}, {@code "id"}; a CloudEvent's attributes too: {@code 'specversion'}).
     */
    private static final Pattern NAMES_AN_EVENT = Pattern.compile(
        "\\bindex\\s*:?\\s*0\\b|\\[0]|['\"](?:id|topic|subject|eventType|eventTime|data|dataVersion|metadataVersion"
            + "|source|type|time|specversion|datacontenttype|dataschema|data_base64)['\"]",
        Pattern.CASE_INSENSITIVE);

    /**
     * Whether a 400 for a request of one event blames that event: its error (message, or a message
     * of its {@code details}) names it as {@link #NAMES_AN_EVENT} says. A 400 that names no event
     * (no api-version, a topic that takes another input schema, a body refused as a whole) is the
     * request's: dead-lettering the event would not fix it.
     */
    static boolean namesTheEvent(byte[] body) {
        if (body == null || body.length == 0) {
            return false;
        }
        StringBuilder texts = new StringBuilder();
        try {
            JsonNode error = MAPPER.readTree(body).path("error");
            texts.append(error.path("message").asText("")).append('\n');
            for (JsonNode detail : error.path("details")) {
                texts.append(detail.path("message").asText("")).append('\n');
            }
        } catch (IOException | RuntimeException e) {
            texts.append(new String(body, StandardCharsets.UTF_8));
        }
        return NAMES_AN_EVENT.matcher(texts).find();
    }

    /**
     * The service's own short reason from Event Grid's error shape
     * {@code {"error":{"code":"BadRequest","message":"..."}}}, else the start of the body as text;
     * one line, at most {@value #MAX_REASON_CHARS} characters.
     */
    static String serviceMessage(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text;
        try {
            JsonNode error = MAPPER.readTree(body).path("error");
            String code = error.path("code").asText("");
            String message = error.path("message").asText("");
            text = code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message;
            if (text.isEmpty()) {
                text = new String(body, StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            text = new String(body, StandardCharsets.UTF_8);
        }
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS) + "…" : text;
    }

    /** Nothing to release: the HTTP client belongs to the task (its lease), and the key is only a header. */
    @Override
    public void close() {
    }

    /** Events of one request and the exact size of their JSON array. */
    static final class Batch {
        final List<SinkRecord> records = new ArrayList<>();
        final List<byte[]> events = new ArrayList<>();
        private long bytes = 2; // "[" and "]"

        boolean isEmpty() {
            return events.isEmpty();
        }

        int size() {
            return events.size();
        }

        /** The array's size in bytes with {@code event} appended. */
        long bytesWith(byte[] event) {
            return bytes + (events.isEmpty() ? 0 : 1) + event.length;
        }

        void add(SinkRecord record, byte[] event) {
            bytes = bytesWith(event);
            records.add(record);
            events.add(event);
        }

        /** Exactly what {@link #toJsonArray()} returns, in bytes. */
        long bytes() {
            return bytes;
        }

        byte[] toJsonArray() {
            byte[] out = new byte[Math.toIntExact(bytes)];
            int at = 0;
            out[at++] = '[';
            for (int i = 0; i < events.size(); i++) {
                if (i > 0) {
                    out[at++] = ',';
                }
                byte[] e = events.get(i);
                System.arraycopy(e, 0, out, at, e.length);
                at += e.length;
            }
            out[at] = ']';
            return out;
        }
    }
}
