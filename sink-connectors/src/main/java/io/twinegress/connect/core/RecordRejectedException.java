package io.twinegress.connect.core;

/**
 * This one record can never be delivered (for example a value of an unsupported type, or a raw
 * device message on an endpoint that takes only events). A sender throws it from its
 * record-to-message conversion; {@link FailureClassifier} maps it to
 * {@link Outcome#RECORD_REJECTED}, so the record is dead-lettered with this message as the
 * reason. The message must name the problem, never the payload.
 */
public class RecordRejectedException extends RuntimeException {

    public RecordRejectedException(String reason) {
        super(reason);
    }

    public RecordRejectedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
