package io.twinegress.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ArrivalLogTest {

    @Test
    void entityNamesAreCaseInsensitiveAndKeepTheFirstSpelling() {
        ArrivalLog<String> log = new ArrivalLog<>();
        log.add("Orders", "a");
        log.add("orders", "b");
        assertEquals(List.of("a", "b"), log.list("ORDERS"));
        assertEquals(Map.of("Orders", 2), log.counts());
    }

    @Test
    void awaitCountWakesOnArrivalAndFailsWithTheCountAtTheDeadline() throws Exception {
        ArrivalLog<Integer> log = new ArrivalLog<>();
        CompletableFuture<List<Integer>> waiter = CompletableFuture.supplyAsync(
                () -> log.awaitCount("t", 3, Duration.ofSeconds(5)));
        log.addAll("t", List.of(1, 2));
        log.add("t", 3);
        assertEquals(List.of(1, 2, 3), waiter.get(5, TimeUnit.SECONDS));

        long t0 = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class, () -> log.awaitCount("t", 4, Duration.ofMillis(200)));
        assertTrue(e.getMessage().contains("got 3"), e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 190);
    }

    @Test
    void retentionKeepsTheNewestButCountsEverything() {
        ArrivalLog<Integer> log = new ArrivalLog<>(2);
        log.addAll("t", List.of(1, 2, 3));
        log.add("t", 4);
        assertEquals(List.of(3, 4), log.list("t"));
        assertEquals(4, log.count("t"));
        assertEquals(4, log.total());
        log.clear();
        assertEquals(0, log.count("t"));
    }
}
