package io.twinegress.schemas;

/** An event on an input topic that is not a valid event. */
public class InvalidEventException extends InvalidRecordException {

    private static final long serialVersionUID = 1L;

    public InvalidEventException(String field, String reason) {
        super(field, reason);
    }
}
