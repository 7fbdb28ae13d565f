package io.twinegress.connect.core;

import java.time.Duration;
import java.util.Optional;

/**
 * An HTTP endpoint answered with a non-success status. For senders built on a plain HTTP client
 * (no Azure SDK): throw this, and {@link FailureClassifier} maps the status to an
 * {@link Outcome} like it does for the SDK's {@code HttpResponseException}.
 *
 * <p>The message holds the status and the service's short error text; never the request, its
 * headers (they carry the key) or its body.
 */
public class EndpointHttpException extends RuntimeException {

    private final int status;
    private final transient Optional<Duration> retryAfter;
    private final boolean requestRefused;

    public EndpointHttpException(int status, String serviceMessage, Optional<Duration> retryAfter) {
        this(status, serviceMessage, retryAfter, false);
    }

    private EndpointHttpException(int status, String serviceMessage, Optional<Duration> retryAfter, boolean requestRefused) {
        super("HTTP " + status + (serviceMessage == null || serviceMessage.isBlank() ? "" : ": " + serviceMessage));
        this.status = status;
        this.retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
        this.requestRefused = requestRefused;
    }

    /**
     * The endpoint refused the request itself, not a record in it (a 400 that names no record, for a
     * request of one record): {@link FailureClassifier} makes it {@link Outcome#FATAL}, so the task
     * fails with the service's message instead of dead-lettering a record that is not at fault.
     */
    public static EndpointHttpException requestRefused(int status, String serviceMessage) {
        return new EndpointHttpException(status, serviceMessage, Optional.empty(), true);
    }

    /** See {@link #requestRefused}. */
    public boolean isRequestRefused() {
        return requestRefused;
    }

    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
