package io.twinegress.connect.eventhubs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.eventhubs.EventData;
import io.twinegress.connect.AmqpTests;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.FailureClassifier;
import io.twinegress.connect.core.Outcome;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.connect.core.RecordingListener;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.schemas.EgressHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The record-to-event mapping, and the batching through the real Event Hubs SDK against the AMQP
 * stand-in (no Kafka): one partition key per batch, tryAdd until full, the one too big rejected.
 */
class EventHubsSenderTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static AmqpEmulator amqp;

    @BeforeAll
    static void standIn() {
        amqp = AmqpEmulator.builder()
            .eventHub("keys", 4)
            .eventHub("sizes", 2, 2048)
            .eventHub("partial", 2)
            .eventHub("long-keys", 4)
            .key("send", "send-key")
            .start();
    }

    @AfterAll
    static void stop() {
        AmqpTests.stop(amqp);
    }

    static SinkRecord record(Object key, Object value, long offset, ConnectHeaders headers) {
        return new SinkRecord("twin.egress.eh", 0, null, key, null, value, offset, 1L, TimestampType.CREATE_TIME, headers);
    }

    static SinkRecord record(String key, String value, long offset) {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(EgressHeaders.SOURCE_OFFSET, Long.toString(offset));
        return record(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), offset, h);
    }

    static EventHubsSender sender(String hub, Map<String, String> extra) {
        Map<String, String> p = new HashMap<>();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", "send-key"));
        p.put(DeliveryConfig.PATH_CONFIG, hub);
        p.put(DeliveryConfig.CLIENT_MAX_RETRIES_CONFIG, "0");
        p.putAll(extra);
        EventHubsSinkConfig config = new EventHubsSinkConfig(p);
        return new EventHubsSender(config, config.connectionString());
    }

    @Test
    void anEventCarriesTheBytesUnchangedTheHeadersAsPropertiesAndJsonContentType() {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(EgressHeaders.EVENT_TYPE, "SensorChange");
        h.addInt(EgressHeaders.SOURCE_PARTITION, 3); // what SimpleHeaderConverter makes of "3"
        byte[] json = "{\"id\":\"e-1\",\"eventType\":\"SensorChange\"}".getBytes(StandardCharsets.UTF_8);
        EventData e = EventHubsSender.toEvent(record("sensor-1", json, 1, h), false);
        assertArrayEquals(json, e.getBody());
        assertEquals("application/json", e.getContentType());
        assertEquals(Map.of(EgressHeaders.EVENT_TYPE, "SensorChange", EgressHeaders.SOURCE_PARTITION, "3"), e.getProperties());
        assertArrayEquals(json, EventHubsSender.toEvent(record("sensor-1", new String(json, StandardCharsets.UTF_8), 1, h), false).getBody(),
            "a String value (StringConverter) gives the same bytes");
    }

    @Test
    void aDeviceMessageIsForwardedRawEvenWhenItIsNotUtf8() {
        byte[] raw = {(byte) 0xc3, 0x28, (byte) 0xff, 0, (byte) 0xfe, '{'};
        EventData e = EventHubsSender.toEvent(record("device-1", raw, 1, new ConnectHeaders()), true);
        assertArrayEquals(raw, e.getBody());
        assertNull(e.getContentType());
        ConnectHeaders h = new ConnectHeaders();
        h.addString(EgressHeaders.EVENT_TYPE, "DeviceMessage");
        EventData byHeader = EventHubsSender.toEvent(record("device-1", raw, 1, h), false);
        assertArrayEquals(raw, byHeader.getBody());
        assertNull(byHeader.getContentType(), "the event-type header says raw, too");
    }

    @Test
    void thePartitionKeyIsTheRecordKeyAsAString() {
        assertEquals("device-7", EventHubsSender.partitionKey(record("device-7".getBytes(StandardCharsets.UTF_8), "{}", 1, new ConnectHeaders())));
        assertEquals("device-7", EventHubsSender.partitionKey(record("device-7", "{}", 1, new ConnectHeaders())));
        assertEquals("42", EventHubsSender.partitionKey(new SinkRecord("t", 0, Schema.INT32_SCHEMA, 42, null, "{}", 1)));
        assertNull(EventHubsSender.partitionKey(record(null, "{}", 1, new ConnectHeaders())));
        assertNull(EventHubsSender.partitionKey(record("", "{}", 1, new ConnectHeaders())));
    }

    /**
     * Event Hubs takes partition keys of at most 128 characters. A longer record key is hashed as a
     * long Service Bus MessageId is ({@code sha256-<hex>}, 71 characters): still one stable key per
     * object, so its events stay in one partition and in order.
     */
    @Test
    void aPartitionKeyOverTheServicesLimitIsHashedAndKeepsItsEventsTogether() {
        String longKey = "twin/" + "k".repeat(295);
        List<SinkRecord> records = List.of(record(longKey, "{\"seq\":0}", 0), record("d".repeat(128), "{\"seq\":1}", 1),
            record(longKey, "{\"seq\":2}", 2));
        RecordingListener listener = new RecordingListener();
        try (EventHubsSender sender = sender("long-keys", Map.of())) {
            sender.send(records, listener);
        }
        assertTrue(listener.rejected.isEmpty(), listener.rejected.toString());
        List<ReceivedMessage> got = new ArrayList<>(amqp.awaitCount("long-keys", 3, DEADLINE));
        got.sort(java.util.Comparator.comparing(m -> m.property(EgressHeaders.SOURCE_OFFSET)));
        String hashed = io.twinegress.connect.core.EventRecords.capped(longKey);
        assertTrue(hashed.startsWith("sha256-") && hashed.length() == 71, hashed);
        assertEquals(List.of(hashed, "d".repeat(128), hashed), got.stream().map(ReceivedMessage::partitionKey).toList());
        assertEquals(got.get(0).partitionId(), got.get(2).partitionId(), "one partition for one object");
    }

    @Test
    void recordsWithoutBytesAreRejectedWithAHint() {
        RecordRejectedException e = assertThrows(RecordRejectedException.class,
            () -> EventHubsSender.toEvent(record("k", 12L, 1, new ConnectHeaders()), false));
        assertTrue(e.getMessage().contains("ByteArrayConverter"), e.getMessage());
    }

    @Test
    void eachBatchCarriesOnePartitionKeyAndKeepsItsOrder() {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(record(i % 5 == 4 ? null : "device-" + (i % 3), "{\"seq\":" + i + "}", i));
        }
        RecordingListener listener = new RecordingListener();
        try (EventHubsSender sender = sender("keys", Map.of(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "4"))) {
            sender.send(records, listener);
        }
        List<ReceivedMessage> got = amqp.awaitCount("keys", 30, DEADLINE);
        assertEquals(30, listener.batches.stream().mapToInt(List::size).sum());
        assertTrue(listener.rejected.isEmpty());
        List<List<ReceivedMessage>> transfers =
            AmqpTests.assertOneKeyPerBatchInOrder(got, 4, seq -> seq % 5 == 4 ? null : "device-" + (seq % 3));
        assertEquals(listener.batches.size(), transfers.size(), "one transfer per delivered batch");
        got.forEach(m -> assertEquals("{\"seq\":" + m.property(EgressHeaders.SOURCE_OFFSET) + "}", m.bodyAsString()));
    }

    @Test
    void aFullBatchIsSentAndTheOneTooBigForAnEmptyBatchIsRejected() {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add(record("device-1", "x".repeat(i == 2 ? 4000 : 300), i));
        }
        records.add(record("device-1", "y".repeat(1500), 6)); // over batch.max.bytes, within the link's 2048: sent alone
        RecordingListener listener = new RecordingListener();
        try (EventHubsSender sender = sender("sizes", Map.of(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, "1024"))) {
            sender.send(records, listener);
        }
        assertEquals(List.of(2L), List.copyOf(listener.rejected.keySet()), listener.rejected.toString());
        String reason = listener.rejected.get(2L);
        assertTrue(reason.contains("4000 bytes of body") && reason.contains("2048 bytes"), reason);
        List<ReceivedMessage> got = amqp.awaitCount("sizes", 6, DEADLINE);
        assertEquals(List.of("0", "1", "3", "4", "5", "6"), got.stream().map(m -> m.property(EgressHeaders.SOURCE_OFFSET)).toList());
        assertTrue(listener.batches.size() >= 3, "1 KiB batches of 300-byte events: " + listener.batches);
        assertEquals(List.of(records.get(6)), listener.batches.get(listener.batches.size() - 1));
    }

    @Test
    void whenOneKeysBatchFailsTheOthersAreReportedDeliveredAndTheFailureIsThrownForTheCore() {
        List<SinkRecord> records = List.of(record("device-a", "{\"a\":1}", 0), record("device-b", "{\"b\":1}", 1));
        RecordingListener listener = new RecordingListener();
        try (EventHubsSender sender = sender("partial", Map.of())) {
            sender.send(List.of(record("device-a", "{\"warm\":1}", 99)), listener); // link up, so the next transfer is a batch
            listener.batches.clear();
            amqp.throttleNext(1);
            RuntimeException e = assertThrows(RuntimeException.class, () -> sender.send(records, listener));
            assertEquals(Outcome.TRANSIENT, FailureClassifier.classify(e).outcome(), FailureClassifier.classify(e).reason());
        }
        assertEquals(1, listener.batches.size(), "the other key's batch was accepted and reported: " + listener.batches);
        List<ReceivedMessage> got = amqp.awaitCount("partial", 2, DEADLINE);
        assertEquals(listener.batches.get(0).get(0).kafkaOffset(), Long.parseLong(got.get(1).property(EgressHeaders.SOURCE_OFFSET)),
            "what the hub took is exactly what was reported");
        assertEquals(2, got.size());
    }
}
