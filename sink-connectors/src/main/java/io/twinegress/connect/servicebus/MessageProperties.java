package io.twinegress.connect.servicebus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Record headers as Service Bus application properties, within Service Bus's limits: at most
 * {@value #MAX_PROPERTY_BYTES} bytes per property and {@value #MAX_HEADER_BYTES} bytes for the
 * message's whole header, its system properties (MessageId, subject, content type, partition key)
 * included. The service refuses a message past them, which would refuse a record for its headers
 * alone; so headers are taken in record order while they fit, and any that does not is left out.
 */
final class MessageProperties {

    static final int MAX_PROPERTY_BYTES = 32 * 1024;
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /** Room kept for the system properties (ids and key of at most 128 characters, subject, content type) and encoding. */
    static final int SYSTEM_PROPERTIES_BYTES = 2 * 1024;
    /** AMQP encoding of one string-to-string map entry, beyond the bytes of its two strings. */
    static final int ENTRY_OVERHEAD_BYTES = 10;

    private MessageProperties() {
    }

    /**
     * Copies {@code headers} into {@code properties}, in order, leaving out each one that is over the
     * per-property limit or no longer fits the header.
     *
     * @return the names left out (empty when everything fitted)
     */
    static List<String> copyWithinLimits(Map<String, String> headers, Map<String, Object> properties) {
        return copyWithinLimits(headers, properties, MAX_HEADER_BYTES - SYSTEM_PROPERTIES_BYTES);
    }

    /** As {@link #copyWithinLimits(Map, Map)}, within {@code budget} bytes (what the rest of the header left). */
    static List<String> copyWithinLimits(Map<String, String> headers, Map<String, Object> properties, long budget) {
        List<String> left = new ArrayList<>(0);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            long size = entryBytes(h.getKey(), h.getValue());
            if (size > MAX_PROPERTY_BYTES || size > budget) {
                left.add(h.getKey());
                continue;
            }
            budget -= size;
            properties.put(h.getKey(), h.getValue());
        }
        return left;
    }

    /** What one name and string value take in the header. */
    static long entryBytes(String name, String value) {
        return name.getBytes(StandardCharsets.UTF_8).length + (long) value.getBytes(StandardCharsets.UTF_8).length
            + ENTRY_OVERHEAD_BYTES;
    }

    /** What the properties already set take (string values; others counted by their text). */
    static long bytes(Map<String, Object> properties) {
        long total = 0;
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            total += entryBytes(e.getKey(), String.valueOf(e.getValue()));
        }
        return total;
    }
}
