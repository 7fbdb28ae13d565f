package io.twinegress.connect.eventgrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliveryEngine;
import io.twinegress.connect.core.Failure;
import io.twinegress.connect.core.FailureClassifier;
import io.twinegress.connect.core.FakeContext;
import io.twinegress.connect.core.Outcome;
import io.twinegress.connect.core.SendListener;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.eventgrid.ReceivedEvent;
import io.twinegress.schemas.EgressHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender against the Event Grid stand-in, without Kafka: wire format, batching, and what each answer becomes. */
class EventGridSenderTest {

    static final String KEY = "a2V5LW9uZQ==";
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final List<String> SAMPLES = List.of("sensor-change", "space-change", "topology-operation", "udf-custom");

    static EventGridEmulator eg;
    final List<SinkRecord> delivered = new ArrayList<>();
    final List<Integer> requestSizes = new ArrayList<>();
    final Map<SinkRecord, String> rejected = new HashMap<>();
    final SendListener listener = new SendListener() {
        @Override
        public void delivered(List<SinkRecord> batch) {
            delivered.addAll(batch);
            requestSizes.add(batch.size());
        }

        @Override
        public boolean rejected(SinkRecord record, String reason) {
            rejected.put(record, reason);
            return true;
        }
    };

    @BeforeAll
    static void standIn() {
        eg = EventGridEmulator.builder().topic("twins").key(KEY).start();
    }

    @AfterAll
    static void stop() {
        eg.assertNoHandlerErrors();
        eg.close();
    }

    @BeforeEach
    void clear() {
        eg.clear();
        eg.throttle(false);
        eg.answerPublishesNormally();
    }

