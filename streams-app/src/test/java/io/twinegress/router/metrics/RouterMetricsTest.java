package io.twinegress.router.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.router.deadletter.DeadLetters;
import io.twinegress.testing.kafka.TestLogs;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RouterMetricsTest {

    @Test
    void countsAndLogsDeadLettersAtMostOncePerIntervalNeverPerRecord() {
        AtomicLong clock = new AtomicLong();
        RouterMetrics metrics = new RouterMetrics(clock::get);
        long mark = TestLogs.mark();
        for (int i = 0; i < 1000; i++) {
            metrics.deadLettered(DeadLetters.Kind.invalid_event, "eventType", "t", 0, i);
        }
        clock.addAndGet(RouterMetrics.LOG_INTERVAL_NANOS);
        metrics.deadLettered(DeadLetters.Kind.oversized, "$", "t", 0, 1000);
        String log = TestLogs.readSince(mark);
        assertEquals(2, log.lines().filter(l -> l.contains("dead-lettered since the last report")).count(), log);
        assertEquals(1, log.lines().filter(l -> l.contains("1000 record(s) dead-lettered")).count(), log);
        assertEquals(1001, metrics.deadLetteredTotal());
        assertTrue(log.contains("latest: invalid-event (field eventType) at t-0@0"), log);
        assertEquals(1000, metrics.deadLetteredTotal(DeadLetters.Kind.invalid_event));
    }

    @Test
    void countsRoutedPerEndpointAndUnmatched() {
        RouterMetrics metrics = new RouterMetrics(System::nanoTime);
        metrics.routed("a");
        metrics.routed("a");
        metrics.routed("b");
        metrics.unmatched();
        assertEquals(2, metrics.routedTotal("a"));
        assertEquals(3, metrics.routedTotal());
        assertEquals(1, metrics.unmatchedTotal());
        assertEquals(java.util.Map.of("a", 2L, "b", 1L), metrics.routedPerEndpoint());
    }
}
