package io.twinegress.connect.eventgrid;

import static io.twinegress.connect.it.SinkIt.header;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.it.DeliveryContractIT;
import io.twinegress.connect.it.SinkIt;
import io.twinegress.emulators.Received;
import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.eventgrid.ReceivedEvent;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.testing.kafka.ConnectWorker;
import io.twinegress.testing.kafka.KafkaBroker;
import io.twinegress.testing.kafka.TestLogs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Event Grid connector from the packaged plugin directory in a real Connect worker on a real
 * KRaft broker, publishing to the Event Grid HTTP stand-in: the delivery contract
 * ({@link DeliveryContractIT}) and what is Event Grid's own (the event schema, Retry-After capped,
 * its per-event and per-request limits, events refused by the service, a slow endpoint at the
 * defaults). One broker, worker and stand-in for the class; every test has its own egress topic,
 * Event Grid topic and connector. Only compile-time constants of the connector's classes are used
 * here, so the test also holds when the module's own classes are kept off the IT class path.
 */
class EventGridSinkIT extends DeliveryContractIT {

    static final String CONNECTOR = "EventGridSinkConnector";
    static final String KEY1 = "ZXZlbnRncmlkLWtleTE=";
    static final String KEY2 = "ZXZlbnRncmlkLWtleTI=";
    static final String DLQ_REASON = "__connect.errors.exception.message";
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final List<String> SAMPLES = List.of("sensor-change", "space-change", "topology-operation", "udf-custom");

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final ConnectWorker CONNECT = SinkIt.worker(KAFKA);

    static EventGridEmulator eg;
    /** A stand-in that takes 16 KiB per request, to get real 413s without megabyte batches. */
    static EventGridEmulator small;

    @BeforeAll
    static void standIn() {
        eg = EventGridEmulator.builder()
            .topic("deliver").topic("throttled").topic("oversize").topic("mixed")
            .key(KEY1).key(KEY2)
            .start();
        small = EventGridEmulator.builder().topic("small").key(KEY1).maxRequestBytes(16 * 1024).start();
    }

    @AfterAll
    static void stopStandIn() {
        for (EventGridEmulator e : new EventGridEmulator[] {eg, small}) {
            if (e != null) {
                e.assertNoHandlerErrors();
                e.close();
            }
        }
    }

    @Override
    protected void resetStandIn() {
        eg.throttle(false);
    }

    EventGridSinkIT() {
        super(KAFKA, CONNECT, eventGrid());
    }

