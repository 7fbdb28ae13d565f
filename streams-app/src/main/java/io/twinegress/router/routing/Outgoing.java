package io.twinegress.router.routing;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * A record on its way out: the bytes to write and the topic they go to (an egress topic or the
 * dead-letter topic). The serializer writes the bytes as they are, so a routed value is the
 * input value, byte for byte.
 */
public record Outgoing(String topic, byte[] value) {

    /** Picks each record's topic. */
    public static final TopicNameExtractor<byte[], Outgoing> TOPIC = (key, value, context) -> value.topic();

    /** Writes {@link #value()} untouched; never deserialized. */
    public static Serde<Outgoing> serde() {
        return Serdes.serdeFrom(
                (topic, outgoing) -> outgoing == null ? null : outgoing.value(),
                (topic, bytes) -> {
                    throw new UnsupportedOperationException("Outgoing records are never read back");
                });
    }
}
