package io.twinegress.connect.core;

/**
 * What the delivery core does about a failure. Every failure maps to exactly one outcome,
 * decided in one place: {@link FailureClassifier}.
 */
public enum Outcome {
    /** The endpoint refused the key: switch to the other key at once and re-send. */
    UNAUTHORIZED,
    /** Unreachable, timed out, busy, throttled, 408/429/5xx: back off and retry the same records. */
    TRANSIENT,
    /**
     * The endpoint will never accept this record (too large, rejected as malformed): dead-letter
     * it with the reason and deliver the rest.
     */
    RECORD_REJECTED,
    /** Anything else (configuration, a bug): fail the task with the cause attached. */
    FATAL
}
