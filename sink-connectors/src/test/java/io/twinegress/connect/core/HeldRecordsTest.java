package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connect.core.HeldRecords.Held;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** The held records and the offsets they allow, alone. */
class HeldRecordsTest {

    static final TopicPartition P0 = new TopicPartition("twin.egress.x", 0);
    static final TopicPartition P1 = new TopicPartition("twin.egress.x", 1);
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    final HeldRecords held = new HeldRecords();

    static SinkRecord record(TopicPartition tp, long offset) {
        return new SinkRecord(tp.topic(), tp.partition(), null, null, null, "{}".getBytes(StandardCharsets.UTF_8), offset);
    }

    static Map<TopicPartition, OffsetAndMetadata> offsets(long p0, long p1) {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        m.put(P0, new OffsetAndMetadata(p0));
        m.put(P1, new OffsetAndMetadata(p1));
        return m;
    }

    @Test
    void aRecordHandedOverAgainIsHeldOnceByItsOriginalCoordinates() {
        assertTrue(held.accept(record(P0, 5), T0));
        assertTrue(held.accept(record(P0, 6), T0));
        assertFalse(held.accept(record(P0, 5), T0), "same topic, partition and offset: seen");
        assertTrue(held.accept(record(P1, 5), T0), "another partition");
        // a record renamed by a transform still counts by where it came from
        SinkRecord renamed = new SinkRecord("renamed", 9, null, null, null, new byte[0], 99, null,
            org.apache.kafka.common.record.TimestampType.NO_TIMESTAMP_TYPE, null, P0.topic(), P0.partition(), 6L);
        assertFalse(held.accept(renamed, T0));
        assertEquals(3, held.size());
        assertEquals(T0, held.oldestAcceptedAt());
    }

    @Test
    void offsetsNeverPassTheOldestHeldRecordOfAPartition() {
        for (long o = 10; o < 13; o++) {
            held.accept(record(P0, o), T0);
        }
        assertEquals(offsets(10, 7), held.safeOffsets(offsets(13, 7)), "P0 held from 10; nothing of P1 held: Connect's");
        held.markDelivered(List.of(held.all().get(0).record, held.all().get(1).record));
        assertEquals(offsets(10, 7), held.safeOffsets(offsets(13, 7)), "done but not removed yet: still held");
        held.removeDone();
        assertEquals(offsets(12, 7), held.safeOffsets(offsets(13, 7)));
        held.markDelivered(List.of(held.all().get(0).record));
        held.removeDone();
        assertTrue(held.isEmpty());
        assertEquals(offsets(13, 7), held.safeOffsets(offsets(13, 7)));
        assertEquals(0, held.bytes());
    }

    @Test
    void markDeliveredCountsOnlyWhatWasHeldAndNotDone() {
        SinkRecord a = record(P0, 0);
        SinkRecord stranger = record(P0, 1);
        held.accept(a, T0);
        assertEquals(1, held.markDelivered(List.of(a, stranger)));
        assertEquals(0, held.markDelivered(List.of(a)), "already done");
    }

    @Test
    void closingAPartitionForgetsItsRecordsAndTheirOffsets() {
        held.accept(record(P0, 0), T0);
        held.accept(record(P1, 0), T0);
        Held p1 = held.of(held.all().get(1).record);
        long before = held.bytes();
        held.close(List.of(P1));
        assertEquals(1, held.size());
        assertTrue(p1.done, "a batch still carrying it skips it");
        assertNull(held.of(p1.record));
        assertTrue(held.bytes() < before);
        assertTrue(held.accept(record(P1, 0), T0), "reassigned: its records are new again");
        assertEquals(List.of(P0, P1), held.all().stream().map(h -> h.tp).toList(), "in the order accepted");
    }

    @Test
    void theDeadlineCountsFromARecordsFirstFailure() {
        held.accept(record(P0, 0), T0);
        assertEquals(List.of(), held.failed(T0, java.time.Duration.ofSeconds(10)));
        held.accept(record(P0, 1), T0.plusSeconds(5)); // arrives later, fails first at +10 s
        assertEquals(List.of(0L), held.failed(T0.plusSeconds(10), java.time.Duration.ofSeconds(10)).stream().map(h -> h.offset).toList());
        assertEquals(List.of(0L), held.failed(T0.plusSeconds(19), java.time.Duration.ofSeconds(10)).stream().map(h -> h.offset).toList());
        assertEquals(List.of(0L, 1L), held.failed(T0.plusSeconds(20), java.time.Duration.ofSeconds(10)).stream().map(h -> h.offset).toList());
    }

    @Test
    void notDoneKeepsOrder() {
        for (long o = 0; o < 4; o++) {
            held.accept(record(P0, o), T0);
        }
        List<Held> all = held.all();
        all.get(1).done = true;
        List<Held> rest = HeldRecords.notDone(all);
        assertEquals(List.of(0L, 2L, 3L), rest.stream().map(h -> h.offset).toList());
        assertSame(all.get(2).record, HeldRecords.records(rest).get(1));
    }
}