    static EventGridSinkConfig config(String path, Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "eg-test");
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, KEY);
        p.put(DeliveryConfig.PATH_CONFIG, path);
        p.put(DeliveryConfig.CLIENT_TRY_TIMEOUT_MS_CONFIG, "5000");
        p.putAll(overrides);
        return new EventGridSinkConfig(p);
    }

    static EventGridSender sender(String path, Map<String, String> overrides, String key) {
        EventGridSinkConfig config = config(path, overrides);
        return new EventGridSender(config, EventGridSender.httpClient(config.clientTryTimeout()), new Password(key));
    }

    static String sample(String name) throws IOException {
        try (InputStream in = EventGridSenderTest.class.getClassLoader().getResourceAsStream("samples/events/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static int offset;

    static SinkRecord record(Object value) {
        return new SinkRecord("twin.egress.eg", 0, Schema.BYTES_SCHEMA, "k".getBytes(StandardCharsets.UTF_8),
            Schema.OPTIONAL_BYTES_SCHEMA, value, offset++);
    }

    static String event(String id, int padding) {
        return "{\"id\":\"" + id + "\",\"subject\":\"Sensor\",\"data\":{\"pad\":\"" + "x".repeat(padding)
            + "\"},\"eventType\":\"SensorChange\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\"}";
    }

    @Test
    void theFourSeedEventsArriveAsTheSchemaSaysWithTopicLeftOut() throws Exception {
        List<SinkRecord> records = new ArrayList<>();
        for (String s : SAMPLES) {
            // bytes (ByteArrayConverter) and strings (StringConverter) both work
            records.add(record(s.startsWith("s") ? sample(s) : sample(s).getBytes(StandardCharsets.UTF_8)));
        }
        sender(eg.endpoint("twins"), Map.of(), KEY).send(records, listener);

        assertEquals(records, delivered);
        assertEquals(List.of(4), requestSizes);
        List<ReceivedEvent> got = eg.received("twins");
        assertEquals(4, got.size());
        for (int i = 0; i < SAMPLES.size(); i++) {
            ObjectNode expected = (ObjectNode) MAPPER.readTree(sample(SAMPLES.get(i)));
            expected.remove("topic");
            ReceivedEvent e = got.get(i);
            assertNull(e.topicSent(), "topic is left for Event Grid to set");
            assertEquals(expected, MAPPER.readTree(e.json()));
            assertEquals(expected.get("eventType").asText(), e.eventType());
        }
    }

    @Test
    void anEventWithoutTopicIsForwardedByteForByte() throws Exception {
        String compact = event("raw-1", 3);
        byte[] out = EventGridEvents.toEvent(record(compact.getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(compact.getBytes(StandardCharsets.UTF_8), out);
        String withTopic = compact.replace("{\"id\"", "{\"topic\":\"/subscriptions/x\",\"id\"");
        JsonNode stripped = MAPPER.readTree(EventGridEvents.toEvent(record(withTopic)));
        assertEquals(MAPPER.readTree(compact), stripped);
        assertEquals(List.of("id", "subject", "data", "eventType", "eventTime", "dataVersion"),
            iterable(stripped.fieldNames()), "field order is kept");
    }

    static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void deviceMessagesAndNonEventsAreRejectedWithTheReasonAndTheRestDelivered() throws Exception {
        SinkRecord good1 = record(event("g1", 1));
        SinkRecord raw = record(new byte[] {0x01, 0x02, (byte) 0xff});
        SinkRecord device = record(event("d1", 1).replace("SensorChange", "DeviceMessage"));
        SinkRecord deviceByHeader = record("{\"temp\":21}");
        deviceByHeader.headers().addString(EgressHeaders.EVENT_TYPE, "DeviceMessage");
        SinkRecord array = record("[1,2]");
        SinkRecord missing = record("{\"id\":\"m\",\"subject\":\"s\",\"eventType\":\"SensorChange\",\"data\":null}");
        SinkRecord trailing = record(event("t", 1) + " {}");
        SinkRecord tombstone = record(null);
        SinkRecord good2 = record(event("g2", 1));
        sender(eg.endpoint("twins"), Map.of(), KEY)
            .send(List.of(good1, raw, device, deviceByHeader, array, missing, trailing, tombstone, good2), listener);

        assertEquals(List.of(good1, good2), delivered);
        assertEquals(EventGridEvents.NOT_JSON, rejected.get(raw));
        assertEquals(EventGridEvents.DEVICE_MESSAGE_REJECTED, rejected.get(device));
        assertEquals(EventGridEvents.DEVICE_MESSAGE_REJECTED, rejected.get(deviceByHeader));
        assertEquals(EventGridEvents.NOT_AN_OBJECT, rejected.get(array));
        assertEquals("The record is not an Event Grid event: required property 'eventTime' is missing or not a string, "
            + "required property 'dataVersion' is missing or not a string, required property 'data' is missing or null.",
            rejected.get(missing));
        assertEquals(EventGridEvents.NOT_JSON, rejected.get(trailing));
        assertTrue(rejected.get(tombstone).contains("tombstone"), rejected.get(tombstone));
        assertEquals(9, delivered.size() + rejected.size());
    }

    @Test
    void batchesCountTheArraysExactBytesAndRespectTheRecordLimit() throws Exception {
        // 1,024-byte requests at the stand-in too: one byte over would be a 413.
        try (EventGridEmulator small = EventGridEmulator.builder().key(KEY).maxRequestBytes(1024).start()) {
            String e0 = event("e-00", 0);
            int pad = (1024 - 2 - 3) / 4 - e0.length(); // four events + 3 commas + brackets = 1,024 exactly
            List<SinkRecord> records = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                records.add(record(event("e-" + (i < 10 ? "0" : "") + i, pad + (i % 4 == 0 ? (1024 - 2 - 3) % 4 : 0))));
            }
            EventGridSender.Batch probe = new EventGridSender.Batch();
            for (int i = 0; i < 4; i++) {
                probe.add(records.get(i), EventGridEvents.toEvent(records.get(i)));
            }
            assertEquals(1024, probe.bytes());
            assertEquals(1024, probe.toJsonArray().length);
            assertEquals(probe.toJsonArray().length, MAPPER.writeValueAsBytes(MAPPER.readTree(probe.toJsonArray())).length);

            sender(small.endpoint(), Map.of(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, "1024"), KEY).send(records, listener);
            assertEquals(List.of(4, 4, 4), requestSizes);
            assertEquals(0, small.responses(413));
            assertEquals(12, small.count(EventGridEmulator.DEFAULT_TOPIC));
        }
        requestSizes.clear();
        List<SinkRecord> many = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            many.add(record(event("m" + i, 1)));
        }
        sender(eg.endpoint("twins"), Map.of(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "3"), KEY).send(many, listener);
        assertEquals(List.of(3, 3, 1), requestSizes);
    }

    static SinkRecord record(int partition, String value) {
        return new SinkRecord("twin.egress.eg", partition, Schema.BYTES_SCHEMA, "k".getBytes(StandardCharsets.UTF_8),
            Schema.OPTIONAL_BYTES_SCHEMA, value.getBytes(StandardCharsets.UTF_8), offset++);
    }

    /** Three partitions' records, interleaved, ten of each: p0-0, p1-0, p2-0, p0-1, ... */
    static List<SinkRecord> threePartitions(int each) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            for (int p = 0; p < 3; p++) {
                records.add(record(p, event("p" + p + "-" + (i < 10 ? "0" : "") + i, 1)));
            }
        }
        return records;
    }

    /**
     * A send of several topic-partitions posts each partition's events in its own requests, several
     * on the wire at once, and every partition's events arrive in their order; each accepted request
     * is reported with exactly its records.
     */
    @Test
    void eachPartitionGoesInItsOwnRequestsInOrderSeveralAtOnce() throws Exception {
        List<SinkRecord> records = threePartitions(10);
        sender(eg.endpoint("twins"), Map.of(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "4"), KEY).send(records, listener);
        assertEquals(List.of(2, 2, 2, 4, 4, 4, 4, 4, 4), requestSizes.stream().sorted().toList(), "per partition: 4, 4, 2");
        assertEquals(30, delivered.size());
        List<ReceivedEvent> received = eg.received("twins");
        for (int p = 0; p < 3; p++) {
            String prefix = "p" + p + "-";
            List<String> ids = received.stream().map(ReceivedEvent::id).filter(id -> id.startsWith(prefix)).toList();
            assertEquals(ids.stream().sorted().toList(), ids, "partition " + p + " in order");
            assertEquals(10, ids.size());
            int partition = p;
            assertEquals(records.stream().filter(r -> r.kafkaPartition() == partition).toList(),
                delivered.stream().filter(r -> r.kafkaPartition() == partition).toList(), "reported in order");
        }
        for (long request : received.stream().map(ReceivedEvent::requestId).distinct().toList()) {
            assertEquals(1, received.stream().filter(e -> e.requestId() == request).map(e -> e.id().substring(0, 2)).distinct().count(),
                "a request carries one partition's events");
        }
    }

    /**
     * A request refused (400, naming its event) in one partition: that partition's later requests
     * are not posted, the other partitions' requests already on the wire are judged, and what was
     * reported delivered is exactly what the stand-in took. The refusal is what the core isolates.
     */
    @Test
    void aRefusedRequestStopsItsPartitionAndEveryReportedRecordArrived() throws Exception {
        List<SinkRecord> records = new ArrayList<>(threePartitions(6));
        SinkRecord bad = record(1, event("p1-bad", 1).replace("2026-11-22T10:00:00Z", "yesterday"));
        records.add(4, bad); // p1's second event
        Exception e = assertThrows(Exception.class,
            () -> sender(eg.endpoint("twins"), Map.of(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "1"), KEY).send(records, listener));
        assertEquals(Outcome.RECORD_REJECTED, FailureClassifier.classify(e).outcome(), FailureClassifier.classify(e).reason());
        List<String> arrived = eg.received("twins").stream().map(ReceivedEvent::id).sorted().toList();
        List<String> reported = delivered.stream().map(r -> new String((byte[]) r.value(), StandardCharsets.UTF_8))
            .map(v -> v.substring(7, v.indexOf('"', 7))).sorted().toList();
        assertEquals(arrived, reported);
        assertFalse(delivered.contains(bad));
        assertTrue(reported.stream().filter(id -> id.startsWith("p1-")).allMatch("p1-00"::equals), "nothing of p1 after the refusal: " + reported);
    }

    /**
     * Records converted when the core took them: the send posts those events, and a record found
     * unfit then is reported by the send, in its place, with the reason; taking them reports nothing.
     */
    @Test
    void recordsPreparedAheadAreSentAndTheirRejectionsReportedByTheSend() throws Exception {
        SinkRecord a = record(event("prep-a", 1));
        SinkRecord bad = record("not json");
        SinkRecord b = record(event("prep-b", 1));
        EventGridSender sender = sender(eg.endpoint("twins"), Map.of(), KEY);
        sender.accepted(List.of(a, bad, b));
        assertTrue(delivered.isEmpty());
        assertTrue(rejected.isEmpty(), "nothing reported when taken");
        sender.send(List.of(a, bad, b), listener);
        assertEquals(List.of(a, b), delivered);
        assertEquals(EventGridEvents.NOT_JSON, rejected.get(bad));
        assertEquals(List.of("prep-a", "prep-b"), eg.received("twins").stream().map(ReceivedEvent::id).toList());
    }

    @Test
    void anEventOverOneMegabyteIsRejectedAndOneOverTheBatchSizeGoesAlone() throws Exception {
        SinkRecord huge = record(event("huge", (int) EventGridSinkConfig.MAX_EVENT_BYTES));
        SinkRecord big = record(event("big", 3000));
        SinkRecord a = record(event("a", 1));
        SinkRecord b = record(event("b", 1));
        sender(eg.endpoint("twins"), Map.of(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, "2048"), KEY)
            .send(List.of(a, huge, big, b), listener);
        assertEquals(List.of(a, big, b), delivered);
        assertEquals(List.of(1, 1, 1), requestSizes, "a alone (big follows and does not fit with it), big alone, b");
        String reason = rejected.get(huge);
        assertTrue(reason.startsWith("The event is " + EventGridEvents.toEvent(huge).length + " bytes; Event Grid accepts at most 1048576"),
            reason);
    }

    @Test
    void answersBecomeHttpFailuresTheCoreClassifies() {
        List<SinkRecord> one = List.of(record(event("x", 1)));

        Failure unauthorized = FailureClassifier.classify(
            assertThrows(Exception.class, () -> sender(eg.endpoint("twins"), Map.of(), "wrong-key").send(one, listener)));
        assertEquals(Outcome.UNAUTHORIZED, unauthorized.outcome());
        assertTrue(unauthorized.reason().startsWith("HTTP 401"), unauthorized.reason());
        assertFalse(unauthorized.reason().contains("wrong-key"));

        eg.throttle(429, Duration.ofSeconds(3));
        Failure throttled = FailureClassifier.classify(
            assertThrows(Exception.class, () -> sender(eg.endpoint("twins"), Map.of(), KEY).send(one, listener)));
        assertEquals(Outcome.TRANSIENT, throttled.outcome());
        assertEquals(Optional.of(Duration.ofSeconds(3)), throttled.retryAfter());
        eg.throttle(false);

        SinkRecord badTime = record(event("bad-time", 1).replace("2026-11-22T10:00:00Z", "yesterday"));
        Failure bad = FailureClassifier.classify(
            assertThrows(Exception.class, () -> sender(eg.endpoint("twins"), Map.of(), KEY).send(List.of(badTime), listener)));
        assertEquals(Outcome.RECORD_REJECTED, bad.outcome());
        assertTrue(bad.reason().startsWith("HTTP 400: BadRequest: Event at index 0"), bad.reason());
        assertTrue(bad.reason().contains("eventTime"), bad.reason());

        Failure notFound = FailureClassifier.classify(
            assertThrows(Exception.class, () -> sender(eg.endpoint("nope"), Map.of(), KEY).send(one, listener)));
        assertEquals(Outcome.FATAL, notFound.outcome());
        assertTrue(delivered.isEmpty());
    }

    /**
     * A 400 for the request as a whole (here: no api-version, as a topic URL pasted from the portal
     * gets) is no event's fault. The core splits the batch down to single events, the service gives
     * each the same answer without naming it: the task fails with the service's message, and not
     * one of the 10 valid events is dead-lettered.
     */
    @Test
    void aRequestLevel400FailsTheTaskWithTheServicesMessageAndDeadLettersNothing() {
        String apiVersion = "The api-version query parameter (?api-version=) is required for all requests.";
        eg.answerEveryPublish(400, "BadRequest", apiVersion);
        Map<String, String> dlq = Map.of("errors.tolerance", "all", "errors.deadletterqueue.topic.name", "twin.egress.eg.dlq");
        EventGridSinkConfig config = config(eg.endpoint("twins"), dlq);
        FakeContext context = new FakeContext(Map.of(), true);
        DeliveryEngine engine = new DeliveryEngine(config, context,
            slot -> new EventGridSender(config, EventGridSender.httpClient(config.clientTryTimeout()), new Password(KEY)),
            java.time.Clock.systemUTC(), () -> 0.0, Runnable::run);
        List<SinkRecord> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(record(event("v" + i, 1)));
        }
        ConnectException e = assertThrows(ConnectException.class, () -> engine.put(ten));
        assertTrue(e.getMessage().contains(apiVersion), e.getMessage());
        assertEquals(List.of(), context.reported, "nothing dead-lettered");
        assertEquals(10, engine.heldRecords(), "nothing dropped either");
        assertTrue(eg.responses(400) >= 1);
    }

    /**
     * An I/O error once the request went out (here: the service accepted the events, then the
     * connection dropped before the answer) may follow the service's acceptance; Event Grid has no
     * duplicate detection, so the request is not posted again at once: the failure is transient and
     * the core's backoff decides. (It used to be re-posted at once, and arrived twice.)
     */
    @Test
    void anIoErrorAfterTheRequestWentOutIsNotPostedAgainAtOnce() {
        eg.dropConnectionAfterAcceptingNext(1);
        List<SinkRecord> one = List.of(record(event("lost-answer", 1)));
        Exception e = assertThrows(Exception.class, () -> sender(eg.endpoint("twins"), Map.of(), KEY).send(one, listener));
        assertEquals(Outcome.TRANSIENT, FailureClassifier.classify(e).outcome(), FailureClassifier.classify(e).reason());
        assertEquals(1, eg.connectionsDropped());
        assertEquals(1, eg.count("twins"), "posted once");
        assertTrue(delivered.isEmpty());
    }

    @Test
    void anUnreachableEndpointIsTransient() {
        int port = eg.port();
        eg.goUnreachable();
        try {
            Failure f = FailureClassifier.classify(assertThrows(Exception.class,
                () -> sender("http://127.0.0.1:" + port + "/twins/api/events", Map.of(), KEY)
                    .send(List.of(record(event("u", 1))), listener)));
            assertEquals(Outcome.TRANSIENT, f.outcome());
        } finally {
            eg.comeBack();
        }
    }

    /**
     * An endpoint that sends the answer's headers and then nothing more: the request's timeout ends
     * at the headers, so without a bound of its own the send would wait for the body until the core
     * gave it up. It ends as a timeout (transient) after two try timeouts.
     */
    @Test
    void anAnswerWhoseBodyNeverComesEndsAsATimeout() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread stall = new Thread(() -> {
                try (java.net.Socket s = server.accept()) {
                    byte[] buffer = new byte[8192];
                    s.getInputStream().read(buffer);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    while (s.getInputStream().read(buffer) >= 0) {
                        // the rest of the request; then wait until the client gives up and closes
                    }
                } catch (IOException ignored) {
                    // the client closed the connection
                }
            }, "stalling-endpoint");
            stall.setDaemon(true);
            stall.start();
            EventGridSender sender = sender("http://127.0.0.1:" + server.getLocalPort() + "/api/events",
                Map.of(DeliveryConfig.CLIENT_TRY_TIMEOUT_MS_CONFIG, "200", DeliveryConfig.BATCH_MAX_BYTES_CONFIG, "1024"), KEY);
            Exception e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(Exception.class, () -> sender.send(List.of(record(event("stalled", 1))), listener)));
            assertTrue(e instanceof java.net.http.HttpTimeoutException, e.toString());
            assertEquals(Outcome.TRANSIENT, FailureClassifier.classify(e).outcome());
            assertTrue(delivered.isEmpty());
        }
    }

    @Test
    void theServicesErrorTextIsShortAndOneLine() {
        assertEquals("BadRequest: Event at index 1: bad.",
            EventGridSender.serviceMessage("{\"error\":{\"code\":\"BadRequest\",\"message\":\"Event at index 1:\\n bad.\"}}"
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals("upstream down", EventGridSender.serviceMessage("upstream\r\ndown".getBytes(StandardCharsets.UTF_8)));
        assertEquals(EventGridSender.MAX_REASON_CHARS + 1,
            EventGridSender.serviceMessage("y".repeat(5000).getBytes(StandardCharsets.UTF_8)).length());
        assertEquals("", EventGridSender.serviceMessage(new byte[0]));
    }
}
