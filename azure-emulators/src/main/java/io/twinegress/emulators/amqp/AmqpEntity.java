package io.twinegress.emulators.amqp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Service Bus topic or queue, or an event hub, the AMQP stand-in serves.
 *
 * @param name           entity name as declared (matched case-insensitively)
 * @param kind           Service Bus or Event Hubs
 * @param partitionCount Event Hubs partition count; 0 for Service Bus
 * @param maxMessageSize largest transfer accepted, in bytes, announced as the link's {@code max-message-size}
 * @param createdAt      reported by the Event Hubs management READ as {@code created_at}
 * @param duplicateDetectionWindow Service Bus duplicate detection: a message whose message id was accepted
 *                       within this window is accepted again but not recorded, as Azure does;
 *                       {@link Duration#ZERO} (the default) turns it off
 * @param queue          Service Bus: a queue (true) or a topic (false)
 * @param requiresSession Service Bus: session-enabled. A queue refuses a message without a session id
 *                       ({@code amqp:not-allowed}, as the service does); for a topic it means its
 *                       subscriptions require sessions: the service accepts the message and dead-letters it
 *                       there ("Session id is null."), which the stand-in records on the message
 * @param partitioned    Service Bus: partitioning on; a batch whose messages carry different partition keys
 *                       (or session ids) is refused ({@code amqp:not-allowed})
 */
public record AmqpEntity(String name, Kind kind, int partitionCount, long maxMessageSize, Instant createdAt,
                         Duration duplicateDetectionWindow, boolean queue, boolean requiresSession,
                         boolean partitioned) {

    /** 256 KiB: Service Bus Standard's message limit. */
    public static final long SERVICE_BUS_STANDARD_MAX_MESSAGE_SIZE = 256 * 1024;
    /** 1 MiB: Event Hubs' publish limit (Standard and above). */
    public static final long EVENT_HUBS_MAX_MESSAGE_SIZE = 1024 * 1024;

    /** Which service an entity belongs to. */
    public enum Kind { SERVICE_BUS, EVENT_HUB }

    /** A Service Bus topic, or an event hub, without duplicate detection. */
    public AmqpEntity(String name, Kind kind, int partitionCount, long maxMessageSize, Instant createdAt) {
        this(name, kind, partitionCount, maxMessageSize, createdAt, Duration.ZERO);
    }

    /** A Service Bus topic, or an event hub. */
    public AmqpEntity(String name, Kind kind, int partitionCount, long maxMessageSize, Instant createdAt,
                      Duration duplicateDetectionWindow) {
        this(name, kind, partitionCount, maxMessageSize, createdAt, duplicateDetectionWindow, false, false, false);
    }

    public AmqpEntity {
        duplicateDetectionWindow = duplicateDetectionWindow == null ? Duration.ZERO : duplicateDetectionWindow;
        if (name == null || name.isBlank() || name.contains("/") || name.startsWith("$")) {
            throw new IllegalArgumentException("invalid entity name: '" + name + "'");
        }
        if (kind == Kind.EVENT_HUB && (partitionCount < 1 || partitionCount > 1024)) {
            throw new IllegalArgumentException("an event hub needs 1..1024 partitions, got " + partitionCount);
        }
        if (kind == Kind.EVENT_HUB && (queue || requiresSession || partitioned)) {
            throw new IllegalArgumentException("queues, sessions and partitioning are Service Bus options");
        }
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be positive");
        }
    }

    /** A Service Bus topic with Standard's message limit. */
    public static AmqpEntity serviceBusTopic(String name) {
        return new AmqpEntity(name, Kind.SERVICE_BUS, 0, SERVICE_BUS_STANDARD_MAX_MESSAGE_SIZE, Instant.now());
    }

    /** A Service Bus queue with Standard's message limit. */
    public static AmqpEntity serviceBusQueue(String name) {
        return serviceBusTopic(name).asQueue();
    }

    /** An event hub with the 1 MiB publish limit. */
    public static AmqpEntity eventHub(String name, int partitions) {
        return new AmqpEntity(name, Kind.EVENT_HUB, partitions, EVENT_HUBS_MAX_MESSAGE_SIZE, Instant.now());
    }

    /** This Service Bus entity as a queue. */
    public AmqpEntity asQueue() {
        return new AmqpEntity(name, kind, partitionCount, maxMessageSize, createdAt, duplicateDetectionWindow, true,
                requiresSession, partitioned);
    }

    /** This Service Bus entity, session-enabled. */
    public AmqpEntity withSessions() {
        return new AmqpEntity(name, kind, partitionCount, maxMessageSize, createdAt, duplicateDetectionWindow, queue,
                true, partitioned);
    }

    /** This Service Bus entity, partitioned. */
    public AmqpEntity withPartitioning() {
        return new AmqpEntity(name, kind, partitionCount, maxMessageSize, createdAt, duplicateDetectionWindow, queue,
                requiresSession, true);
    }

    /** This Service Bus entity with duplicate detection over {@code window}. */
    public AmqpEntity withDuplicateDetection(Duration window) {
        return new AmqpEntity(name, kind, partitionCount, maxMessageSize, createdAt, window, queue, requiresSession,
                partitioned);
    }

    /** This entity with its own max message size in bytes. */
    public AmqpEntity withMaxMessageSize(long bytes) {
        return new AmqpEntity(name, kind, partitionCount, bytes, createdAt, duplicateDetectionWindow, queue,
                requiresSession, partitioned);
    }

    /** {@code topic}, {@code queue} or {@code eventhub}. */
    public String type() {
        return kind == Kind.EVENT_HUB ? "eventhub" : queue ? "queue" : "topic";
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
