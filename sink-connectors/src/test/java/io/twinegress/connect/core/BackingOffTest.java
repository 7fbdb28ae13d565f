package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.testing.kafka.TestLogs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A backoff's life: paused input, Connect asked back at the delay, one line at its start and one at its end. */
class BackingOffTest {

    static final TopicPartition P0 = new TopicPartition("t", 0);
    static final TopicPartition P1 = new TopicPartition("t", 1);

    final MutableClock clock = new MutableClock();
    final FakeContext context = new FakeContext(Map.of(), false).assign(P0);
    final DeliveryMetrics metrics = new DeliveryMetrics(clock::millis);
    final BackingOff backingOff = new BackingOff("bo-test",
        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0, clock, () -> 0.0), context, metrics);

    static long lines(long mark, String text) {
        return TestLogs.readSince(mark).lines().filter(l -> l.contains(text)).count();
    }

    @Test
    void failedAttemptsPauseTheInputAndTheRecoveryResumesIt() {
        long mark = TestLogs.mark();
        Failure busy = Failure.of(Outcome.TRANSIENT, "SERVER_BUSY", null);
        for (int i = 0; i < 5; i++) {
            backingOff.failed(busy, 7, KeySlot.PRIMARY);
            clock.advance(backingOff.remaining());
        }
        assertTrue(backingOff.active());
        assertEquals(Set.of(P0), context.paused);
        assertEquals(1000, context.timeout, "100, 200, 400, 800, then the 1 s cap");
        context.assign(P1);
        backingOff.opened(List.of(P1));
        assertEquals(Set.of(P0, P1), context.paused, "assigned meanwhile: paused too");

        backingOff.recovered(KeySlot.PRIMARY, 0);
        assertFalse(backingOff.active());
        assertFalse(metrics.backingOff());
        assertEquals(Set.of(), context.paused);
        backingOff.opened(List.of(P1));
        assertEquals(Set.of(), context.paused, "no backoff, no pause");
        assertEquals(1, lines(mark, "bo-test: endpoint unavailable (SERVER_BUSY); holding 7 records, retrying in 100 ms"));
        assertEquals(1, lines(mark, "bo-test: endpoint accepts records again"));
        assertEquals(2, lines(mark, "bo-test:"), "two lines for five failed attempts");
    }

    @Test
    void aThrottlingEndpointsWaitIsHonouredUpToTheCap() {
        backingOff.failed(new Failure(Outcome.TRANSIENT, "HTTP 429", Optional.of(Duration.ofSeconds(30)), null), 1, KeySlot.PRIMARY);
        assertEquals(1000, context.timeout);
    }

    @Test
    void nothingHeldEndsTheBackoff() {
        backingOff.failed(Failure.of(Outcome.TRANSIENT, "down", null), 1, KeySlot.PRIMARY);
        backingOff.nothingHeld("revoked");
        assertFalse(backingOff.active());
        assertEquals(Set.of(), context.paused);
        backingOff.nothingHeld("again"); // nothing to end
        assertFalse(backingOff.active());
    }

    @Test
    void aBackoffWithNothingLeftToRetryEndsOnlyOnceItsDelayIsOver() {
        long mark = TestLogs.mark();
        backingOff.nothingToRetry();
        assertEquals(-1, context.timeout, "no backoff: nothing to do");
        backingOff.failed(Failure.of(Outcome.TRANSIENT, "down", null), 1, KeySlot.PRIMARY);
        clock.advance(Duration.ofMillis(40));
        backingOff.nothingToRetry();
        assertTrue(backingOff.active(), "not before its delay");
        assertEquals(60, context.timeout, "Connect calls again when it is over");
        assertEquals(Set.of(P0), context.paused);
        clock.advance(Duration.ofMillis(60));
        backingOff.nothingToRetry();
        assertFalse(backingOff.active());
        assertEquals(Set.of(), context.paused);
        assertEquals(1, lines(mark, "nothing held any more (its partitions were taken from the task); input resumed"));
    }
}