    private static Target eventGrid() {
        return new Target() {
            @Override
            public String connector() {
                return CONNECTOR;
            }

            @Override
            public StandIn<?> standIn() {
                return eg;
            }

            @Override
            public StandIn<?> startAnother(String entity, String key) {
                return EventGridEmulator.builder().topic(entity).key(key).start();
            }

            @Override
            public void addEntity(StandIn<?> standIn, String entity) {
                ((EventGridEmulator) standIn).addTopic(entity);
            }

            @Override
            public String key(String label) {
                return Base64.getEncoder().encodeToString(label.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public String connectionString(StandIn<?> standIn, String keyName, String key) {
                return key; // a topic access key has no name
            }

            @Override
            public String path(StandIn<?> standIn, String entity) {
                return ((EventGridEmulator) standIn).endpoint(entity);
            }

            @Override
            public String eventId(Received arrival) {
                return ((ReceivedEvent) arrival).id();
            }

            @Override
            public StandIn<?> tooLargeStandIn() {
                return small;
            }

            @Override
            public String tooLargeEntity() {
                return "small";
            }

            @Override
            public int tooLargePadding() {
                return 20_000;
            }

            @Override
            public String tooLargeReason() {
                return "HTTP 413"; // the service's answer to the request of that event alone
            }
        };
    }

    // ---- the tests --------------------------------------------------------------------------------

    @Test
    void theFourEventTypesArriveExactlyAsTheSchemaSays() throws Exception {
        String topic = egress("deliver");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String s : SAMPLES) {
            records.add(routed(topic, "deliver", sample(s)));
        }
        KAFKA.produce(records);
        connectors.start("eg-deliver", config(topic, eg.endpoint("deliver"), KEY1, KEY2));

        List<ReceivedEvent> got = eg.awaitCount("deliver", 4, DEADLINE);
        assertEquals(4, got.size());
        for (int i = 0; i < SAMPLES.size(); i++) {
            ObjectNode expected = (ObjectNode) MAPPER.readTree(sample(SAMPLES.get(i)));
            expected.remove("topic");
            assertEquals(expected, MAPPER.readTree(got.get(i).json()), SAMPLES.get(i));
            assertEquals(null, got.get(i).topicSent(), "topic is left for Event Grid to set");
        }
        awaitCommitted("eg-deliver", 4);
        assertEquals(4, eg.count("deliver"), "each event once");

        // The same with StringConverter: the values reach the task as strings, the events are the same.
        eg.addTopic("deliver-strings");
        Map<String, String> strings = config(topic, eg.endpoint("deliver-strings"), KEY1, KEY2);
        strings.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        connectors.start("eg-deliver-strings", strings);
        List<ReceivedEvent> again = eg.awaitCount("deliver-strings", 4, DEADLINE);
        for (int i = 0; i < SAMPLES.size(); i++) {
            assertEquals(MAPPER.readTree(got.get(i).json()), MAPPER.readTree(again.get(i).json()), SAMPLES.get(i));
        }
    }

    @Test
    void throttlingWithRetryAfterIsHonouredUpToTheCapAndNothingIsLost() throws Exception {
        eg.throttle(429, Duration.ofSeconds(30));
        String topic = egress("throttled");
        List<ProducerRecord<byte[], byte[]>> records = events(topic, "throttled", 40);
        KAFKA.produce(records);
        long mark = TestLogs.mark();
        long throttledBefore = eg.responses(429);
        Map<String, String> config = config(topic, eg.endpoint("throttled"), KEY1, null);
        config.put(DeliveryConfig.RETRY_BACKOFF_INITIAL_MS_CONFIG, "50");
        config.put(DeliveryConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "1500");
        connectors.start("eg-throttled", config);

        await("two throttled attempts").atMost(DEADLINE).until(() -> eg.responses(429) >= throttledBefore + 2);
        Matcher m = Pattern.compile("endpoint unavailable \\(HTTP 429.*?; holding \\d+ records, retrying in (\\d+) ms")
            .matcher(TestLogs.readSince(mark));
        assertTrue(m.find(), "the backoff is logged");
        assertEquals(1500, Long.parseLong(m.group(1)),
            "Retry-After: 30 wins over the 50 ms initial backoff, and is capped at retry.backoff.max.ms");
        eg.throttle(false);

        List<ReceivedEvent> got = eg.awaitCount("throttled", 40, DEADLINE);
        assertEquals(eventIds(records), idsOf(got));
        awaitCommitted("eg-throttled", 40);
    }

    @Test
    void anOversizeEventIsDeadLetteredAndA413SplitsTheBatch() throws Exception {
        // A stand-in that takes 16 KiB per request, to get real 413s without megabyte batches.
        try (EventGridEmulator small = EventGridEmulator.builder().key(KEY1).maxRequestBytes(16 * 1024).start()) {
            Map<String, String> big = Map.of("max.message.bytes", String.valueOf(3 * 1024 * 1024));
            String topic = egress("oversize", big);
            KAFKA.createTopic(topic + ".dlq", 1, big);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events(topic, "oversize", 0, 40, 1000));
            ProducerRecord<byte[], byte[]> overOneMb = routed(topic, "oversize",
                event("over-1mb", (int) EventGridSinkConfig.MAX_EVENT_BYTES));
            ProducerRecord<byte[], byte[]> over16k = routed(topic, "oversize", event("over-16k", 20_000));
            records.add(10, overOneMb);
            records.add(30, over16k);
            produceLarge(records);

            Map<String, String> config = config(topic, small.endpoint(), KEY1, null);
            config.put("producer.override.max.request.size", String.valueOf(3 * 1024 * 1024));
            connectors.start("eg-oversize", config);

            List<ReceivedEvent> got = small.awaitCount(EventGridEmulator.DEFAULT_TOPIC, 40, DEADLINE);
            List<String> expected = eventIds(records);
            expected.remove("over-1mb");
            expected.remove("over-16k");
            assertEquals(expected, idsOf(got), "the rest, in order");
            assertTrue(small.responses(413) >= 2, "the stand-in answered 413 and the core split: " + small.responseCounts());

            Map<String, String> reasons = deadLettered(topic + ".dlq", 2);
            assertTrue(reasons.get("over-1mb").startsWith("The event is "), reasons.toString());
            assertTrue(reasons.get("over-1mb").contains("Event Grid accepts at most 1048576 bytes per event"), reasons.toString());
            assertTrue(reasons.get("over-16k").startsWith("HTTP 413"), "the service's own reason: " + reasons);
            awaitCommitted("eg-oversize", 42);
            small.assertNoHandlerErrors();
        }
    }

