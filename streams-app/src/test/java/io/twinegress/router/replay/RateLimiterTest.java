package io.twinegress.router.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void eachBatchPaysForWhatItReadAndTheNextWaitsForTheDebt() throws InterruptedException {
        long[] now = {0};
        List<Long> sleeps = new ArrayList<>();
        RateLimiter limiter = new RateLimiter(1_000, new RateLimiter.Clock() {
            @Override
            public long nanoTime() {
                return now[0];
            }

            @Override
            public void sleepNanos(long nanos) {
                sleeps.add(nanos);
                now[0] += nanos;
            }
        });
        limiter.acquire(500);            // nothing owed yet: at once
        limiter.acquire(500);            // waits for the first 500 (0.5 s at 1,000/s)
        now[0] += 2_000_000_000L;        // idle for 2 s: no credit is saved up beyond the debt paid
        limiter.acquire(100);
        limiter.acquire(100);            // waits 0.1 s
        assertEquals(List.of(500_000_000L, 100_000_000L), sleeps);
    }
}
