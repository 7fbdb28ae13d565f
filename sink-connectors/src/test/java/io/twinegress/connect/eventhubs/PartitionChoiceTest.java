package io.twinegress.connect.eventhubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connect.AmqpTests;
import io.twinegress.connect.core.AmqpBatches.Route;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.connect.core.RecordingListener;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.schemas.EgressHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where an event goes (pure), and explicit partition ids through the real Event Hubs SDK to the AMQP
 * stand-in (no Kafka): checked against the hub's partitions, batched per partition, in order.
 */
class PartitionChoiceTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final Set<String> FOUR = Set.of("0", "1", "2", "3");
    static AmqpEmulator amqp;

    @BeforeAll
    static void standIn() {
        amqp = AmqpEmulator.builder().eventHub("by-id", 4).eventHub("by-header-key", 4).key("send", "send-key").start();
    }

    @AfterAll
    static void stop() {
        AmqpTests.stop(amqp);
    }

    static SinkRecord record(String key, long offset, String... headerPairs) {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(EgressHeaders.SOURCE_OFFSET, Long.toString(offset));
        for (int i = 0; i < headerPairs.length; i += 2) {
            h.addBytes(headerPairs[i], headerPairs[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return new SinkRecord("twin.egress.eh", 0, null, key == null ? null : key.getBytes(StandardCharsets.UTF_8), null,
            ("{\"seq\":" + offset + "}").getBytes(StandardCharsets.UTF_8), offset, 1L, TimestampType.CREATE_TIME, h);
    }

    @Test
    void byDefaultTheRecordKeyIsThePartitionKey() {
        PartitionChoice c = new PartitionChoice(Optional.empty(), Optional.empty());
        assertEquals(Route.key("sensor-1"), c.route(record("sensor-1", 0), () -> FOUR));
        assertEquals(Route.NONE, c.route(record(null, 0), () -> FOUR));
    }

    @Test
    void aNamedHeaderGivesThePartitionKeyAndARecordWithoutItKeepsItsKey() {
        PartitionChoice c = new PartitionChoice(Optional.of("device"), Optional.empty());
        assertEquals(Route.key("d-9"), c.route(record("sensor-1", 0, "device", "d-9"), () -> FOUR));
        assertEquals(Route.key("sensor-1"), c.route(record("sensor-1", 0), () -> FOUR));
        assertEquals(Route.key("sensor-1"), c.route(record("sensor-1", 0, "device", ""), () -> FOUR), "empty is missing");
        String longKey = "d".repeat(300);
        assertEquals(Route.key(EventRecords.capped(longKey)), c.route(record(null, 0, "device", longKey), () -> FOUR));
    }

    @Test
    void aPartitionIdIsCheckedAgainstTheHubsPartitionsWhichAreAskedOnlyWhenNeeded() {
        PartitionChoice c = new PartitionChoice(Optional.empty(), Optional.of("partition"));
        AtomicInteger asked = new AtomicInteger();
        assertEquals(Route.key("sensor-1"), c.route(record("sensor-1", 0), () -> {
            asked.incrementAndGet();
            return FOUR;
        }));
        assertEquals(0, asked.get(), "no header, no question to the hub");
        assertEquals(Route.partitionId("2"), c.route(record("sensor-1", 0, "partition", "2"), () -> FOUR));
        for (String bad : List.of("4", "-1", "02", "one", " 1")) {
            RecordRejectedException e = assertThrows(RecordRejectedException.class,
                () -> c.route(record("sensor-1", 0, "partition", bad), () -> FOUR));
            assertEquals(PartitionChoice.reasonUnknownPartition("partition", bad, FOUR), e.getMessage());
            assertTrue(e.getMessage().contains("its partitions: 0, 1, 2, 3"), e.getMessage());
        }
        String huge = "9".repeat(500);
        String reason = assertThrows(RecordRejectedException.class,
            () -> c.route(record(null, 0, "partition", huge), () -> FOUR)).getMessage();
        assertTrue(reason.length() < 200, "a long value is quoted in part: " + reason);
    }

    static EventHubsSender sender(String hub, String key, String value) {
        Map<String, String> p = new HashMap<>();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", "send-key"));
        p.put(DeliveryConfig.PATH_CONFIG, hub);
        p.put(DeliveryConfig.CLIENT_MAX_RETRIES_CONFIG, "0");
        p.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "4");
        p.put(key, value);
        EventHubsSinkConfig config = new EventHubsSinkConfig(p);
        return new EventHubsSender(config, config.connectionString());
    }

    /**
     * Events naming a partition land in it, batched per partition and in record order there; one
     * naming a partition the hub lacks is refused with the reason and the rest go; one without the
     * header goes by its key (the stand-in records the key, and no partition link).
     */
    @Test
    void eventsNamingAPartitionLandThereInOrderAndAnUnknownOneIsRefused() {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(i == 7 ? record("sensor-x", i, "partition", "9")
                : i == 11 ? record("sensor-y", i)
                : record("sensor-" + i, i, "partition", Integer.toString(i % 3)));
        }
        RecordingListener listener = new RecordingListener();
        try (EventHubsSender sender = sender("by-id", PartitionChoiceConfig.PARTITION_ID_HEADER_CONFIG, "partition")) {
            sender.send(records, listener);
        }
        assertEquals(Map.of(7L, PartitionChoice.reasonUnknownPartition("partition", "9", FOUR)), listener.rejected);
        List<ReceivedMessage> got = amqp.awaitCount("by-id", 19, DEADLINE);
        Map<Long, List<ReceivedMessage>> byTransfer = new LinkedHashMap<>();
        got.forEach(m -> byTransfer.computeIfAbsent(m.transferId(), t -> new ArrayList<>()).add(m));
        Map<String, Integer> lastSeq = new HashMap<>();
        for (List<ReceivedMessage> transfer : byTransfer.values()) {
            assertTrue(transfer.size() <= 4, "batch.max.records");
            for (ReceivedMessage m : transfer) {
                int seq = Integer.parseInt(m.property(EgressHeaders.SOURCE_OFFSET));
                if (seq == 11) {
                    assertEquals("sensor-y", m.partitionKey(), "no header: by the record key");
                    continue;
                }
                assertEquals(Integer.toString(seq % 3), m.partitionId(), "offset " + seq);
                assertNull(m.partitionKey(), "a partition id, not a key");
                assertEquals(transfer.get(0).partitionId(), m.partitionId(), "one partition per batch");
                Integer before = lastSeq.put(m.partitionId(), seq);
                assertTrue(before == null || before < seq, "order per partition: " + before + " then " + seq);
            }
        }
    }

    @Test
    void aPartitionKeyHeaderGroupsBatchesByItsValue() {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            records.add(record("sensor-" + i, i, "device", "device-" + (i % 2)));
        }
        RecordingListener listener = new RecordingListener();
        try (EventHubsSender sender = sender("by-header-key", PartitionChoiceConfig.PARTITION_KEY_HEADER_CONFIG, "device")) {
            sender.send(records, listener);
        }
        List<ReceivedMessage> got = amqp.awaitCount("by-header-key", 12, DEADLINE);
        for (ReceivedMessage m : got) {
            int seq = Integer.parseInt(m.property(EgressHeaders.SOURCE_OFFSET));
            assertEquals("device-" + (seq % 2), m.partitionKey());
        }
        assertEquals(List.of(4, 2, 4, 2), listener.batches.stream().map(List::size).toList(),
            "per key: 6 records each in batches of at most 4");
    }
}
