package io.twinegress.connect.format;

import static io.twinegress.connect.it.SinkIt.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.models.CloudEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.amqp.ProtonAmqpMessageFactory;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.it.SinkIt;
import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.eventgrid.ReceivedEvent;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.testing.kafka.ConnectWorker;
import io.twinegress.testing.kafka.KafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The output formats and the Event Grid namespace target, from the packaged plugin in a real
 * Connect worker on a real broker, through the real Azure SDKs (Service Bus, Event Hubs) and HTTP
 * (Event Grid) to the stand-ins. What arrived is judged by official parsers: the CloudEvents SDK's
 * AMQP reader on the message bytes the AMQP stand-in received, the Azure SDK's
 * {@link CloudEvent} on the events the Event Grid stand-in received. One broker, worker and set of
 * stand-ins for the class; each test has its own topic and entity.
 */
class OutputFormatsIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final String KEY1 = "a2V5LW9uZQ==";
    static final String KEY2 = "a2V5LXR3bw==";
    static final String SOURCE = "urn:twin-egress:it";
    static final List<String> SAMPLES = List.of("sensor-change.json", "space-change.json", "topology-operation.json", "udf-custom.json");
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final ConnectWorker CONNECT = SinkIt.worker(KAFKA);

    static AmqpEmulator amqp;
    static EventGridEmulator eg;

    final SinkIt.Connectors connectors = new SinkIt.Connectors(CONNECT, DEADLINE);

    @BeforeAll
    static void standIns() {
        amqp = AmqpEmulator.builder()
            .serviceBusTopic("sb-binary").serviceBusTopic("sb-structured").serviceBusTopic("sb-as-is")
            .eventHub("eh-binary", 2).eventHub("eh-raw", 2).eventHub("eh-as-is", 2)
            .key("send", "send-key")
            .start();
        eg = EventGridEmulator.builder().cloudEventsTopic("ce").namespaceTopic("twins").namespaceTopic("many")
            .key(KEY2) // the primary KEY1 is refused: the namespace test fails over to the secondary
            .start();
    }

    @AfterAll
    static void stopStandIns() {
        if (amqp != null) {
            amqp.assertNoHandlerErrors();
            amqp.close();
        }
        if (eg != null) {
            eg.assertNoHandlerErrors();
            eg.close();
        }
    }

    @AfterEach
    void deleteConnectors() {
        connectors.deleteAll();
    }

    // ---- the records: the seed's events as the router writes them, each with its own trace ---------

    static byte[] sample(String name) {
        try (InputStream in = OutputFormatsIT.class.getResourceAsStream("/samples/events/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String traceparent(int i) {
        return String.format("00-%032x-%016x-01", 0xabc0000L + i, 0xdef00L + i);
    }

    /** The four seed events, routed, with a traceparent (and, on the first, a tracestate). */
    static List<ProducerRecord<byte[], byte[]>> seedEvents(String topic) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < SAMPLES.size(); i++) {
            byte[] body = sample(SAMPLES.get(i));
            JsonNode e = json(body);
            List<Header> headers = new ArrayList<>(List.of(
                header(EgressHeaders.EVENT_TYPE, e.get("eventType").asText()),
                header(EgressHeaders.EVENT_ID, e.get("id").asText()),
                header(EgressHeaders.ENDPOINT_ID, topic),
                header(TraceContext.TRACEPARENT, traceparent(i))));
            if (i == 0) {
                headers.add(header(TraceContext.TRACESTATE, "congo=t61rcWkgMzE"));
            }
            out.add(new ProducerRecord<>(topic, 0, ("twin-" + i).getBytes(StandardCharsets.UTF_8), body, headers));
        }
        return out;
    }

    static String egress(String name) {
        String topic = "twin.egress." + name;
        KAFKA.createTopic(topic, 1);
        KAFKA.createTopic(topic + ".dlq", 1);
        return topic;
    }

    static Map<String, String> amqpConfig(String connector, String topic, String entity) {
        Map<String, String> c = SinkIt.config(connector, topic, entity, amqp.connectionString("send", "send-key"), null);
        c.put("event.format", "cloudevents");
        c.put("cloudevents.source", SOURCE);
        return c;
    }

    /** An AMQP arrival read by the CloudEvents SDK's AMQP binding reader, from the bytes on the wire. */
    static io.cloudevents.CloudEvent officialRead(ReceivedMessage m) {
        Message message = Message.Factory.create();
        message.decode(m.encoded(), 0, m.encoded().length);
        return ProtonAmqpMessageFactory.createReader(message).toEvent();
    }

    /** Checks a CloudEvent read by an official reader against the Event Grid event it was mapped from. */
    static void assertMappedAsAzureDoes(JsonNode in, io.cloudevents.CloudEvent e) {
        assertEquals(in.get("id").asText(), e.getId());
        assertEquals(URI.create(in.get("topic").asText()), e.getSource());
        assertEquals(in.get("subject").asText(), e.getSubject());
        assertEquals(in.get("eventType").asText(), e.getType());
        assertEquals(OffsetDateTime.parse(in.get("eventTime").asText()).toInstant(), e.getTime().toInstant());
        assertEquals(URI.create(in.get("dataVersion").asText()), e.getDataSchema());
        assertEquals("application/json", e.getDataContentType());
        assertEquals(io.cloudevents.SpecVersion.V1, e.getSpecVersion());
        assertEquals(in.get("data"), json(e.getData().toBytes()));
    }

    static Map<String, ReceivedMessage> byId(List<ReceivedMessage> got) {
        return got.stream().collect(Collectors.toMap(m -> m.property(EgressHeaders.EVENT_ID), m -> m));
    }

    // ---- Service Bus ------------------------------------------------------------------------------

    @Test
    void serviceBusBinaryModeIsTheAmqpBindingWithTheTraceContext() {
        String topic = egress("sb-binary");
        KAFKA.produce(seedEvents(topic));
        connectors.start("sb-binary", amqpConfig("ServiceBusSinkConnector", topic, "sb-binary"));

        List<ReceivedMessage> got = amqp.awaitCount("sb-binary", SAMPLES.size(), DEADLINE);
        for (int i = 0; i < SAMPLES.size(); i++) {
            JsonNode in = json(sample(SAMPLES.get(i)));
            ReceivedMessage m = byId(got).get(in.get("id").asText());
            io.cloudevents.CloudEvent e = officialRead(m);
            assertMappedAsAzureDoes(in, e);
            assertEquals(traceparent(i), e.getExtension("traceparent"));
            assertEquals(in.get("id").asText(), m.messageId(), "duplicate detection still keys on the event id");
            assertEquals("application/json", m.contentType());
            assertEquals(traceparent(i), m.property("Diagnostic-Id"));
            assertEquals(traceparent(i), m.property("traceparent"));
        }
        ReceivedMessage first = byId(got).get(json(sample(SAMPLES.get(0))).get("id").asText());
        assertEquals("congo=t61rcWkgMzE", first.property("tracestate"));
        assertEquals("congo=t61rcWkgMzE", officialRead(first).getExtension("tracestate"));
    }

    @Test
    void serviceBusStructuredModeCarriesTheJsonEventFormat() {
        String topic = egress("sb-structured");
        KAFKA.produce(seedEvents(topic));
        Map<String, String> config = amqpConfig("ServiceBusSinkConnector", topic, "sb-structured");
        config.put("cloudevents.mode", "structured");
        connectors.start("sb-structured", config);

        List<ReceivedMessage> got = amqp.awaitCount("sb-structured", SAMPLES.size(), DEADLINE);
        for (String sample : SAMPLES) {
            JsonNode in = json(sample(sample));
            ReceivedMessage m = byId(got).get(in.get("id").asText());
            assertTrue(m.contentType().startsWith("application/cloudevents+json"), m.contentType());
            assertTrue(m.cloudEventAttributes().isEmpty(), "no binary-mode attributes: " + m.applicationProperties());
            assertMappedAsAzureDoes(in, officialRead(m));
            CloudEvent azure = CloudEvent.fromString(m.bodyAsString()).get(0); // the Azure SDK reads the body as well
            assertEquals(in.get("topic").asText(), azure.getSource());
            assertEquals(in.get("eventType").asText(), azure.getType());
        }
    }

    @Test
    void asIsCarriesTheTraceContextToServiceBusAndEventHubs() {
        String sbTopic = egress("sb-as-is");
        String ehTopic = egress("eh-as-is");
        KAFKA.produce(seedEvents(sbTopic));
        KAFKA.produce(seedEvents(ehTopic));
        connectors.start("sb-as-is", SinkIt.config("ServiceBusSinkConnector", sbTopic, "sb-as-is",
            amqp.connectionString("send", "send-key"), null));
        connectors.start("eh-as-is", SinkIt.config("EventHubsSinkConnector", ehTopic, "eh-as-is",
            amqp.connectionString("send", "send-key"), null));

        for (String entity : List.of("sb-as-is", "eh-as-is")) {
            List<ReceivedMessage> got = amqp.awaitCount(entity, SAMPLES.size(), DEADLINE);
            for (int i = 0; i < SAMPLES.size(); i++) {
                byte[] body = sample(SAMPLES.get(i));
                ReceivedMessage m = byId(got).get(json(body).get("id").asText());
                assertArrayEquals(body, m.body(), "as-is: the event bytes unchanged");
                assertEquals(traceparent(i), m.property("Diagnostic-Id"), entity);
                assertEquals(traceparent(i), m.property("traceparent"), entity);
                assertTrue(m.cloudEventAttributes().isEmpty(), entity);
            }
        }
    }

    // ---- Event Hubs -------------------------------------------------------------------------------

    @Test
    void eventHubsBinaryModeMapsEventsAndRawTelemetry() {
        String events = egress("eh-binary");
        KAFKA.produce(seedEvents(events));
        connectors.start("eh-binary", amqpConfig("EventHubsSinkConnector", events, "eh-binary"));

        List<ReceivedMessage> got = amqp.awaitCount("eh-binary", SAMPLES.size(), DEADLINE);
        for (int i = 0; i < SAMPLES.size(); i++) {
            JsonNode in = json(sample(SAMPLES.get(i)));
            ReceivedMessage m = byId(got).get(in.get("id").asText());
            io.cloudevents.CloudEvent e = officialRead(m);
            assertMappedAsAzureDoes(in, e);
            assertEquals(traceparent(i), e.getExtension("traceparent"));
            assertEquals(traceparent(i), m.property("Diagnostic-Id"));
            assertEquals("twin-" + i, m.partitionKey(), "the partition key is still the record key");
        }

        // raw device telemetry: the bytes as data, the device id as subject
        String raw = egress("eh-raw");
        List<ProducerRecord<byte[], byte[]>> telemetry = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] bytes = {(byte) i, 0, (byte) 0xff, '{', '\n'};
            telemetry.add(new ProducerRecord<>(raw, 0, ("device-" + i).getBytes(StandardCharsets.UTF_8), bytes,
                List.of(header(EgressHeaders.EVENT_TYPE, "DeviceMessage"), header(EgressHeaders.EVENT_ID, "dm-" + i))));
        }
        KAFKA.produce(telemetry);
        Map<String, String> config = amqpConfig("EventHubsSinkConnector", raw, null);
        config.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", "send-key", "eh-raw"));
        config.put("device.messages", "true");
        connectors.start("eh-raw", config);

        List<ReceivedMessage> arrived = amqp.awaitCount("eh-raw", 5, DEADLINE);
        for (ReceivedMessage m : arrived) {
            io.cloudevents.CloudEvent e = officialRead(m);
            int i = Integer.parseInt(e.getId().substring("dm-".length()));
            assertArrayEquals(new byte[] {(byte) i, 0, (byte) 0xff, '{', '\n'}, m.body(), "the bytes, never parsed or wrapped");
            assertArrayEquals(m.body(), e.getData().toBytes());
            assertEquals("device-" + i, e.getSubject());
            assertEquals("DeviceMessage", e.getType());
            assertEquals(URI.create(SOURCE), e.getSource());
            assertEquals("application/octet-stream", e.getDataContentType());
        }
    }

    // ---- Event Grid -------------------------------------------------------------------------------

    static Map<String, ReceivedEvent> eventsById(List<ReceivedEvent> got) {
        return got.stream().collect(Collectors.toMap(ReceivedEvent::id, e -> e));
    }

    @Test
    void eventGridCloudEventsTopicGetsTheBatchFormatWithTheTracingExtension() {
        String topic = egress("eg-ce");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(seedEvents(topic));
        records.add(new ProducerRecord<>(topic, 0, "dev".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3},
            List.of(header(EgressHeaders.EVENT_TYPE, "DeviceMessage"), header(EgressHeaders.EVENT_ID, "dm-eg"))));
        KAFKA.produce(records);
        Map<String, String> config = SinkIt.config("EventGridSinkConnector", topic, eg.endpoint("ce"), KEY2, null);
        config.put("event.format", "cloudevents");
        connectors.start("eg-ce", config);

        List<ReceivedEvent> got = eg.awaitCount("ce", SAMPLES.size(), DEADLINE);
        for (int i = 0; i < SAMPLES.size(); i++) {
            JsonNode in = json(sample(SAMPLES.get(i)));
            ReceivedEvent r = eventsById(got).get(in.get("id").asText());
            assertTrue(r.contentType().startsWith("application/cloudevents-batch+json"), r.contentType());
            CloudEvent e = CloudEvent.fromString(r.json()).get(0);
            assertEquals(in.get("topic").asText(), e.getSource());
            assertEquals(in.get("subject").asText(), e.getSubject());
            assertEquals(in.get("eventType").asText(), e.getType());
            assertEquals(OffsetDateTime.parse(in.get("eventTime").asText()).toInstant(), e.getTime().toInstant());
            assertEquals(in.get("dataVersion").asText(), e.getDataSchema());
            assertEquals(in.get("data"), json(e.getData().toBytes()));
            assertEquals(traceparent(i), e.getExtensionAttributes().get("traceparent"));
        }
        // a DeviceMessage is still not for Event Grid: dead-lettered with the reason
        ConsumerRecord<byte[], byte[]> dead = KAFKA.consume(topic + ".dlq", 1, DEADLINE).get(0);
        assertTrue(new String(dead.headers().lastHeader("__connect.errors.exception.message").value(), StandardCharsets.UTF_8)
            .contains("only an EventHub endpoint takes DeviceMessage events"));
    }

    static Map<String, String> namespaceConfig(String topic, int port, String namespaceTopic) {
        Map<String, String> c = SinkIt.config("EventGridSinkConnector", topic, "http://127.0.0.1:" + port, KEY1, KEY2);
        c.put("event.format", "cloudevents");
        c.put("eventgrid.kind", "namespace-topic");
        c.put("namespace.topic", namespaceTopic);
        return c;
    }

    @Test
    void aNamespaceTopicTakesTheEventsWithKeyFailover() {
        String topic = egress("eg-namespace");
        KAFKA.produce(seedEvents(topic));
        connectors.start("eg-namespace", namespaceConfig(topic, eg.port(), "twins"));

        List<ReceivedEvent> got = eg.awaitCount("twins", SAMPLES.size(), DEADLINE);
        for (ReceivedEvent r : got) {
            assertTrue(r.namespaceTopic());
            assertEquals(StandIn.fingerprint(KEY2), r.keyFingerprint(), "the refused primary failed over to the secondary");
            CloudEvent e = CloudEvent.fromString(r.json()).get(0);
            JsonNode in = json(sample(SAMPLES.get(SAMPLES.indexOf(sampleOf(e.getId())))));
            assertEquals(in.get("eventType").asText(), e.getType());
            assertEquals(in.get("topic").asText(), e.getSource());
        }
        assertTrue(eg.responses(401) >= 1, "the primary was refused: " + eg.responseCounts());
    }

    @Test
    void aNamespaceTopicGetsAtMostAThousandEventsPerRequest() {
        String topic = egress("eg-many");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 1100; i++) {
            records.add(new ProducerRecord<>(topic, 0, null, SinkIt.event("many-" + i, "SensorChange", i, 10)
                .getBytes(StandardCharsets.UTF_8)));
        }
        KAFKA.produce(records);
        Map<String, String> config = namespaceConfig(topic, eg.port(), "many");
        config.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "5000"); // a basic topic's limit: capped to the namespace's
        config.put("consumer.override.max.poll.records", "1100");
        config.put(DeliveryConfig.BATCH_MAX_WAIT_MS_CONFIG, "500");
        connectors.start("eg-many", config);

        List<ReceivedEvent> got = eg.awaitCount("many", 1100, DEADLINE);
        assertEquals(1100, got.stream().map(ReceivedEvent::id).collect(Collectors.toSet()).size());
        Set<Integer> sizes = got.stream().map(ReceivedEvent::requestSize).collect(Collectors.toSet());
        assertTrue(sizes.stream().allMatch(s -> s <= EventGridEmulator.MAX_NAMESPACE_EVENTS_PER_REQUEST), sizes.toString());
        assertTrue(sizes.contains(EventGridEmulator.MAX_NAMESPACE_EVENTS_PER_REQUEST), "full requests were sent: " + sizes);
        assertEquals(0, eg.responses(400), "no request was over the limit: " + eg.responseCounts());
    }

    @Test
    void anEventTooLargeForANamespaceTopicIsDeadLettered() {
        try (EventGridEmulator small = EventGridEmulator.builder().namespaceTopic("small").key(KEY2)
                .maxRequestBytes(16 * 1024).start()) {
            String topic = egress("eg-ns-small");
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                records.add(new ProducerRecord<>(topic, 0, null, SinkIt.event("small-" + i, "SensorChange", i, i == 3 ? 20_000 : 10)
                    .getBytes(StandardCharsets.UTF_8)));
            }
            KAFKA.produce(records);
            connectors.start("eg-ns-small", namespaceConfig(topic, small.port(), "small"));

            List<ReceivedEvent> got = small.awaitCount("small", 5, DEADLINE);
            assertEquals(List.of("small-0", "small-1", "small-2", "small-4", "small-5"), got.stream().map(ReceivedEvent::id).toList());
            ConsumerRecord<byte[], byte[]> dead = KAFKA.consume(topic + ".dlq", 1, DEADLINE).get(0);
            String reason = new String(dead.headers().lastHeader("__connect.errors.exception.message").value(), StandardCharsets.UTF_8);
            assertTrue(reason.startsWith("HTTP 413"), reason);
            assertTrue(new String(dead.value(), StandardCharsets.UTF_8).contains("\"small-3\""), "the event as it came");
            small.assertNoHandlerErrors();
        }
    }

    static String sampleOf(String id) {
        for (String s : SAMPLES) {
            if (json(sample(s)).get("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no sample with id " + id);
    }
}
