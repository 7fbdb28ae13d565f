package io.twinegress.connect.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter, capped, on an injected {@link Clock}. It never sleeps: it
 * answers "how long until the next attempt", and the delivery core hands that to Connect through
 * {@code context.timeout(ms)} while the task's partitions are paused.
 *
 * <p>Attempt {@code n} (1-based) waits {@code min(cap, initial · 2^(n-1)) · (1 - jitter · r)},
 * {@code r} uniform in [0, 1), and never less than the endpoint's own {@code Retry-After} (itself
 * capped).
 */
public final class Backoff {

    private final Duration initial;
    private final Duration cap;
    private final double jitter;
    private final Clock clock;
    private final DoubleSupplier random;

    private int attempts;
    private Instant since;
    private Instant nextAttemptAt;

    public Backoff(Duration initial, Duration cap, double jitter, Clock clock, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0 || jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= cap and 0 <= jitter <= 1");
        }
        this.initial = initial;
        this.cap = cap;
        this.jitter = jitter;
        this.clock = clock;
        this.random = random;
    }

    /** The delay before attempt {@code attempt} (1-based), jitter applied. */
    public Duration delay(int attempt) {
        long capMs = cap.toMillis();
        long exp = initial.toMillis();
        for (int i = 1; i < attempt && exp < capMs; i++) {
            exp = Math.min(capMs, exp * 2);
        }
        double factor = 1.0 - jitter * random.getAsDouble();
        return Duration.ofMillis(Math.max(1, Math.round(exp * factor)));
    }

    /**
     * Starts or continues backing off: counts an attempt and returns the wait before the next.
     *
     * @param atLeast the endpoint's wait hint, honoured up to the cap
     */
    public Duration next(Optional<Duration> atLeast) {
        Instant now = clock.instant();
        if (attempts == 0) {
            since = now;
        }
        attempts++;
        Duration d = delay(attempts);
        if (atLeast.isPresent() && atLeast.get().compareTo(d) > 0) {
            d = atLeast.get().compareTo(cap) > 0 ? cap : atLeast.get();
        }
        nextAttemptAt = now.plus(d);
        return d;
    }

    /** Whether a failure is being backed off (from the first failure until {@link #reset()}). */
    public boolean active() {
        return attempts > 0;
    }

    /** Time left before the next attempt is due; zero when due or not backing off. */
    public Duration remaining() {
        if (nextAttemptAt == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), nextAttemptAt);
        return left.isNegative() ? Duration.ZERO : left;
    }

    public int attempts() {
        return attempts;
    }

    /** Time since the first failure of the current backoff; zero when not backing off. */
    public Duration elapsed() {
        return since == null ? Duration.ZERO : Duration.between(since, clock.instant());
    }

    /** The endpoint worked again: returns how long the backoff lasted. */
    public Duration reset() {
        Duration lasted = elapsed();
        attempts = 0;
        since = null;
        nextAttemptAt = null;
        return lasted;
    }
}
