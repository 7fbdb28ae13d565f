package io.twinegress.testing.kafka;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AwaitTest {

    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        Await.waitUntil(() -> polls.incrementAndGet() == 3, Duration.ofSeconds(5), "third poll");
        assertEquals(3, polls.get());
    }

    @Test
    void returnsTheFirstValueTheProbeFinds() {
        AtomicInteger polls = new AtomicInteger();
        int value = Await.value(() -> polls.incrementAndGet() < 2 ? Optional.empty() : Optional.of(42),
                Duration.ofSeconds(5), "a value");
        assertEquals(42, value);
    }

    @Test
    void failsWithTheCallersMessageAtTheDeadline() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> Await.waitUntil(() -> false, Duration.ofMillis(120), "the impossible"));
        assertEquals("Timed out after PT0.12S waiting for: the impossible", error.getMessage());
    }
}
