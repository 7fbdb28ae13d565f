package io.twinegress.connect.core;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * The error handed to Connect's errant-record reporter with a dead-lettered record. With
 * {@code errors.deadletterqueue.context.headers.enable=true} its message (the reason) lands in the
 * dead-letter record's {@code __connect.errors.exception.message} header.
 */
public class UndeliverableRecordException extends ConnectException {

    public UndeliverableRecordException(String reason) {
        super(reason);
    }
}
