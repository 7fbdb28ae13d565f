package io.twinegress.router.health;

import java.util.SortedMap;
import org.apache.kafka.streams.KafkaStreams;

/** What the health endpoint reads from a router: the Kafka Streams state and the endpoint status table. */
public interface RouterView {

    KafkaStreams.State streamsState();

    /**
     * The router's endpoint status table as the routing side holds it: endpoint id to its latest
     * status record (JSON bytes), sorted by id.
     *
     * @throws TableUnavailableException when the table cannot be read now (not loaded yet, or stopped)
     */
    SortedMap<String, byte[]> statusTable();

    /** The endpoint status table cannot be read now; the message says why. */
    final class TableUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TableUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
