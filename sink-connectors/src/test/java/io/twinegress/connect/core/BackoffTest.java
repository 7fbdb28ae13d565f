package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final MutableClock clock = new MutableClock();

    @Test
    void doublesFromInitialUpToTheCapWithoutJitter() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(30), 0.0, clock, () -> 0.5);
        long[] expected = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000,
            1_024_000, 1_800_000, 1_800_000};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], b.delay(i + 1).toMillis(), "attempt " + (i + 1));
        }
        assertEquals(1_800_000, b.delay(10_000).toMillis(), "no overflow far past the cap");
    }

    @Test
    void jitterOnlyShortensTheWaitAndNeverPassesTheCap() {
        Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(30), 0.2, clock, () -> 0.0);
        Backoff high = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(30), 0.2, clock, () -> 0.999_999);
        assertEquals(4_000, low.delay(3).toMillis());
        assertEquals(3_200, high.delay(3).toMillis());
        assertEquals(1_800_000, low.delay(40).toMillis());
        assertEquals(1_440_000, high.delay(40).toMillis());
    }

    @Test
    void remainingFollowsTheInjectedClockAndResetEndsTheBackoff() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.0, clock, () -> 0.0);
        assertFalse(b.active());
        assertEquals(Duration.ZERO, b.remaining());
        assertEquals(Duration.ofMillis(100), b.next(Optional.empty()));
        assertTrue(b.active());
        clock.advance(Duration.ofMillis(40));
        assertEquals(Duration.ofMillis(60), b.remaining());
        clock.advance(Duration.ofMillis(60));
        assertEquals(Duration.ZERO, b.remaining());
        assertEquals(Duration.ofMillis(200), b.next(Optional.empty()));
        assertEquals(2, b.attempts());
        clock.advance(Duration.ofMillis(200));
        assertEquals(Duration.ofMillis(300), b.reset());
        assertFalse(b.active());
        assertEquals(Duration.ofMillis(100), b.next(Optional.empty()), "a new backoff starts over");
    }

    @Test
    void retryAfterIsHonouredUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 0.0, clock, () -> 0.0);
        assertEquals(Duration.ofSeconds(2), b.next(Optional.of(Duration.ofSeconds(2))));
        assertEquals(Duration.ofSeconds(10), b.next(Optional.of(Duration.ofHours(1))), "Retry-After is capped");
        assertEquals(Duration.ofMillis(400), b.next(Optional.of(Duration.ofMillis(1))), "never shorter than the schedule");
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0, clock, () -> 0.0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0, clock, () -> 0.0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.5, clock, () -> 0.0));
    }
}
