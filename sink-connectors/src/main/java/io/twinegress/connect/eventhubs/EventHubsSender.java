package io.twinegress.connect.eventhubs;

import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerAsyncClient;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import io.twinegress.connect.core.AmqpEndpoint;
import io.twinegress.connect.core.ConnectionString;
import io.twinegress.connect.core.EndpointSender;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.FailureClassifier;
import io.twinegress.connect.core.Outcome;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.connect.core.SendListener;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.sink.SinkRecord;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Sends records to one event hub with one key, the way the SDK's own samples do: one producer
 * client; per partition key an {@link EventDataBatch} created with
 * {@code CreateBatchOptions.setPartitionKey}, filled with {@code tryAdd}; a full batch is closed and
 * the event that did not fit goes into a new one; an event too big for an empty batch is rejected
 * (dead-lettered with the reason). The batches of one key are sent one after the other; several
 * keys' batches are in flight at once (the asynchronous client), so an endpoint keyed by device
 * is not paced by one round trip per device.
 *
 * <p>A record becomes an event with: body = the value bytes exactly as they arrived (event JSON, or
 * raw device telemetry, never parsed or re-encoded); content type {@code application/json} for
 * events, none for device messages; partition key = the record key as a string (none for a null or
 * empty key; {@code sha256-<hex>} of it past 128 characters); properties = the record headers as strings.
 *
 * <p>Order: events with the same partition key are sent in record order, which is the order Event
 * Hubs keeps (per partition). Events with different keys travel in different batches and may be
 * accepted in another order than they were consumed; that does not touch delivery: the core
 * commits only past records the endpoint accepted, and re-sends the rest after a failure.
 */
public final class EventHubsSender implements EndpointSender {

    public static final String CONTENT_TYPE = "application/json";

    /** Partition keys whose batches are in flight at once; each key still has one batch in flight at a time. */
    static final int KEYS_IN_FLIGHT = 16;

    private final EventHubProducerAsyncClient client;
    /** The longest one SDK operation may take with its own retries: every {@code block()} waits this long at most. */
    private final Duration operationTimeout;
    private final boolean deviceMessages;
    private final int maxRecords;
    private final long maxBytes;
    private long linkMaxBytes = -1;

    public EventHubsSender(EventHubsSinkConfig config, Password connectionString) {
        EventHubClientBuilder builder = new EventHubClientBuilder().retryOptions(AmqpEndpoint.retryOptions(config));
        if (ConnectionString.parse(connectionString).entityPath().isPresent()) {
            builder.connectionString(connectionString.value()); // validate() checked it names the same hub as path
        } else {
            builder.connectionString(connectionString.value(), config.eventHubName());
        }
        this.client = builder.buildAsyncProducerClient();
        this.operationTimeout = AmqpEndpoint.operationTimeout(config);
        this.deviceMessages = config.deviceMessages();
        this.maxRecords = config.batchMaxRecords();
        this.maxBytes = config.batchMaxBytes();
    }

    /** A filled batch and the records it carries. */
    private record Filled(EventDataBatch batch, List<SinkRecord> records) {
    }

    /** One partition key's batches, in record order, and the one being filled. */
    private final class Chain {
        final String partitionKey;
        final List<Filled> filled = new ArrayList<>();
        private EventDataBatch batch;
        List<SinkRecord> records = new ArrayList<>();

        Chain(String partitionKey) {
            this.partitionKey = partitionKey;
        }

        /** The batch being filled, created when first needed. */
        EventDataBatch batch() {
            if (batch == null) {
                batch = newBatch(partitionKey, maxBytes);
            }
            return batch;
        }

        void close() {
            if (!records.isEmpty()) {
                filled.add(new Filled(batch, records));
                batch = null;
                records = new ArrayList<>();
            }
        }
    }

    /** What one key's chain achieved: the batches the hub accepted, in order, and the failure that stopped it. */
    private record ChainResult(List<Filled> sent, Throwable failure) {
    }

