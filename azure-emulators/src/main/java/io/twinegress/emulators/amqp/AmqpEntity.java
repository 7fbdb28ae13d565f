package io.twinegress.emulators.amqp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Service Bus topic (or queue) or an event hub the AMQP stand-in serves.
 *
 * @param name           entity name as declared (matched case-insensitively)
 * @param kind           Service Bus or Event Hubs
 * @param partitionCount Event Hubs partition count; 0 for Service Bus
 * @param maxMessageSize largest transfer accepted, in bytes, announced as the link's {@code max-message-size}
 * @param createdAt      reported by the Event Hubs management READ as {@code created_at}
 * @param duplicateDetectionWindow Service Bus duplicate detection: a message whose message id was accepted
 *                       within this window is accepted again but not recorded, as Azure does;
 *                       {@link Duration#ZERO} (the default) turns it off
 */
public record AmqpEntity(String name, Kind kind, int partitionCount, long maxMessageSize, Instant createdAt,
                         Duration duplicateDetectionWindow) {

    /** 256 KiB: Service Bus Standard's message limit. */
    public static final long SERVICE_BUS_STANDARD_MAX_MESSAGE_SIZE = 256 * 1024;
    /** 1 MiB: Event Hubs' publish limit (Standard and above). */
    public static final long EVENT_HUBS_MAX_MESSAGE_SIZE = 1024 * 1024;

    /** Which service an entity belongs to. */
    public enum Kind { SERVICE_BUS, EVENT_HUB }

    /** An entity without duplicate detection. */
    public AmqpEntity(String name, Kind kind, int partitionCount, long maxMessageSize, Instant createdAt) {
        this(name, kind, partitionCount, maxMessageSize, createdAt, Duration.ZERO);
    }

    public AmqpEntity {
        duplicateDetectionWindow = duplicateDetectionWindow == null ? Duration.ZERO : duplicateDetectionWindow;
        if (name == null || name.isBlank() || name.contains("/") || name.startsWith("$")) {
            throw new IllegalArgumentException("invalid entity name: '" + name + "'");
        }
        if (kind == Kind.EVENT_HUB && (partitionCount < 1 || partitionCount > 1024)) {
            throw new IllegalArgumentException("an event hub needs 1..1024 partitions, got " + partitionCount);
        }
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be positive");
        }
    }

    /** Partition ids "0".."n-1" (empty for Service Bus). */
    public List<String> partitionIds() {
        List<String> ids = new ArrayList<>(partitionCount);
        for (int i = 0; i < partitionCount; i++) {
            ids.add(Integer.toString(i));
        }
        return ids;
    }
}
