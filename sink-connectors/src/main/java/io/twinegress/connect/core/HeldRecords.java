package io.twinegress.connect.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The records a task took from Connect and the endpoint does not have yet, and the offsets that are
 * safe to commit because of them (what the Elasticsearch sink calls its offset tracker).
 *
 * <ul>
 *   <li>{@link #accept} keys each record by its original topic, partition and offset: a record
 *       handed over again (Connect redelivering from a rewound position) is recognised and not held
 *       twice, so the endpoint never gets it twice from this task.</li>
 *   <li>A record stays held, in the order accepted, until it is {@linkplain #markDone done} (the
 *       endpoint accepted it, or it went to the dead-letter topic) and {@link #removeDone} drops it.</li>
 *   <li>{@link #safeOffsets}: per partition, the offset of the oldest record still held, so a commit
 *       never passes an unsent record.</li>
 *   <li>{@link #close} forgets the partitions taken from the task: Connect hands their records to
 *       their next owner from the committed offsets.</li>
 * </ul>
 * Used from the task thread only.
 */
final class HeldRecords {

    /** One held record: where it came from (original coordinates), when, its size, and whether it is done. */
    static final class Held {
        final SinkRecord record;
        final TopicPartition tp;
        final long offset;
        final Instant acceptedAt;
        final long bytes;
        /** When a send of it first failed; what {@code delivery.deadline.ms} counts from. */
        Instant firstFailedAt;
        boolean done;

        Held(SinkRecord record, TopicPartition tp, long offset, Instant acceptedAt, long bytes) {
            this.record = record;
            this.tp = tp;
            this.offset = offset;
            this.acceptedAt = acceptedAt;
            this.bytes = bytes;
        }

        /** Coordinates only, never the payload. */
        @Override
        public String toString() {
            return tp + "@" + offset;
        }
    }

    private final List<Held> held = new ArrayList<>();
    private final Map<SinkRecord, Held> byRecord = new IdentityHashMap<>();
    /** Per partition, the offset after the last record accepted: anything below it was seen before. */
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private long bytes;

    /** Holds {@code r} unless it was accepted before (held or already done); whether it is new. */
    boolean accept(SinkRecord r, Instant now) {
        TopicPartition tp = new TopicPartition(r.originalTopic(), r.originalKafkaPartition());
        long offset = r.originalKafkaOffset();
        Long expected = next.get(tp);
        if (expected != null && offset < expected) {
            return false;
        }
        next.put(tp, offset + 1);
        Held h = new Held(r, tp, offset, now, EventRecords.approximateSize(r));
        held.add(h);
        byRecord.put(r, h);
        bytes += h.bytes;
        return true;
    }

    /** The held entry of a record handed to a sender, or null when it is no longer held. */
    Held of(SinkRecord r) {
        return byRecord.get(r);
    }

    /** Marks these records done (the endpoint accepted them); how many were held and not done before. */
    int markDelivered(List<SinkRecord> records) {
        int n = 0;
        for (SinkRecord r : records) {
            Held h = byRecord.get(r);
            if (h != null && !h.done) {
                h.done = true;
                n++;
            }
        }
        return n;
    }

    /** Drops every record marked done. */
    void removeDone() {
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.done) {
                it.remove();
                byRecord.remove(h.record);
                bytes -= h.bytes;
            }
        }
    }

    /**
     * A send of everything held failed at {@code now}: the records failing for the first time start
     * their deadline now. Returns those failing for {@code deadline} or longer, in order.
     */
    List<Held> failed(Instant now, Duration deadline) {
        List<Held> expired = new ArrayList<>();
        for (Held h : held) {
            if (h.firstFailedAt == null) {
                h.firstFailedAt = now;
            }
            if (!h.done && !h.firstFailedAt.plus(deadline).isAfter(now)) {
                expired.add(h);
            }
        }
        return expired;
    }

    /** Every record held, in the order accepted; a copy. */
    List<Held> all() {
        return new ArrayList<>(held);
    }

    int size() {
        return held.size();
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    /** The approximate size of everything held, in bytes. */
    long bytes() {
        return bytes;
    }

    /** When the oldest held record was accepted; only when something is held. */
    Instant oldestAcceptedAt() {
        return held.get(0).acceptedAt;
    }

    /**
     * What to commit for Connect's {@code currentOffsets}: per partition, the oldest held record's
     * offset, or Connect's own when nothing of that partition is held.
     */
    Map<TopicPartition, OffsetAndMetadata> safeOffsets(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, Long> oldestHeld = new HashMap<>();
        for (Held h : held) {
            oldestHeld.merge(h.tp, h.offset, Math::min);
        }
        Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : currentOffsets.entrySet()) {
            Long oldest = oldestHeld.get(e.getKey());
            long connect = e.getValue().offset();
            safe.put(e.getKey(), new OffsetAndMetadata(oldest == null ? connect : Math.min(oldest, connect)));
        }
        return safe;
    }

    /**
     * Forgets the partitions taken from the task: their records are no longer held (and marked done,
     * so a batch still carrying one skips it), and a later record of theirs is new again.
     */
    void close(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (gone.contains(h.tp)) {
                it.remove();
                byRecord.remove(h.record);
                bytes -= h.bytes;
                h.done = true;
            }
        }
        next.keySet().removeAll(gone);
    }

    /** The records of {@code batch} not done yet, in order. */
    static List<Held> notDone(List<Held> batch) {
        List<Held> out = new ArrayList<>(batch.size());
        for (Held h : batch) {
            if (!h.done) {
                out.add(h);
            }
        }
        return out;
    }

    /** The sink records of {@code batch}, in order. */
    static List<SinkRecord> records(List<Held> batch) {
        List<SinkRecord> out = new ArrayList<>(batch.size());
        for (Held h : batch) {
            out.add(h.record);
        }
        return out;
    }
}
