package io.twinegress.emulators.amqp;

import io.twinegress.emulators.ArrivalLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;

/**
 * Takes the transfers sent on entity links and rejects them as the service does, in this order: throttled
 * (server-busy); the Entra ID token that authorized the link expired and was not renewed
 * ({@code amqp:unauthorized-access}); over the entity's maximum size; Service Bus only: a message's header
 * (properties and application properties) over 64 KiB ({@code amqp:link:message-size-exceeded}), one
 * application property over 32 KiB (an unnamed error the SDK retries: {@code amqp:internal-error}), a
 * message without a session id on a session-enabled queue, a batch mixing partition keys or session ids on
 * a partitioned entity (both {@code amqp:not-allowed}); a message id set to be refused. Otherwise it unpacks
 * a batch into its messages, drops Service Bus duplicates, records the rest and accepts the transfer, after
 * the response delay. Reactor thread only.
 */
final class EntityReceiver {

    private static final Symbol SERVER_BUSY = Symbol.getSymbol("com.microsoft:server-busy");
    private static final Symbol MESSAGE_SIZE_EXCEEDED = Symbol.getSymbol("amqp:link:message-size-exceeded");
    private static final Symbol UNAUTHORIZED = Symbol.getSymbol("amqp:unauthorized-access");
    private static final Symbol NOT_ALLOWED = Symbol.getSymbol("amqp:not-allowed");
    private static final Symbol INTERNAL_ERROR = Symbol.getSymbol("amqp:internal-error");
    /** Service Bus's limit on a message's header: system and application properties together. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /** Service Bus's limit on one application property. */
    static final int MAX_PROPERTY_BYTES = 32 * 1024;

    private final ReactorThread reactorThread;
    private final BooleanSupplier throttled;
    private final ArrivalLog<ReceivedMessage> log;
    private final AmqpCounters counters;
    private final Connections connections;
    private final AmqpCodec codec = new AmqpCodec();
    private final Map<String, AtomicInteger> roundRobin = new HashMap<>();
    private final Map<String, Map<String, Instant>> seenMessageIds = new HashMap<>();
    /** Message id → the error a transfer carrying it is rejected with ({@link AmqpEmulator#rejectMessageId}). */
    private final Map<String, ErrorCondition> rejectedMessageIds = new ConcurrentHashMap<>();
    private long transferIds;
    /** Test hook for the stand-in's own tests: runs at the start of every transfer. */
    volatile Runnable deliveryHook;

    /** @param throttled asked once per transfer: whether to reject it as server-busy */
    EntityReceiver(ReactorThread reactorThread, BooleanSupplier throttled, ArrivalLog<ReceivedMessage> log,
                   AmqpCounters counters, Connections connections) {
        this.connections = connections;
        this.reactorThread = reactorThread;
        this.throttled = throttled;
        this.log = log;
        this.counters = counters;
    }

