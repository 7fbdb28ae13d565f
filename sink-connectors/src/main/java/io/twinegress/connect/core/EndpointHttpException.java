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

    public EndpointHttpException(int status, String serviceMessage, Optional<Duration> retryAfter) {
        super("HTTP " + status + (serviceMessage == null || serviceMessage.isBlank() ? "" : ": " + serviceMessage));
        this.status = status;
        this.retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
    }

    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
