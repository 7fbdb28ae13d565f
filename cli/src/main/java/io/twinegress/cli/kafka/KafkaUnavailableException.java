package io.twinegress.cli.kafka;

/** The brokers did not answer in time, or a topic the CLI needs is missing or not fit for use (not compacted). Exit code 3. */
public final class KafkaUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