    void transfer(Delivery d, LinkRole role, byte[] bytes, int format) {
        Runnable hook = deliveryHook;
        if (hook != null) {
            hook.run();
        }
        AmqpEntity entity = role.entity();
        if (throttled.getAsBoolean()) {
            counters.add(AmqpCounters.Counter.TRANSFERS_THROTTLED);
            reject(d, SERVER_BUSY, "The request was terminated because the entity is being throttled. "
                    + "Error code : 50009. Please wait 2 seconds and try again.");
            return;
        }
        ClientConnection st = connections.get(d.getLink().getSession().getConnection());
        ClientConnection.Grant grant = st == null ? role.grant() : st.covering(role.grant().path());
        if (grant != null && grant.isToken() && !grant.expiresAt().isAfter(Instant.now())) {
            reject(d, UNAUTHORIZED, "ExpiredToken: the token authorizing sends to '" + entity.name()
                    + "' expired at " + grant.expiresAt() + "; put a new token on $cbs.");
            return;
        }
        if (bytes.length > entity.maxMessageSize()) {
            reject(d, MESSAGE_SIZE_EXCEEDED, "The received message (size " + bytes.length + " bytes) exceeds the "
                    + "limit (" + entity.maxMessageSize() + " bytes) of '" + entity.name() + "'.");
            return;
        }
        List<AmqpCodec.Sections> parts = codec.unpack(bytes, format);
        if (entity.kind() == AmqpEntity.Kind.SERVICE_BUS && refusedByServiceBus(d, entity, parts)) {
            return;
        }
        for (AmqpCodec.Sections part : parts) {
            ErrorCondition refusal = part.properties == null ? null
                    : rejectedMessageIds.get(String.valueOf(AmqpCodec.idString(part.properties.getMessageId())));
            if (refusal != null) {
                // The service refuses the whole transfer (a batch) for one message it cannot take.
                reject(d, refusal.getCondition(), refusal.getDescription());
                return;
            }
        }
        long transferId = ++transferIds;
        reactorThread.later(() -> {
            Instant now = Instant.now();
            List<ReceivedMessage> messages = new ArrayList<>(parts.size());
            for (AmqpCodec.Sections s : parts) {
                ReceivedMessage m = toReceived(entity, role, s, now, transferId, parts.size(), st != null && st.tls);
                if (isDuplicate(entity, m.messageId(), now)) {
                    counters.add(AmqpCounters.Counter.DUPLICATES_DROPPED);
                } else {
                    messages.add(m);
                }
            }
            log.addAll(entity.name(), messages);
            counters.add(AmqpCounters.Counter.TRANSFERS_ACCEPTED);
            settle(d, Accepted.getInstance());
        });
    }

    /** Service Bus's own refusals of a transfer; true when it rejected {@code d}. */
    private boolean refusedByServiceBus(Delivery d, AmqpEntity entity, List<AmqpCodec.Sections> parts) {
        Set<String> keys = new HashSet<>();
        for (AmqpCodec.Sections s : parts) {
            if (s.headerBytes > MAX_HEADER_BYTES) {
                reject(d, MESSAGE_SIZE_EXCEEDED, "A serialization error occurred while processing the message header "
                        + "stream. The size quota for this stream (" + MAX_HEADER_BYTES + ") has been exceeded ("
                        + s.headerBytes + " bytes of properties).");
                return true;
            }
            if (s.largestPropertyBytes > MAX_PROPERTY_BYTES) {
                reject(d, INTERNAL_ERROR, "The service was unable to process the request; please retry the "
                        + "operation. (An application property of " + s.largestPropertyBytes + " bytes exceeds "
                        + MAX_PROPERTY_BYTES + ".)");
                return true;
            }
            String sessionId = s.properties == null ? null : s.properties.getGroupId();
            if (entity.requiresSession() && entity.queue() && (sessionId == null || sessionId.isEmpty())) {
                reject(d, NOT_ALLOWED, "The SessionId was not set on a message, and it cannot be sent to the entity. "
                        + "Entities that have session support enabled can only receive messages that have the "
                        + "SessionId set to a valid value.");
                return true;
            }
            keys.add(partitionKeyOf(s) + "|" + sessionId);
        }
        if (entity.partitioned() && parts.size() > 1 && keys.size() > 1) {
            reject(d, NOT_ALLOWED, "Batching brokered messages with distinct SessionId or PartitionKey is not "
                    + "supported for an entity with partitioning enabled: all messages of one send must share them ("
                    + keys.size() + " distinct in this batch).");
            return true;
        }
        return false;
    }

    private static String partitionKeyOf(AmqpCodec.Sections s) {
        Object pk = s.messageAnnotations == null ? null
                : AmqpCodec.plainMap(s.messageAnnotations.getValue()).get(AmqpCodec.PARTITION_KEY);
        return pk == null ? null : pk.toString();
    }

    /** From any thread: every later transfer carrying {@code messageId} is rejected with {@code condition}. */
    void rejectMessageId(String messageId, Symbol condition, String description) {
        rejectedMessageIds.put(messageId, new ErrorCondition(condition, description));
    }

    private void reject(Delivery d, Symbol condition, String description) {
        Rejected rejected = new Rejected();
        rejected.setError(new ErrorCondition(condition, description));
        reactorThread.later(() -> settle(d, rejected));
    }

