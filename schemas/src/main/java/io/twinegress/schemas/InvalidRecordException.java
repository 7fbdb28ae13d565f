package io.twinegress.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that breaks its contract. Says which field is wrong and why, in words an
 * operator can act on; never carries the record's bytes (they may hold secrets or
 * personal data) and never wraps a raw Jackson exception as its message.
 *
 * <p>Extends Kafka's {@link SerializationException} so a serde failure is handled by the
 * same paths as any other deserialization failure (e.g. Kafka Streams' handlers).
 */
public class InvalidRecordException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    /**
     * @param field  the offending field ({@code "$"} for the record as a whole)
     * @param reason what is wrong with it
     */
    public InvalidRecordException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    /** The offending field, or {@code "$"} for the record as a whole. */
    public String field() {
        return field;
    }

    /** What is wrong, without the field name. */
    public String reason() {
        return reason;
    }
}
