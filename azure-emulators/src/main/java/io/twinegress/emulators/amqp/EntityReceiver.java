package io.twinegress.emulators.amqp;

import io.twinegress.emulators.ArrivalLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * Takes the transfers sent on entity links: rejects them when throttled (server-busy) or over the
 * entity's maximum size, else unpacks a batch into its messages, drops Service Bus duplicates, records
 * the rest and accepts the transfer, after the response delay. Reactor thread only.
 */
final class EntityReceiver {

    private static final Symbol SERVER_BUSY = Symbol.getSymbol("com.microsoft:server-busy");
    private static final Symbol MESSAGE_SIZE_EXCEEDED = Symbol.getSymbol("amqp:link:message-size-exceeded");

    private final ReactorThread reactorThread;
    private final BooleanSupplier throttled;
    private final ArrivalLog<ReceivedMessage> log;
    private final AmqpCounters counters;
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
                   AmqpCounters counters) {
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
        if (bytes.length > entity.maxMessageSize()) {
            reject(d, MESSAGE_SIZE_EXCEEDED, "The received message (size " + bytes.length + " bytes) exceeds the "
                    + "limit (" + entity.maxMessageSize() + " bytes) of '" + entity.name() + "'.");
            return;
        }
        List<AmqpCodec.Sections> parts = codec.unpack(bytes, format);
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
                ReceivedMessage m = toReceived(entity, role, s, now, transferId, parts.size());
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
                                       long transferId, int transferSize) {
        Map<String, Object> annotations = s.messageAnnotations == null
                ? Map.of() : AmqpCodec.plainMap(s.messageAnnotations.getValue());
        Object pk = annotations.get(AmqpCodec.PARTITION_KEY);
        String partitionKey = pk == null ? null : pk.toString();
        var p = s.properties;
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
                role.grant() == null ? null : role.grant().keyName(),
                role.grant() == null ? null : role.grant().fingerprint());
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
