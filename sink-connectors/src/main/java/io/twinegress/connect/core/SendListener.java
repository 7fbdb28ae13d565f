package io.twinegress.connect.core;

import org.apache.kafka.connect.sink.SinkRecord;

import java.util.List;

/** How an {@link EndpointSender} reports progress to the delivery core. See its contract. */
public interface SendListener {

    /** The endpoint accepted one request carrying exactly these records. */
    void delivered(List<SinkRecord> batch);

    /**
     * This record can never be delivered; {@code reason} says why (never the payload or a key).
     * The core dead-letters it, or, with no dead-letter topic configured, throws to stop the send
     * and hold it.
     */
    void rejected(SinkRecord record, String reason);
}
