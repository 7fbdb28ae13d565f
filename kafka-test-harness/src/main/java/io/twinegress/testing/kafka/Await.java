package io.twinegress.testing.kafka;

import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * Waits on a condition with a deadline, through Awaitility, for the tests that still call it;
 * new tests use Awaitility ({@code await("what").atMost(deadline).until(...)}) directly. The
 * condition is polled every {@value #POLL_MILLIS} ms on the caller's thread (so a single-threaded
 * client may be used in it), and the wait fails with the caller's message once the deadline passes.
 *
 * <pre>{@code
 * import static io.twinegress.testing.kafka.Await.waitUntil;
 *
 * waitUntil(() -> counter.get() == 10, Duration.ofSeconds(30), "10 records delivered");
 * String state = Await.value(() -> Optional.ofNullable(lookup()), Duration.ofSeconds(5), "state set");
 * }</pre>
 */
public final class Await {

    static final long POLL_MILLIS = 50;

    private Await() {
    }

    /**
     * Polls {@code condition} until it is true.
     *
     * @throws AssertionError with "Timed out after {deadline} waiting for: {message}" when
     *         the deadline passes first; the condition's own exception propagates at once
     */
    public static void waitUntil(BooleanSupplier condition, Duration deadline, String message) {
        value(() -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), deadline, message);
    }

    /**
     * Polls {@code probe} until it returns a non-empty value, and returns that value.
     *
     * @throws AssertionError when the deadline passes first
     */
    public static <T> T value(Supplier<Optional<T>> probe, Duration deadline, String message) {
        return value(probe, deadline, () -> message);
    }

    /**
     * As {@link #value(Supplier, Duration, String)}, with a message computed on timeout (to
     * report the last state seen).
     */
    public static <T> T value(Supplier<Optional<T>> probe, Duration deadline, Supplier<String> message) {
        try {
            return await().atMost(deadline).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(POLL_MILLIS))
                    .until(probe::get, Optional::isPresent).orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Timed out after " + deadline + " waiting for: " + message.get());
        }
    }
}
