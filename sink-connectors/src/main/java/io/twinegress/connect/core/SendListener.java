package io.twinegress.connect.core;

import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/** How an {@link EndpointSender} reports progress to the delivery core. See its contract. */
public interface SendListener {

    /** The endpoint accepted one request carrying exactly these records. */
    void delivered(List<SinkRecord> batch);

    /**
     * This record can never be delivered; {@code reason} says why (never the payload or a key).
     * The core dead-letters it and answers true: go on with the records after it. With no
     * dead-letter topic configured the core holds it and answers false: the sender returns at once,
     * sending nothing more in this call (what follows the held record waits behind it).
     */
    boolean rejected(SinkRecord record, String reason);
}