    /**
     * Fills the batches on the task thread, then sends them: the batches of one partition key one
     * after the other (a key's next batch only once the hub accepted the previous one), up to
     * {@link #KEYS_IN_FLIGHT} keys at once, so an endpoint with many keys (one per device) is not
     * paced by one round trip per key. Listener calls happen on the calling thread, after the sends.
     */
    @Override
    public void send(List<SinkRecord> records, SendListener listener) {
        Map<String, Chain> chains = new LinkedHashMap<>();
        for (SinkRecord record : records) {
            EventData event;
            try {
                event = toEvent(record, deviceMessages);
            } catch (RecordRejectedException e) {
                listener.rejected(record, e.getMessage());
                continue;
            }
            String key = partitionKey(record);
            Chain c = chains.get(key);
            if (c == null) {
                c = new Chain(key);
                chains.put(key, c);
            }
            if (c.records.size() >= maxRecords) {
                c.close();
            }
            boolean added = tryAdd(c.batch(), event);
            if (!added && !c.records.isEmpty()) {
                c.close();
                added = tryAdd(c.batch(), event);
            }
            if (added) {
                c.records.add(record);
            } else {
                alone(c, event, record, listener);
            }
        }
        chains.values().forEach(Chain::close);

        int longest = chains.values().stream().mapToInt(c -> c.filled.size()).max().orElse(0);
        List<ChainResult> results = Flux.fromIterable(chains.values())
            .filter(c -> !c.filled.isEmpty())
            .flatMap(this::sendChain, KEYS_IN_FLIGHT)
            .collectList()
            .block(operationTimeout.multipliedBy(Math.max(1, longest))); // a key's batches go one after the other
        RuntimeException failure = null;
        for (ChainResult o : results == null ? List.<ChainResult>of() : results) {
            o.sent().forEach(f -> listener.delivered(f.records()));
            if (o.failure() != null) {
                RuntimeException e = o.failure() instanceof RuntimeException re ? re : new IllegalStateException(o.failure());
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

    private Mono<ChainResult> sendChain(Chain chain) {
        List<Filled> sent = new CopyOnWriteArrayList<>();
        return Flux.fromIterable(chain.filled)
            .concatMap(f -> client.send(f.batch()).then(Mono.fromRunnable(() -> sent.add(f))))
            .then(Mono.fromCallable(() -> new ChainResult(List.copyOf(sent), null)))
            .onErrorResume(e -> Mono.just(new ChainResult(List.copyOf(sent), Exceptions.unwrap(e))));
    }

    /**
     * Whether the event went into the batch. The SDK answers false when it does not fit what is
     * already there, and throws {@code LINK_PAYLOAD_SIZE_EXCEEDED} when it is larger than the batch's
     * whole size: both mean "not in this batch"; the caller decides whether it is too large for any.
     */
    private static boolean tryAdd(EventDataBatch batch, EventData event) {
        try {
            return batch.tryAdd(event);
        } catch (AmqpException e) {
            if (FailureClassifier.classify(e).outcome() != Outcome.RECORD_REJECTED) {
                throw e;
            }
            return false;
        }
    }

    /**
     * Too big for an empty batch of {@code batch.max.bytes}: alone, it may still fit the link's own
     * limit (then it travels in its own batch, in its key's order); otherwise it is rejected.
     */
    private void alone(Chain chain, EventData event, SinkRecord record, SendListener listener) {
        if (linkMaxBytes > maxBytes) {
            EventDataBatch single = newBatch(chain.partitionKey, linkMaxBytes);
            if (tryAdd(single, event)) {
                chain.filled.add(new Filled(single, List.of(record)));
                return;
            }
        }
        listener.rejected(record, tooLarge(event));
    }

    private EventDataBatch newBatch(String partitionKey, long size) {
        if (linkMaxBytes < 0) {
            linkMaxBytes = client.createBatch().block(operationTimeout).getMaxSizeInBytes();
        }
        CreateBatchOptions options = new CreateBatchOptions();
        if (partitionKey != null) {
            options.setPartitionKey(partitionKey);
        }
        if (size < linkMaxBytes) {
            options.setMaximumSizeInBytes((int) size);
        }
        return client.createBatch(options).block(operationTimeout);
    }

    private String tooLarge(EventData event) {
        return "The event (" + event.getBody().length + " bytes of body) is larger than the largest event the "
            + "event hub accepts (" + Math.max(linkMaxBytes, 0) + " bytes per publish).";
    }

    /** The event for one record; see the class comment. */
    static EventData toEvent(SinkRecord record, boolean deviceMessages) {
        EventData event = new EventData(EventRecords.body(record));
        if (!deviceMessages && !EventRecords.isDeviceMessage(record)) {
            event.setContentType(CONTENT_TYPE);
        }
        event.getProperties().putAll(EventRecords.headers(record));
        return event;
    }

    /**
     * The record key as a string ({@link EventRecords#partitionKey}: over Event Hubs' 128 characters it
     * is hashed, which the SDK would otherwise refuse for the whole batch); a null or empty key → none.
     */
    static String partitionKey(SinkRecord record) {
        return EventRecords.partitionKey(record).orElse(null);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException ignored) {
            // closing a client whose connection already failed
        }
    }
}
