package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connect.core.HeldRecords.Held;
import io.twinegress.testing.kafka.TestLogs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** What becomes of a record the task cannot deliver, alone: dead-lettered, or held back without a dead-letter topic. */
class DeadLetteringTest {

    static final TopicPartition P0 = new TopicPartition("twin.egress.x", 0);
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final Failure BUSY = Failure.of(Outcome.TRANSIENT, "SERVICE_BUSY: busy", null);

    final HeldRecords held = new HeldRecords();
    final FakeContext context = new FakeContext(Map.of(), true);
    final DeliveryMetrics metrics = new DeliveryMetrics(() -> 0L);

    List<Held> hold(int n) {
        for (long o = 0; o < n; o++) {
            held.accept(new SinkRecord(P0.topic(), P0.partition(), null, null, null,
                "{}".getBytes(StandardCharsets.UTF_8), o), T0);
        }
        return held.all();
    }

    static long lines(long mark, String text) {
        return TestLogs.readSince(mark).lines().filter(l -> l.contains(text)).count();
    }

    @Test
    void aDeadLetterGoesToTheReporterWithItsReasonAndNoCommitPassesItUntilWritten() {
        CompletableFuture<Void> write = new CompletableFuture<>();
        context.writes = () -> write;
        DeadLettering d = new DeadLettering("dl-test", context.errantRecordReporter(), metrics);
        List<Held> all = hold(3);
        assertTrue(d.available());
        assertTrue(d.rejected(all.get(1), "too large"), "the sender goes on");
        assertTrue(all.get(1).done);
        assertEquals(1, context.reported.size());
        assertInstanceOf(UndeliverableRecordException.class, context.reported.get(0).error());
        assertEquals("too large", context.reported.get(0).error().getMessage());
        assertEquals(1, metrics.deadLettered());
        assertFalse(d.holding());
        assertEquals(Map.of(P0, new OffsetAndMetadata(1)), d.cap(Map.of(P0, new OffsetAndMetadata(3))), "held at the dead letter");
        write.complete(null);
        assertEquals(Map.of(P0, new OffsetAndMetadata(3)), d.cap(Map.of(P0, new OffsetAndMetadata(3))));
    }

    @Test
    void aFailedWriteIsNeverPassedUntilItsPartitionIsTakenFromTheTask() {
        context.writes = () -> CompletableFuture.failedFuture(new IllegalStateException("refused"));
        DeadLettering d = new DeadLettering("dl-test", context.errantRecordReporter(), metrics);
        d.deadLetter(hold(1).get(0), "bad", false);
        assertThrows(ConnectException.class, () -> d.cap(Map.of(P0, new OffsetAndMetadata(1))));
        d.close(List.of(P0));
        assertEquals(Map.of(P0, new OffsetAndMetadata(1)), d.cap(Map.of(P0, new OffsetAndMetadata(1))));
    }

    @Test
    void aRecordDoneOrNoLongerTheTasksIsNotDeadLetteredAgain() {
        DeadLettering d = new DeadLettering("dl-test", context.errantRecordReporter(), metrics);
        Held h = hold(1).get(0);
        h.done = true;
        assertTrue(d.deadLetter(h, "bad", true));
        assertTrue(d.deadLetter(null, "bad", true));
        assertTrue(context.reported.isEmpty());
        assertEquals(0, metrics.deadLettered());
    }

    @Test
    void withoutADeadLetterTopicARecordIsHeldBackAndSaidOncePerRecordUntilADelivery() {
        long mark = TestLogs.mark();
        DeadLettering d = new DeadLettering("dl-test", null, metrics);
        assertEquals(1, lines(mark, "dl-test: " + DeliveryConfig.WARNING_NO_DEAD_LETTER_TOPIC), "said once, at start");
        List<Held> all = hold(2);
        assertFalse(d.available());
        assertFalse(d.rejected(all.get(0), "too large"), "the sender stops");
        assertFalse(all.get(0).done);
        assertTrue(d.holding());
        assertEquals("too large", d.takeHoldReason());
        assertFalse(d.holding(), "taken: the next round starts afresh");
        assertNull(d.takeHoldReason());
        d.holdBack(all.get(0), "too large"); // the retry, refused again
        assertEquals(1, lines(mark, "dl-test: record twin.egress.x-0@0 cannot be delivered (too large)"), "not per retry");
        d.holdBack(all.get(1), "too large");
        d.succeeded();
        d.holdBack(all.get(1), "too large");
        assertEquals(2, lines(mark, "dl-test: record twin.egress.x-0@1 cannot be delivered"), "again after a delivery");
        assertTrue(context.reported.isEmpty());
    }

    @Test
    void recordsPastTheDeadlineAreDeadLetteredWithOneLineNamingTheLastFailure() {
        long mark = TestLogs.mark();
        DeadLettering d = new DeadLettering("dl-test", context.errantRecordReporter(), metrics);
        assertFalse(d.pastDeadline(List.of(), DEADLINE, BUSY), "nothing expired");
        assertTrue(d.pastDeadline(hold(3), DEADLINE, BUSY));
        assertEquals(3, context.reported.size());
        String reason = context.reported.get(0).error().getMessage();
        assertEquals("not delivered within delivery.deadline.ms (30000 ms); last failure: SERVICE_BUSY: busy", reason);
        assertEquals(1, lines(mark, "dl-test: sent 3 records to the dead-letter topic: " + reason));
        assertEquals(0, lines(mark, "dl-test: sent record"), "one line for all");
        assertTrue(held.all().stream().allMatch(h -> h.done));
    }

    @Test
    void pastTheDeadlineWithoutADeadLetterTopicTheRecordsStayHeldAndItIsSaidOnceUntilADelivery() {
        DeadLettering d = new DeadLettering("dl-test", null, metrics);
        long mark = TestLogs.mark();
        List<Held> all = hold(2);
        assertFalse(d.pastDeadline(all, DEADLINE, BUSY));
        assertFalse(d.pastDeadline(all, DEADLINE, BUSY));
        assertTrue(all.stream().noneMatch(h -> h.done));
        String line = "dl-test: 2 records are past delivery.deadline.ms (30000 ms) and no dead-letter topic is configured";
        assertEquals(1, lines(mark, line));
        d.succeeded();
        d.pastDeadline(all, DEADLINE, BUSY);
        assertEquals(2, lines(mark, line));
    }
}
