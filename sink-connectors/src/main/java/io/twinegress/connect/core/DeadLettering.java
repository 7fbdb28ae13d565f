package io.twinegress.connect.core;

import io.twinegress.connect.core.HeldRecords.Held;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a record the task cannot deliver.
 *
 * <ul>
 *   <li>With a dead-letter topic: it goes to Connect's errant-record reporter with the reason, is
 *       marked done, and its write is tracked ({@link DeadLetterWrites}) so that no commit passes
 *       it before the write is known to be written.</li>
 *   <li>Without one: it is held back. The send stops behind it ({@link #holding()} until the caller
 *       {@linkplain #takeHoldReason takes the reason} and backs off), and it is logged once per
 *       record, not once per retry.</li>
 *   <li>Records past {@code delivery.deadline.ms} when a send fails ({@link #pastDeadline}): all
 *       dead-lettered with one line, or, without a dead-letter topic, one warning until the next
 *       delivery.</li>
 * </ul>
 * Logs under the delivery engine's name, as the engine did before this was split from it. Task
 * thread only.
 */
final class DeadLettering {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);

    private final String name;
    /** Connect's errant-record reporter, or null when no dead-letter topic is usable. */
    private final ErrantRecordReporter reporter;
    private final DeliveryMetrics metrics;
    private final DeadLetterWrites writes = new DeadLetterWrites();
    /** Set when a record was held back for want of a dead-letter topic: the send stopped there. */
    private String holdReason;
    /** The record last logged as held back, so that each retry does not log it again. */
    private Held loggedHold;
    private boolean deadlineWarned;

    /** @param reporter Connect's errant-record reporter, or null when no dead-letter topic is usable */
    DeadLettering(String name, ErrantRecordReporter reporter, DeliveryMetrics metrics) {
        this.name = name;
        this.reporter = reporter;
        this.metrics = metrics;
        if (reporter == null) {
            LOG.warn("{}: {}", name, DeliveryConfig.WARNING_NO_DEAD_LETTER_TOPIC);
        }
    }

    /** Whether there is a dead-letter topic: what a sender is told to do after a record it cannot send. */
    boolean available() {
        return reporter != null;
    }

    /** Dead-letters {@code h}; false when there is no dead-letter topic (the caller holds it back). */
    boolean deadLetter(Held h, String reason, boolean logIt) {
        if (h == null || h.done) {
            return true; // no longer this task's, or already taken care of
        }
        if (reporter == null) {
            return false;
        }
        writes.add(h.tp, h.offset, reporter.report(h.record, new UndeliverableRecordException(reason)));
        h.done = true;
        metrics.recordDeadLettered();
        if (logIt) {
            LOG.warn("{}: sent record {} to the dead-letter topic: {}", name, h, reason);
        }
        return true;
    }

    /** A record a sender cannot send: dead-lettered, else held back; whether the sender goes on. */
    boolean rejected(Held h, String reason) {
        if (!deadLetter(h, reason, true)) {
            holdBack(h, reason);
            return false;
        }
        return true;
    }

    /** No dead-letter topic: the record stays held and the send stops behind it; logged once per record. */
    void holdBack(Held h, String reason) {
        holdReason = reason;
        if (h != null && h != loggedHold) {
            loggedHold = h;
            LOG.error("{}: record {} cannot be delivered ({}) and no dead-letter topic is configured "
                + "(errors.tolerance=all, errors.deadletterqueue.topic.name): holding it and retrying", name, h, reason);
        }
    }

    /** Whether a record was held back since the reason was last taken: nothing after it may be sent. */
    boolean holding() {
        return holdReason != null;
    }

    /** Why the last record was held back, or null; cleared, so the next round starts afresh. */
    String takeHoldReason() {
        String reason = holdReason;
        holdReason = null;
        return reason;
    }

    /**
     * A send failed with {@code f} and {@code expired} records are past {@code deadline}: they are
     * dead-lettered with one line. Without a dead-letter topic they stay held, and the first time
     * since the last delivery says so. Whether any was dead-lettered (the caller drops them).
     */
    boolean pastDeadline(List<Held> expired, Duration deadline, Failure f) {
        if (expired.isEmpty()) {
            return false;
        }
        if (reporter != null) {
            String reason = "not delivered within delivery.deadline.ms (" + deadline.toMillis()
                + " ms); last failure: " + f.reason();
            expired.forEach(h -> deadLetter(h, reason, false));
            LOG.warn("{}: sent {} records to the dead-letter topic: {}", name, expired.size(), reason);
            return true;
        }
        if (!deadlineWarned) {
            deadlineWarned = true;
            LOG.warn("{}: {} records are past delivery.deadline.ms ({} ms) and no dead-letter topic is configured; "
                + "holding them and retrying", name, expired.size(), deadline.toMillis());
        }
        return false;
    }

    /** The endpoint took records: a record held back again, or records past the deadline again, are said again. */
    void succeeded() {
        deadlineWarned = false;
        loggedHold = null;
    }

    /** {@code offsets} never past a dead letter not known to be written (see {@link DeadLetterWrites#cap}). */
    Map<TopicPartition, OffsetAndMetadata> cap(Map<TopicPartition, OffsetAndMetadata> offsets) {
        return writes.cap(offsets);
    }

    /** Partitions taken from the task: their dead letters' writes are forgotten. */
    void close(Collection<TopicPartition> partitions) {
        writes.close(partitions);
    }
}
