package io.twinegress.router.endpoints;

/**
 * Thrown out of the endpoint processor to have the endpoint record processed again: the egress
 * topic step failed in a way that may pass (a timeout, no controller), and nothing about the record
 * was decided or written. The router's processing exception handler answers it by failing the task:
 * under exactly_once_v2 its transaction is aborted and the record is read again from the last commit.
 * The message names the endpoint and the topic, never the record's content.
 */
public final class EndpointRecordRetryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EndpointRecordRetryException(String message, Throwable cause) {
        super(message, cause);
    }
}
