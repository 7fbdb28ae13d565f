package io.twinegress.connect.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.twinegress.connect.AmqpTests;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.connect.core.RecordingListener;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.AmqpEntity;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.schemas.EgressHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The message model keys as a record becomes a message (pure), and sessions batched through the real
 * Service Bus SDK to a partitioned session queue of the AMQP stand-in (no Kafka).
 */
class MessageModelTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static AmqpEmulator amqp;

    @BeforeAll
    static void standIn() {
        amqp = AmqpEmulator.builder()
            .entity(AmqpEntity.serviceBusQueue("sessions").withSessions().withPartitioning())
            .key("send", "send-key")
            .start();
    }

    @AfterAll
    static void stop() {
        AmqpTests.stop(amqp);
    }

    static MessageModel model(String... keyValues) {
        return new MessageModel(config(keyValues));
    }

    static ServiceBusSinkConfig config(String... keyValues) {
        Map<String, String> p = new HashMap<>();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG,
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=Send;SharedAccessKey=x");
        p.put(DeliveryConfig.PATH_CONFIG, "twins");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return new ServiceBusSinkConfig(p);
    }

    static SinkRecord record(String key, String... headerPairs) {
        ConnectHeaders h = new ConnectHeaders();
        for (int i = 0; i < headerPairs.length; i += 2) {
            h.addBytes(headerPairs[i], headerPairs[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return new SinkRecord("twin.egress.sb", 0, null, key, null, "{\"id\":\"e-1\",\"eventType\":\"SensorChange\"}",
            7L, 1L, TimestampType.CREATE_TIME, h);
    }

    static ServiceBusMessage message(MessageModel model, SinkRecord record, List<String> leftOut) {
        return ServiceBusSender.toMessage(record, model, leftOut, io.twinegress.connect.format.AmqpOutput.asIs());
    }

    static ServiceBusMessage message(MessageModel model, SinkRecord record) {
        return message(model, record, new ArrayList<>());
    }

    @Test
    void atTheDefaultsTheMessageIsTodaysOne() {
        SinkRecord r = record("sensor-1", "a", "1", "b", "2");
        ServiceBusMessage plain = ServiceBusSender.toMessage(r);
        ServiceBusMessage m = message(model(), r);
        assertEquals("sensor-1", m.getPartitionKey());
        assertNull(m.getSessionId());
        assertNull(m.getTimeToLive());
        assertNull(m.getCorrelationId());
        assertNull(m.getReplyTo());
        assertNull(m.getScheduledEnqueueTime());
        assertEquals(Map.of("a", "1", "b", "2"), m.getApplicationProperties());
        assertEquals(plain.getApplicationProperties(), m.getApplicationProperties());
        assertEquals(plain.getPartitionKey(), m.getPartitionKey());
    }

    @Test
    void theSessionIdComesFromTheRecordKeyAndThePartitionKeyEqualsIt() {
        MessageModel model = model(MessageModelConfig.SESSION_ID_SOURCE_CONFIG, "record-key");
        ServiceBusMessage m = message(model, record("twin-7"));
        assertEquals("twin-7", m.getSessionId());
        assertEquals("twin-7", m.getPartitionKey());
        String longKey = "k".repeat(200);
        ServiceBusMessage hashed = message(model, record(longKey));
        assertEquals(EventRecords.capped(longKey), hashed.getSessionId(), "within Service Bus's 128 characters");
        assertEquals(hashed.getSessionId(), hashed.getPartitionKey());
        RecordRejectedException e = assertThrows(RecordRejectedException.class, () -> message(model, record(null)));
        assertEquals(MessageModel.reasonNoSessionIdKey(), e.getMessage());
        assertThrows(RecordRejectedException.class, () -> message(model, record("")), "an empty key is no SessionId");
    }

    @Test
    void theSessionIdComesFromANamedHeaderAndOverridesTheRecordKeyAsPartitionKey() {
        MessageModel model = model(MessageModelConfig.SESSION_ID_SOURCE_CONFIG, "HEADER",
            MessageModelConfig.SESSION_ID_HEADER_CONFIG, "order-id");
        ServiceBusMessage m = message(model, record("sensor-1", "order-id", "o-42"));
        assertEquals("o-42", m.getSessionId());
        assertEquals("o-42", m.getPartitionKey(), "Service Bus requires PartitionKey = SessionId");
        RecordRejectedException e = assertThrows(RecordRejectedException.class,
            () -> message(model, record("sensor-1", "other", "x")));
        assertEquals(MessageModel.reasonNoSessionIdHeader("order-id"), e.getMessage());
        assertThrows(RecordRejectedException.class, () -> message(model, record("sensor-1", "order-id", "")));
    }

    @Test
    void partitionKeyCorrelationIdReplyToAndTimeToLiveComeFromTheirKeys() {
        MessageModel model = model(MessageModelConfig.PARTITION_KEY_HEADER_CONFIG, "pk",
            MessageModelConfig.CORRELATION_ID_HEADER_CONFIG, "corr",
            MessageModelConfig.REPLY_TO_HEADER_CONFIG, "reply",
            MessageModelConfig.TIME_TO_LIVE_MS_CONFIG, "600000");
        ServiceBusMessage m = message(model, record("sensor-1", "pk", "p-1", "corr", "c-1", "reply", "replies"));
        assertEquals("p-1", m.getPartitionKey());
        assertEquals("c-1", m.getCorrelationId());
        assertEquals("replies", m.getReplyTo());
        assertEquals(Duration.ofMinutes(10), m.getTimeToLive());
        ServiceBusMessage without = message(model, record("sensor-1"));
        assertEquals("sensor-1", without.getPartitionKey(), "no header: the record key");
        assertNull(without.getCorrelationId());
        assertNull(without.getReplyTo());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-03T15:00:00Z", "2026-12-03T16:00:00+01:00", "2026-12-03t15:00:00z",
        "2026-12-03 15:00:00Z", "2026-12-03T15:00:00.000Z"})
    void aScheduledEnqueueTimeIsAnRfc3339DateTime(String value) {
        MessageModel model = model(MessageModelConfig.SCHEDULED_ENQUEUE_TIME_HEADER_CONFIG, "at");
        ServiceBusMessage m = message(model, record("k", "at", value));
        assertEquals(Instant.parse("2026-12-03T15:00:00Z"), m.getScheduledEnqueueTime().toInstant());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1764774000000", "2026-12-03T15:00:00", "tomorrow", "2026-13-03T15:00:00Z", "2026-12-03"})
    void aScheduledEnqueueTimeThatIsNotRfc3339RefusesTheRecordWithTheReason(String value) {
        MessageModel model = model(MessageModelConfig.SCHEDULED_ENQUEUE_TIME_HEADER_CONFIG, "at");
        RecordRejectedException e = assertThrows(RecordRejectedException.class, () -> message(model, record("k", "at", value)));
        assertEquals(MessageModel.reasonBadScheduledEnqueueTime("at"), e.getMessage());
        assertNull(message(model, record("k")).getScheduledEnqueueTime(), "no header: enqueued at once");
    }

    @Test
    void includeAndExcludeListsChooseTheHeadersThatBecomeProperties() {
        SinkRecord r = record("k", "twin-egress.event-type", "SensorChange", "twin-egress.source-offset", "3",
            "app.code", "007", "app.secretish", "x", "other", "y");
        assertEquals(Set.of("twin-egress.event-type", "twin-egress.source-offset", "app.code"),
            Set.copyOf(message(model(MessageModelConfig.PROPERTIES_INCLUDE_CONFIG, "twin-egress.*, app.code"), r)
                .getApplicationProperties().keySet()));
        assertEquals(Set.of("twin-egress.event-type", "app.code", "other"),
            Set.copyOf(message(model(MessageModelConfig.PROPERTIES_EXCLUDE_CONFIG, "twin-egress.source-offset,app.secret*"), r)
                .getApplicationProperties().keySet()));
        assertEquals(Set.of("app.code"),
            Set.copyOf(message(model(MessageModelConfig.PROPERTIES_INCLUDE_CONFIG, "app.*",
                MessageModelConfig.PROPERTIES_EXCLUDE_CONFIG, "app.secretish"), r).getApplicationProperties().keySet()));
    }

    /** CorrelationId and ReplyTo count in the 64 KB header: the properties that no longer fit are left out, never the event. */
    @Test
    void aCorrelationIdTooLargeForTheHeaderIsLeftOutAndTheRestStillFits() {
        MessageModel model = model(MessageModelConfig.CORRELATION_ID_HEADER_CONFIG, "corr",
            MessageModelConfig.REPLY_TO_HEADER_CONFIG, "reply");
        List<String> leftOut = new ArrayList<>();
        ServiceBusMessage m = message(model, record("k", "corr", "c".repeat(70 * 1024), "reply", "r".repeat(30 * 1024),
            "big", "b".repeat(31 * 1024), "small", "s"), leftOut);
        assertNull(m.getCorrelationId());
        assertEquals(30 * 1024, m.getReplyTo().length());
        assertEquals(List.of("CorrelationId (header corr)", "corr", "big"), leftOut,
            "the 70 KB header is over 32 KB as a property too; 31 KB no longer fit after ReplyTo and its header");
        assertEquals(Set.of("reply", "small"), m.getApplicationProperties().keySet());
    }

    /**
     * Sessions from a header on a partitioned session queue: each batch carries one session, the
     * messages of a session arrive in record order whatever their record keys, and a record without
     * a SessionId is refused with the reason while the rest go (the stand-in would refuse the batch).
     */
    @Test
    void sessionsFromAHeaderTravelOnePerBatchInOrderAndARecordWithoutOneIsRefused() {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            ConnectHeaders h = new ConnectHeaders();
            h.addString(EgressHeaders.SOURCE_OFFSET, Integer.toString(i));
            if (i != 5) {
                h.addString("order-id", "order-" + (i % 3));
            }
            records.add(new SinkRecord("twin.egress.sb", 0, null, "sensor-" + (i % 4), null,
                ("{\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8), i, 1L, TimestampType.CREATE_TIME, h));
        }
        Map<String, String> p = new HashMap<>();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", "send-key"));
        p.put(DeliveryConfig.PATH_CONFIG, "sessions");
        p.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "5");
        p.put(MessageModelConfig.SESSION_ID_SOURCE_CONFIG, "header");
        p.put(MessageModelConfig.SESSION_ID_HEADER_CONFIG, "order-id");
        ServiceBusSinkConfig config = new ServiceBusSinkConfig(p);
        RecordingListener listener = new RecordingListener();
        try (ServiceBusSender sender = new ServiceBusSender(config, config.connectionString(), new AtomicBoolean())) {
            sender.send(records, listener);
        }
        assertEquals(Map.of(5L, MessageModel.reasonNoSessionIdHeader("order-id")), listener.rejected);
        List<ReceivedMessage> got = amqp.awaitCount("sessions", 23, DEADLINE);
        Map<Long, List<ReceivedMessage>> byTransfer = new LinkedHashMap<>();
        got.forEach(m -> byTransfer.computeIfAbsent(m.transferId(), t -> new ArrayList<>()).add(m));
        Map<String, Integer> lastSeq = new HashMap<>();
        for (List<ReceivedMessage> transfer : byTransfer.values()) {
            String session = transfer.get(0).sessionId();
            for (ReceivedMessage m : transfer) {
                int seq = Integer.parseInt(m.property(EgressHeaders.SOURCE_OFFSET));
                assertEquals("order-" + (seq % 3), m.sessionId(), "offset " + seq);
                assertEquals(session, m.sessionId(), "one session per batch");
                assertEquals(m.sessionId(), m.partitionKey());
                Integer before = lastSeq.put(session, seq);
                assertTrue(before == null || before < seq, "order per session: " + before + " then " + seq);
            }
        }
        assertTrue(byTransfer.values().stream().anyMatch(t -> t.size() > 1), "batches, not single sends");
    }
}
