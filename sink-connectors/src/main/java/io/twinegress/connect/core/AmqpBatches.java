package io.twinegress.connect.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.connect.sink.SinkRecord;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How both AMQP senders (Service Bus, Event Hubs) pack and send, the way the Azure SDK samples do:
 * per partition key, {@code tryAdd} into a batch of at most {@code batch.max.records} and
 * {@code batch.max.bytes}; a full batch is closed and the message that did not fit goes into a new
 * one; a message too large for an empty batch travels alone in a batch of the link's own maximum
 * size (probed once per sender) when it fits that, and is rejected with the reason otherwise.
 *
 * <p>Per partition key (the record key by default, or the {@link Route} a {@link Router} gives: a
 * partition key, or an Event Hubs partition id): a batch then never mixes keys (an Event Hubs batch has one by construction,
 * and a partitioned Service Bus entity takes one per batch). The batches of one key are sent one
 * after the other, in record order; up to {@link #KEYS_IN_FLIGHT} keys' batches are in flight at
 * once, so an endpoint keyed by device is not paced by one round trip per device. Otherwise (a
 * Service Bus entity that is not partitioned) the batches are filled in record order whatever the
 * keys, and sent one after the other: records with many distinct keys still travel in full batches.
 *
 * <p>Every wait on the SDK is bounded (see {@link AmqpEndpoint#operationTimeout}).
 *
 * @param <M> the SDK's message type
 * @param <B> the SDK's batch type
 */
public final class AmqpBatches<M, B> {

    /** Partition keys whose batches are in flight at once; each key still has one batch in flight at a time. */
    public static final int KEYS_IN_FLIGHT = 16;

    /**
     * Where in the entity a message goes: a partition key, or (Event Hubs) an explicit partition id,
     * or neither ({@link #NONE}). Messages of one route share batches and are sent in record order.
     */
    public record Route(String partitionKey, String partitionId) {
        public static final Route NONE = new Route(null, null);

        public Route {
            if (partitionKey != null && partitionId != null) {
                throw new IllegalArgumentException("a route has a partition key or a partition id, not both");
            }
        }

        /** The route of a partition key; {@link #NONE} for null. */
        public static Route key(String partitionKey) {
            return partitionKey == null ? NONE : new Route(partitionKey, null);
        }

        public static Route partitionId(String partitionId) {
            return new Route(null, partitionId);
        }
    }

    /** The route of a record's message; may refuse the record with the reason. */
    @FunctionalInterface
    public interface Router<M> {
        Route route(SinkRecord record, M message) throws RecordRejectedException;
    }

    /** The default route: the record key as partition key ({@link EventRecords#partitionKey}). */
    public static <M> Router<M> byRecordKey() {
        return (record, message) -> Route.key(EventRecords.partitionKey(record).orElse(null));
    }

    /** The SDK calls one target needs. */
    public interface Sdk<M, B> {
        /** A new batch for {@code partitionKey} (null: none) of at most {@code maxBytes}, or the link's own maximum when null. */
        Mono<B> createBatch(String partitionKey, Integer maxBytes);

        /** A new batch for {@code route}; by default for its partition key (a target with partition ids overrides it). */
        default Mono<B> createBatch(Route route, Integer maxBytes) {
            return createBatch(route.partitionKey(), maxBytes);
        }

        /** The SDK's own {@code tryAdd}: false when the message does not fit; may throw when it is larger than the batch. */
        boolean tryAdd(B batch, M message);

        int maxSizeInBytes(B batch);

        Mono<Void> send(B batch);

        /** The reason for a message too large for the link: its size and {@code linkMaxBytes}, never its content. */
        String tooLarge(M message, long linkMaxBytes);
    }

    /** Turns a record into the target's message, or refuses it with the reason. */
    @FunctionalInterface
    public interface ToMessage<M> {
        M convert(SinkRecord record) throws RecordRejectedException;
    }

    private final Sdk<M, B> sdk;
    private final int maxRecords;
    private final long maxBytes;
    private final boolean perPartitionKey;
    private final Duration operationTimeout;
    /** The link's own maximum batch size, probed with the first batch; -1 until then. */
    private long linkMaxBytes = -1;

    /** @param perPartitionKey whether a batch holds one partition key only (see the class comment) */
    public AmqpBatches(Sdk<M, B> sdk, DeliveryConfig config, boolean perPartitionKey) {
        this.sdk = sdk;
        this.perPartitionKey = perPartitionKey;
        this.maxRecords = config.batchMaxRecords();
        this.maxBytes = config.batchMaxBytes();
        this.operationTimeout = AmqpEndpoint.operationTimeout(config);
    }

    /**
     * Packs {@code records} (see the class comment), then sends the batches. Listener calls happen on
     * the calling thread: rejections while packing (when one answers false, nothing is sent), then,
     * after the sends, the batches the entity accepted in each key's order; then the first failure is
     * thrown, the others suppressed in it.
     */
    public void send(List<SinkRecord> records, ToMessage<M> toMessage, SendListener listener) {
        send(records, toMessage, byRecordKey(), listener);
    }

    /**
     * As {@link #send(List, ToMessage, SendListener)}, with each message's route (its partition key
     * or partition id) given by {@code router} instead of the record key; a record the router refuses
     * is rejected like one {@code toMessage} refuses.
     */
    public void send(List<SinkRecord> records, ToMessage<M> toMessage, Router<M> router, SendListener listener) {
        Map<Route, Chain> chains = new LinkedHashMap<>();
        for (SinkRecord record : records) {
            M message;
            Route route;
            try {
                message = toMessage.convert(record);
                route = perPartitionKey ? router.route(record, message) : Route.NONE;
            } catch (RecordRejectedException e) {
                if (listener.rejected(record, e.getMessage())) {
                    continue;
                }
                return;
            }
            Chain c = chains.computeIfAbsent(route, Chain::new);
            if (!c.add(message, record, listener)) {
                return;
            }
        }
        chains.values().forEach(Chain::close);
        sendAll(new ArrayList<>(chains.values()), listener);
    }

    private void sendAll(List<Chain> chains, SendListener listener) {
        chains.removeIf(c -> c.filled.isEmpty());
        int longest = chains.stream().mapToInt(c -> c.filled.size()).max().orElse(0);
        int rounds = (chains.size() + KEYS_IN_FLIGHT - 1) / KEYS_IN_FLIGHT;
        RuntimeException failure = null;
        try {
            // each batch waits at most one operation timeout: KEYS_IN_FLIGHT lanes take the chains in
            // turn, so all are sent within (rounds + 1) times the longest chain
            Flux.fromIterable(chains)
                .flatMap(this::sendChain, KEYS_IN_FLIGHT)
                .then()
                .block(operationTimeout.multipliedBy((long) Math.max(1, longest) * (rounds + 1)));
        } catch (RuntimeException e) {
            failure = e; // a timeout: what was accepted until now is still reported
        }
        for (Chain c : chains) {
            c.sent.forEach(f -> listener.delivered(f.records()));
            Throwable t = c.failure;
            if (t != null) {
                RuntimeException e = t instanceof RuntimeException re ? re : new IllegalStateException(t);
                if (failure == null) {
                    failure = e;
                } else if (failure != e) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private Mono<Void> sendChain(Chain chain) {
        return Flux.fromIterable(chain.filled)
            .concatMap(f -> sdk.send(f.batch()).then(Mono.fromRunnable(() -> chain.sent.add(f))))
            .then()
            .onErrorResume(e -> {
                chain.failure = Exceptions.unwrap(e);
                return Mono.empty();
            });
    }

    /**
     * Whether the message went into the batch. The SDK answers false when it does not fit what is
     * already there, and throws (size exceeded) when it is larger than the batch's whole size: both
     * mean "not in this batch"; the caller decides whether it is too large for any.
     */
    private boolean tryAdd(B batch, M message) {
        try {
            return sdk.tryAdd(batch, message);
        } catch (RuntimeException e) {
            if (FailureClassifier.classify(e).outcome() != Outcome.RECORD_REJECTED) {
                throw e;
            }
            return false;
        }
    }

    private B newBatch(Route route, long size) {
        if (linkMaxBytes < 0) {
            linkMaxBytes = sdk.maxSizeInBytes(block(sdk.createBatch(Route.NONE, null)));
        }
        return block(sdk.createBatch(route, size < linkMaxBytes ? Integer.valueOf((int) size) : null));
    }

    /** One SDK operation, waited for at most as long as it may take with its own retries. */
    private <T> T block(Mono<T> operation) {
        return operation.block(operationTimeout);
    }

    /** A filled batch and the records it carries. */
    private record Filled<B>(B batch, List<SinkRecord> records) {
    }

    /** One route's batches, in record order, the one being filled, and what the send achieved. */
    private final class Chain {
        final Route route;
        final List<Filled<B>> filled = new ArrayList<>();
        final List<Filled<B>> sent = new CopyOnWriteArrayList<>();
        volatile Throwable failure;
        private B batch;
        private List<SinkRecord> records = new ArrayList<>();

        Chain(Route route) {
            this.route = route;
        }

        /** Adds the message; false when it was rejected and the listener said to stop. */
        boolean add(M message, SinkRecord record, SendListener listener) {
            if (records.size() >= maxRecords) {
                close();
            }
            boolean added = tryAdd(batch(), message);
            if (!added && !records.isEmpty()) {
                close();
                added = tryAdd(batch(), message);
            }
            if (added) {
                records.add(record);
                return true;
            }
            return alone(message, record, listener);
        }

        /**
         * Too big for an empty batch of {@code batch.max.bytes}: alone, it may still fit the link's own
         * limit (then it travels in a batch of its own, in its key's order); otherwise it is rejected.
         */
        private boolean alone(M message, SinkRecord record, SendListener listener) {
            if (linkMaxBytes > maxBytes) {
                B single = newBatch(route, linkMaxBytes);
                if (tryAdd(single, message)) {
                    filled.add(new Filled<>(single, List.of(record)));
                    return true;
                }
            }
            return listener.rejected(record, sdk.tooLarge(message, Math.max(linkMaxBytes, 0)));
        }

        private B batch() {
            if (batch == null) {
                batch = newBatch(route, maxBytes);
            }
            return batch;
        }

        void close() {
            if (!records.isEmpty()) {
                filled.add(new Filled<>(batch, records));
                batch = null;
                records = new ArrayList<>();
            }
        }
    }

    /** Closes an SDK client whose connection may already have failed; never throws. */
    public static void closeQuietly(AutoCloseable client) {
        try {
            client.close();
        } catch (Exception ignored) {
            // closing a client whose connection already failed
        }
    }
}