    @Test
    void aBadEventInABatchDoesNotBlockTheOthers() throws Exception {
        String topic = egress("mixed");
        KAFKA.createTopic(topic + ".dlq", 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events(topic, "mixed", 20));
        ProducerRecord<byte[], byte[]> badTime = routed(topic, "mixed",
            event("bad-time", 10).replace("2026-11-22T10:00:00Z", "yesterday"));
        ProducerRecord<byte[], byte[]> device = new ProducerRecord<>(topic, 0, bytes("device-1"), new byte[] {1, 2, 3},
            List.of(header(EgressHeaders.EVENT_TYPE, "DeviceMessage")));
        ProducerRecord<byte[], byte[]> notJson = routed(topic, "mixed", "not json at all");
        records.add(7, badTime);
        records.add(13, device);
        records.add(3, notJson);
        long badBefore = eg.responses(400);
        KAFKA.produce(records);
        connectors.start("eg-mixed", config(topic, eg.endpoint("mixed"), KEY1, KEY2));

        List<ReceivedEvent> got = eg.awaitCount("mixed", 20, DEADLINE);
        assertEquals(eventIds(events(topic, "mixed", 20)), idsOf(got), "the good ones, in order");
        Map<String, String> reasons = deadLettered(topic + ".dlq", 3);
        assertTrue(reasons.get("bad-time").startsWith("HTTP 400: BadRequest: Event at index 0"), reasons.toString());
        assertTrue(reasons.get("bad-time").contains("eventTime"), reasons.toString());
        assertEquals(EventGridEvents.DEVICE_MESSAGE_REJECTED, reasons.get("device-1"));
        assertEquals(EventGridEvents.NOT_JSON, reasons.get("not json at all"));
        assertTrue(eg.responses(400) > badBefore, "the service found the bad event");
        awaitCommitted("eg-mixed", 23);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /**
     * A connector config for one endpoint, with test-short backoff and a dead-letter topic; the
     * HTTP client keeps its defaults ({@code client.max.retries}, {@code client.try.timeout.ms}).
     */
    /**
     * An endpoint that takes 6 s to answer, with the connector's default client settings: the
     * request timeout covers a full batch, so every event is delivered, and each arrives at most
     * twice (it used to time out at 5 s and be posted again every backoff round, without end:
     * Event Grid has no duplicate detection).
     */
    @Test
    void aSlowButAcceptingEndpointGetsEveryEventABoundedNumberOfTimesAtTheDefaults(TestReporter reporter) {
        try (EventGridEmulator slow = EventGridEmulator.builder().topic("slow").key(KEY1)
            .responseDelay(Duration.ofSeconds(6)).start()) {
            String topic = egress("slow");
            List<ProducerRecord<byte[], byte[]>> records = events(topic, "slow", 20);
            KAFKA.produce(records);
            Map<String, String> config = config(topic, slow.endpoint("slow"), KEY1, null);
            config.remove(DeliveryConfig.CLIENT_TRY_TIMEOUT_MS_CONFIG); // the defaults
            config.remove(DeliveryConfig.CLIENT_MAX_RETRIES_CONFIG);
            connectors.start("eg-slow", config);
            Duration wait = Duration.ofSeconds(90);
            await("every event delivered and committed").atMost(wait).until(() -> SinkIt.committed(KAFKA, "eg-slow") == 20);
            Map<String, Long> perId = new java.util.HashMap<>();
            slow.received("slow").forEach(e -> perId.merge(e.id(), 1L, Long::sum));
            assertEquals(20, perId.size(), "every event");
            assertTrue(perId.values().stream().allMatch(n -> n <= 2), "each at most twice: " + perId);
            reporter.publishEntry("figure", "6 s answers at the defaults: " + slow.responses(200) + " requests for 20 events");
            slow.assertNoHandlerErrors();
        }
    }

    static Map<String, String> config(String topic, String path, String primary, String secondary) {
        Map<String, String> c = SinkIt.config(CONNECTOR, topic, path, primary, secondary);
        c.remove(DeliveryConfig.CLIENT_MAX_RETRIES_CONFIG);
        c.remove(DeliveryConfig.CLIENT_TRY_TIMEOUT_MS_CONFIG);
        return c;
    }

    static String egress(String endpoint) {
        return egress(endpoint, Map.of());
    }

    static String egress(String endpoint, Map<String, String> topicConfigs) {
        String topic = "twin.egress." + endpoint;
        KAFKA.createTopic(topic, 1, topicConfigs);
        return topic;
    }

    static String sample(String name) throws IOException {
        try (InputStream in = EventGridSinkIT.class.getClassLoader().getResourceAsStream("samples/events/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String event(String id, int padding) {
        return "{\"id\":\"" + id + "\",\"subject\":\"Sensor\",\"data\":{\"pad\":\"" + "x".repeat(padding)
            + "\"},\"eventType\":\"SensorChange\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\","
            + "\"metadataVersion\":\"1\",\"topic\":\"/subscriptions/YOUR_TOPIC_NAME\"}";
    }

    static List<ProducerRecord<byte[], byte[]>> events(String topic, String endpoint, int n) {
        return events(topic, endpoint, 0, n, 8);
    }

    static List<ProducerRecord<byte[], byte[]>> events(String topic, String endpoint, int from, int n, int padding) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(routed(topic, endpoint, event(endpoint + "-" + i, padding)));
        }
        return out;
    }

    /** A record as the router writes it: value = the event bytes, headers = type, id, endpoint. */
    static ProducerRecord<byte[], byte[]> routed(String topic, String endpoint, String json) {
        List<Header> headers = new ArrayList<>();
        headers.add(header(EgressHeaders.ENDPOINT_ID, endpoint));
        try {
            ObjectNode e = (ObjectNode) MAPPER.readTree(json);
            headers.add(header(EgressHeaders.EVENT_TYPE, e.get("eventType").asText()));
            headers.add(header(EgressHeaders.EVENT_ID, e.get("id").asText()));
        } catch (IOException | RuntimeException notAnEvent) {
            // a malformed value: no event headers
        }
        return new ProducerRecord<>(topic, 0, bytes(endpoint), bytes(json), headers);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The event ids of records, in order (the value's id; the value itself when it is not an event). */
    static List<String> eventIds(List<ProducerRecord<byte[], byte[]>> records) {
        List<String> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            out.add(idOf(r.value(), r.headers().lastHeader(EgressHeaders.EVENT_ID)));
        }
        return out;
    }

    static String idOf(byte[] value, Header idHeader) {
        if (idHeader != null) {
            return new String(idHeader.value(), StandardCharsets.UTF_8);
        }
        try {
            return MAPPER.readTree(value).get("id").asText();
        } catch (IOException | RuntimeException e) {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    static List<String> idsOf(List<ReceivedEvent> events) {
        return events.stream().map(ReceivedEvent::id).toList();
    }

    /** Dead-lettered records: event id (or device key) → the reason header. */
    static Map<String, String> deadLettered(String dlq, int n) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.consume(dlq, n, DEADLINE)) {
            Header reason = r.headers().lastHeader(DLQ_REASON);
            Header type = r.headers().lastHeader(EgressHeaders.EVENT_TYPE);
            boolean device = type != null && "DeviceMessage".equals(new String(type.value(), StandardCharsets.UTF_8));
            String id = device ? new String(r.key(), StandardCharsets.UTF_8) : idOf(r.value(), r.headers().lastHeader(EgressHeaders.EVENT_ID));
            out.put(id, reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8));
        }
        assertEquals(n, out.size(), out.toString());
        return out;
    }

    /** Records over the default 1 MB producer request size need a producer of their own. */
    static void produceLarge(List<ProducerRecord<byte[], byte[]>> records) throws ExecutionException, InterruptedException {
        Map<String, Object> config = KAFKA.producerConfig();
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 3 * 1024 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r).get();
            }
        }
    }

    /** The connector's consumer group has committed {@code offset} on partition 0. */
    static void awaitCommitted(String connector, long offset) {
        await(connector + " commits offset " + offset).atMost(DEADLINE).until(() -> KAFKA.committedOffsets(
            CONNECT.sinkGroupId(connector)).values().stream().anyMatch(o -> o == offset));
    }
}
