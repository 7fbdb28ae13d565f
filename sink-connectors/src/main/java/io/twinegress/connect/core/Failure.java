package io.twinegress.connect.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A classified failure: its {@link Outcome}, a short human reason (safe to log: it never holds a
 * key or a payload), and, for a throttled endpoint, how long it asked us to wait.
 *
 * @param outcome    what to do about it
 * @param reason     short description, e.g. {@code "SERVICE_BUSY: namespace is throttled"}
 * @param retryAfter the endpoint's own wait hint ({@code Retry-After}), if any; the backoff
 *                   never waits less than this, and never more than its cap
 * @param cause      the original exception, kept for {@link Outcome#FATAL} task failures
 */
public record Failure(Outcome outcome, String reason, Optional<Duration> retryAfter, Throwable cause) {

    public Failure {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public static Failure of(Outcome outcome, String reason, Throwable cause) {
        return new Failure(outcome, reason, Optional.empty(), cause);
    }
}
