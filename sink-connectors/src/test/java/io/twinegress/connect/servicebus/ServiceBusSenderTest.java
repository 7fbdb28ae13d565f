package io.twinegress.connect.servicebus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.twinegress.connect.AmqpTests;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliveryEngine;
import io.twinegress.connect.core.FailureClassifier;
import io.twinegress.connect.core.FakeContext;
import io.twinegress.connect.core.Outcome;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.connect.core.RecordingListener;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.testing.kafka.TestLogs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The record-to-message mapping, and the batching through the real Service Bus SDK against the
 * AMQP stand-in (no Kafka).
 */
class ServiceBusSenderTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static AmqpEmulator amqp;

    @BeforeAll
    static void standIn() {
        amqp = AmqpEmulator.builder()
            .serviceBusTopic("sizes", 2048)
            .serviceBusTopic("busy")
            .serviceBusTopic("refusing")
            .serviceBusTopic("headers")
            .serviceBusTopic("keys")
            .serviceBusTopic("mixed-keys")
            .key("send", "send-key")
            .start();
    }

    @AfterAll
    static void stop() {
        AmqpTests.stop(amqp);
    }

    static final String EVENT = "{\"id\":\"6e0b5b2a-body\",\"subject\":\"Sensor\",\"data\":{\"x\":1},"
        + "\"eventType\":\"SensorChange\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\",\"metadataVersion\":\"1\"}";

    static SinkRecord record(Object value, ConnectHeaders headers) {
        return new SinkRecord("twin.egress.sb", 2, null, "sensor-1", null, value, 42L, 1L,
            org.apache.kafka.common.record.TimestampType.CREATE_TIME, headers);
    }

    @Test
    void aRoutedEventTakesIdAndTypeFromTheHeadersAndCarriesEveryHeader() {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(EgressHeaders.EVENT_ID, "6e0b5b2a-header");
        h.addString(EgressHeaders.EVENT_TYPE, "SensorChange");
        h.addString(EgressHeaders.ENDPOINT_ID, "sb-endpoint");
        h.addInt(EgressHeaders.SOURCE_PARTITION, 3); // what SimpleHeaderConverter makes of "3"
        h.addBytes(EgressHeaders.SOURCE_TOPIC, "twin.events".getBytes(StandardCharsets.UTF_8));
        ServiceBusMessage m = ServiceBusSender.toMessage(record(EVENT.getBytes(StandardCharsets.UTF_8), h));
        assertArrayEquals(EVENT.getBytes(StandardCharsets.UTF_8), m.getBody().toBytes());
        assertEquals("application/json", m.getContentType());
        assertEquals("6e0b5b2a-header", m.getMessageId());
        assertEquals("SensorChange", m.getSubject());
        assertEquals(Map.of(EgressHeaders.EVENT_ID, "6e0b5b2a-header", EgressHeaders.EVENT_TYPE, "SensorChange",
            EgressHeaders.ENDPOINT_ID, "sb-endpoint", EgressHeaders.SOURCE_PARTITION, "3",
            EgressHeaders.SOURCE_TOPIC, "twin.events"), m.getApplicationProperties());
    }

    @Test
    void withoutHeadersIdAndTypeComeFromTheBodyAndAStringValueWorksToo() {
        ServiceBusMessage m = ServiceBusSender.toMessage(record(EVENT, new ConnectHeaders()));
        assertEquals("6e0b5b2a-body", m.getMessageId());
        assertEquals("SensorChange", m.getSubject());
        assertArrayEquals(EVENT.getBytes(StandardCharsets.UTF_8), m.getBody().toBytes());
        assertTrue(m.getApplicationProperties().isEmpty());
    }

    @Test
    void aRecordWithoutAnIdGetsItsCoordinates() {
        ServiceBusMessage m = ServiceBusSender.toMessage(record(new byte[] {(byte) 0xff, 0, 1}, new ConnectHeaders()));
        assertEquals("twin.egress.sb-2-42", m.getMessageId());
        assertNull(m.getSubject());
    }

    @Test
    void messageIdsStayWithin128Characters() {
        SinkRecord r = record("{}", new ConnectHeaders());
        assertEquals("a".repeat(128), ServiceBusSender.messageId(Optional.of("a".repeat(128)), r));
        String hashed = ServiceBusSender.messageId(Optional.of("a".repeat(129)), r);
        assertTrue(hashed.startsWith("sha256-") && hashed.length() == 71, hashed);
        assertEquals(hashed, ServiceBusSender.messageId(Optional.of("a".repeat(129)), r), "stable, so duplicate detection works");
    }

    @Test
    void valuesThatAreNeitherBytesNorStringsAreRejected() {
        Schema s = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
        RecordRejectedException e = assertThrows(RecordRejectedException.class,
            () -> ServiceBusSender.toMessage(record(new Struct(s).put("id", "x"), new ConnectHeaders())));
        assertTrue(e.getMessage().contains("ByteArrayConverter"), e.getMessage());
        assertThrows(RecordRejectedException.class, () -> ServiceBusSender.toMessage(record(null, new ConnectHeaders())));
    }

    static SinkRecord record(String value, long offset) {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(EgressHeaders.SOURCE_OFFSET, Long.toString(offset));
        return new SinkRecord("twin.egress.sb", 0, null, "sensor-1", null, value.getBytes(StandardCharsets.UTF_8), offset, 1L,
            org.apache.kafka.common.record.TimestampType.CREATE_TIME, h);
    }

    /**
     * batch.max.bytes (1 KiB) below the link's limit (2 KiB): a message over the former but within
     * the latter is sent alone, in its place; only one over the link's limit is rejected. The SDK's
     * tryAddMessage throws (size exceeded) for a message larger than the whole batch instead of
     * answering false, so that must not read as "too large for the entity".
     */
    @Test
    void aMessageOverBatchMaxBytesButWithinTheLinksLimitIsSentAloneAndOnlyOneOverTheLinkIsRejected() {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add(record("x".repeat(i == 2 ? 4000 : 300), i));
        }
        records.add(record("y".repeat(1500), 6));
        records.add(record("z".repeat(300), 7));
        Map<String, String> p = new HashMap<>();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", "send-key"));
        p.put(DeliveryConfig.PATH_CONFIG, "sizes");
        p.put(DeliveryConfig.CLIENT_MAX_RETRIES_CONFIG, "0");
        p.put(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, "1024");
        ServiceBusSinkConfig config = new ServiceBusSinkConfig(p);
        RecordingListener listener = new RecordingListener();
        try (ServiceBusSender sender = new ServiceBusSender(config, config.connectionString(), new AtomicBoolean())) {
            sender.send(records, listener);
        }
        assertEquals(List.of(2L), List.copyOf(listener.rejected.keySet()), listener.rejected.toString());
        String reason = listener.rejected.get(2L);
        assertTrue(reason.contains("4000 bytes of body") && reason.contains("2048 bytes"), reason);
        List<ReceivedMessage> got = amqp.awaitCount("sizes", 7, DEADLINE);
        assertEquals(List.of("0", "1", "3", "4", "5", "6", "7"),
            got.stream().map(m -> m.property(EgressHeaders.SOURCE_OFFSET)).toList(), "every other one, in order");
        assertTrue(listener.batches.contains(List.of(records.get(6))), "the 1500-byte one alone: " + listener.batches);
        assertEquals(7, listener.batches.stream().mapToInt(List::size).sum());
    }

    /** A sender with the connector's default client settings (the SDK's own short retries on). */
    private static ServiceBusSender defaultSender(String entity) {
        Map<String, String> p = new HashMap<>();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", "send-key"));
        p.put(DeliveryConfig.PATH_CONFIG, entity);
        ServiceBusSinkConfig config = new ServiceBusSinkConfig(p);
        return new ServiceBusSender(config, config.connectionString(), new AtomicBoolean());
    }

    /**
     * With the default client settings, one server-busy answer is retried by the SDK itself and
     * the send succeeds. The SDK waits its server-busy pause (4 s) on top of the configured
     * delay; retry options whose max delay is below that make reactor's backoff throw
     * IllegalArgumentException on the first retry, which failed the task for good.
     */
    @Test
    void oneServerBusyAnswerIsRetriedByTheClientWithTheDefaultSettings() {
        List<SinkRecord> records = List.of(record(EVENT, 100), record(EVENT, 101));
        RecordingListener listener = new RecordingListener();
        try (ServiceBusSender sender = defaultSender("busy")) {
            amqp.throttleNext(1);
            sender.send(records, listener);
        }
        assertEquals(2, amqp.awaitCount("busy", 2, DEADLINE).size());
        assertEquals(List.of(records), listener.batches);
    }

    /** A throttling storm outlasting the SDK's retries surfaces as transient: the core backs off. */
    @Test
    void aThrottlingStormWithTheDefaultSettingsClassifiesAsTransient() {
        RecordingListener listener = new RecordingListener();
        try (ServiceBusSender sender = defaultSender("busy")) {
            amqp.throttle(true);
            RuntimeException e = assertThrows(RuntimeException.class, () -> sender.send(List.of(record(EVENT, 200)), listener));
            assertEquals(Outcome.TRANSIENT, FailureClassifier.classify(e).outcome(), FailureClassifier.classify(e).reason());
        } finally {
            amqp.throttle(false);
        }
        assertTrue(listener.batches.isEmpty(), listener.batches.toString());
    }

    /**
     * A message the service refuses with {@code amqp:invalid-field} is that record's fault: the core
     * splits the batch, the record sent alone is refused again and dead-lettered with the reason, and
     * the other nine are delivered. (Classified as unknown, it used to fail the task on every restart.)
     */
    @Test
    void aMessageTheServiceRefusesAsInvalidIsDeadLetteredAndTheRestDelivered() {
        amqp.rejectMessageId("id-3", "amqp:invalid-field", "The message has an invalid field.");
        Map<String, String> p = new HashMap<>();
        p.put("name", "sb-refusing");
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", "send-key"));
        p.put(DeliveryConfig.PATH_CONFIG, "refusing");
        p.put("errors.tolerance", "all");
        p.put("errors.deadletterqueue.topic.name", "twin.egress.sb.dlq");
        ServiceBusSinkConfig config = new ServiceBusSinkConfig(p);
        FakeContext context = new FakeContext(Map.of(), true);
        DeliveryEngine engine = new DeliveryEngine(config, context,
            slot -> new ServiceBusSender(config, config.connectionString(), new AtomicBoolean()),
            java.time.Clock.systemUTC(), () -> 0.0, Runnable::run);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(record(EVENT.replace("6e0b5b2a-body", "id-" + i), i));
        }
        try {
            engine.put(records);
        } finally {
            engine.close();
        }
        assertEquals(1, context.reported.size());
        assertEquals(3, context.reported.get(0).record().kafkaOffset());
        String reason = context.reported.get(0).error().getMessage();
        assertTrue(reason.contains("amqp:invalid-field"), reason);
        List<ReceivedMessage> got = amqp.awaitCount("refusing", 9, DEADLINE);
        assertEquals(List.of("0", "1", "2", "4", "5", "6", "7", "8", "9"),
            got.stream().map(m -> m.property(EgressHeaders.SOURCE_OFFSET)).toList());
        assertEquals(0, engine.heldRecords());
    }

    /**
     * Service Bus takes at most 32 KB per application property and 64 KB for the whole header: a
     * header past either limit is left out (record order decides which fit) instead of having
     * the service refuse the message, and the task says so once, not once per record.
     */
    @Test
    void headersPastServiceBusLimitsAreLeftOutWithOneWarningPerTask() {
        List<SinkRecord> records = new ArrayList<>();
        for (long offset = 300; offset < 302; offset++) {
            ConnectHeaders h = new ConnectHeaders();
            h.addString(EgressHeaders.SOURCE_OFFSET, Long.toString(offset));
            h.addString("huge", "h".repeat(40 * 1024));
            h.addString("a", "a".repeat(32_000)); // fits on its own
            h.addString("b", "b".repeat(32_000)); // would take the header past 64 KB
            h.addString("small", "s");
            records.add(new SinkRecord("twin.egress.sb", 0, null, "sensor-1", null, EVENT.getBytes(StandardCharsets.UTF_8), offset, 1L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, h));
        }
        Map<String, String> p = new HashMap<>();
        p.put("name", "sb-headers");
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", "send-key"));
        p.put(DeliveryConfig.PATH_CONFIG, "headers");
        ServiceBusSinkConfig config = new ServiceBusSinkConfig(p);
        AtomicBoolean warned = new AtomicBoolean(); // one per task
        long mark = TestLogs.mark();
        RecordingListener listener = new RecordingListener();
        try (ServiceBusSender sender = new ServiceBusSender(config, config.connectionString(), warned)) {
            sender.send(records.subList(0, 1), listener);
        }
        try (ServiceBusSender sender = new ServiceBusSender(config, config.connectionString(), warned)) { // after a key switch
            sender.send(records.subList(1, 2), listener);
        }
        List<ReceivedMessage> got = amqp.awaitCount("headers", 2, DEADLINE);
        for (ReceivedMessage m : got) {
            assertEquals(java.util.Set.of(EgressHeaders.SOURCE_OFFSET, "a", "small"), m.applicationProperties().keySet());
            assertEquals("a".repeat(32_000), m.property("a"));
        }
        String log = TestLogs.readSince(mark);
        assertEquals(1, log.split("over Service Bus's limits", -1).length - 1, log);
        assertTrue(log.contains("huge, b"), log);
        assertTrue(!log.contains("hhhhhhhh") && !log.contains("bbbbbbbb"), "never the values");
    }

    /**
     * The record key (per-object order) becomes the message's PartitionKey, hashed past 128 characters
     * like a MessageId. A partitioned entity takes one partition key per batch, so each batch carries
     * one key, and a key's messages arrive in record order.
     */
    @Test
    void theRecordKeyBecomesThePartitionKeyOneKeyPerBatchInOrder() {
        String longKey = "twin/" + "k".repeat(200);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String key = i % 5 == 4 ? null : i % 5 == 3 ? longKey : "device-" + (i % 3);
            ConnectHeaders h = new ConnectHeaders();
            h.addString(EgressHeaders.SOURCE_OFFSET, Integer.toString(i));
            records.add(new SinkRecord("twin.egress.sb", 0, null, key, null, ("{\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                i, 1L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, h));
        }
        Map<String, String> p = new HashMap<>();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", "send-key"));
        p.put(DeliveryConfig.PATH_CONFIG, "keys");
        p.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "4");
        ServiceBusSinkConfig config = new ServiceBusSinkConfig(p);
        RecordingListener listener = new RecordingListener();
        try (ServiceBusSender sender = new ServiceBusSender(config, config.connectionString(), new AtomicBoolean())) {
            sender.send(records, listener);
        }
        assertEquals(30, listener.batches.stream().mapToInt(List::size).sum());
        AmqpTests.assertOneKeyPerBatchInOrder(amqp.awaitCount("keys", 30, DEADLINE), 4,
            seq -> seq % 5 == 4 ? null : seq % 5 == 3 ? io.twinegress.connect.core.EventRecords.capped(longKey) : "device-" + (seq % 3));
    }

    /**
     * A topic that is not partitioned ({@code entity.partitioned=false}) takes any mix of keys in a
     * batch: records with a distinct key each still travel in full batches, in record order, each
     * message still carrying its key.
     */
    @Test
    void onATopicThatIsNotPartitionedBatchesAreFilledWhateverTheKeys() {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ConnectHeaders h = new ConnectHeaders();
            h.addString(EgressHeaders.SOURCE_OFFSET, Integer.toString(i));
            records.add(new SinkRecord("twin.egress.sb", 0, null, "device-" + i, null,
                ("{\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8), i, 1L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, h));
        }
        Map<String, String> p = new HashMap<>();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", "send-key"));
        p.put(DeliveryConfig.PATH_CONFIG, "mixed-keys");
        p.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "10");
        p.put(ServiceBusSinkConfig.ENTITY_PARTITIONED_CONFIG, "false");
        ServiceBusSinkConfig config = new ServiceBusSinkConfig(p);
        RecordingListener listener = new RecordingListener();
        try (ServiceBusSender sender = new ServiceBusSender(config, config.connectionString(), new AtomicBoolean())) {
            sender.send(records, listener);
        }
        assertEquals(List.of(10, 10, 10, 10), listener.batches.stream().map(List::size).toList(), "four full batches");
        List<ReceivedMessage> got = amqp.awaitCount("mixed-keys", 40, DEADLINE);
        for (int i = 0; i < 40; i++) {
            assertEquals(Integer.toString(i), got.get(i).property(EgressHeaders.SOURCE_OFFSET), "record order");
            assertEquals("device-" + i, got.get(i).partitionKey(), "each message keeps its key");
        }
        assertEquals(4, got.stream().map(ReceivedMessage::transferId).distinct().count());
    }
}