    /** Service Bus duplicate detection: remembers message ids for the entity's window. */
    private boolean isDuplicate(AmqpEntity entity, String messageId, Instant now) {
        Duration window = entity.duplicateDetectionWindow();
        if (messageId == null || window.isZero() || window.isNegative()) {
            return false;
        }
        Map<String, Instant> seen = seenMessageIds.computeIfAbsent(entity.name().toLowerCase(Locale.ROOT),
                n -> new LinkedHashMap<>());
        Instant horizon = now.minus(window);
        seen.values().removeIf(t -> t.isBefore(horizon));
        return seen.putIfAbsent(messageId, now) != null;
    }

    private static void settle(Delivery d, DeliveryState state) {
        if (d.isSettled()) {
            return;
        }
        if (!d.remotelySettled()) {
            d.disposition(state);
        }
        d.settle();
    }

    private ReceivedMessage toReceived(AmqpEntity entity, LinkRole role, AmqpCodec.Sections s, Instant now,
                                       long transferId, int transferSize, boolean overTls) {
        Map<String, Object> annotations = s.messageAnnotations == null
                ? Map.of() : AmqpCodec.plainMap(s.messageAnnotations.getValue());
        Object pk = annotations.get(AmqpCodec.PARTITION_KEY);
        String partitionKey = pk == null ? null : pk.toString();
        var p = s.properties;
        Duration ttl = s.header == null || s.header.getTtl() == null ? null
                : Duration.ofMillis(s.header.getTtl().longValue());
        Instant expiresAt = p != null && p.getAbsoluteExpiryTime() != null ? p.getAbsoluteExpiryTime().toInstant()
                : ttl == null ? null : now.plus(ttl);
        Object scheduled = annotations.get(AmqpCodec.SCHEDULED_ENQUEUE_TIME);
        String sessionId = p == null ? null : p.getGroupId();
        String deadLetter = entity.kind() == AmqpEntity.Kind.SERVICE_BUS && entity.requiresSession() && !entity.queue()
                && (sessionId == null || sessionId.isEmpty()) ? "Session id is null." : null;
        ClientConnection.Grant grant = role.grant();
        return new ReceivedMessage(
                entity.name(),
                partitionId(entity, role.partitionId(), partitionKey),
                partitionKey,
                p == null ? null : AmqpCodec.idString(p.getMessageId()),
                p == null ? null : AmqpCodec.idString(p.getCorrelationId()),
                p == null || p.getContentType() == null ? null : p.getContentType().toString(),
                p == null ? null : p.getSubject(),
                s.applicationProperties == null
                        ? Map.of() : Collections.unmodifiableMap(AmqpCodec.plainMap(s.applicationProperties.getValue())),
                Collections.unmodifiableMap(new LinkedHashMap<>(annotations)),
                s.body(),
                now,
                transferId,
                transferSize,
                grant == null ? null : grant.keyName(),
                grant == null ? null : grant.fingerprint(),
                grant == null ? null : grant.principal(),
                sessionId,
                p == null ? null : p.getReplyTo(),
                p == null ? null : p.getReplyToGroupId(),
                p == null ? null : p.getTo(),
                ttl,
                expiresAt,
                scheduled instanceof Instant i ? i : null,
                deadLetter,
                overTls,
                s.encoded);
    }

    /**
     * Event Hubs: the partition the link names, else one derived from the partition key (not Azure's
     * hash), else round-robin. Null for Service Bus.
     */
    private String partitionId(AmqpEntity entity, String linkPartition, String partitionKey) {
        if (entity.kind() != AmqpEntity.Kind.EVENT_HUB) {
            return null;
        }
        if (linkPartition != null) {
            return linkPartition;
        }
        if (partitionKey != null) {
            return Integer.toString(Math.floorMod(partitionKey.hashCode(), entity.partitionCount()));
        }
        int next = roundRobin.computeIfAbsent(entity.name(), n -> new AtomicInteger()).getAndIncrement();
        return Integer.toString(Math.floorMod(next, entity.partitionCount()));
    }
}
