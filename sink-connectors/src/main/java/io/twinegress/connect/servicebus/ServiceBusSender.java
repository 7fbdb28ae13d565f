package io.twinegress.connect.servicebus;

import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import com.azure.messaging.servicebus.models.CreateMessageBatchOptions;
import io.twinegress.connect.core.AmqpEndpoint;
import io.twinegress.connect.core.EndpointSender;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.FailureClassifier;
import io.twinegress.connect.core.Outcome;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.connect.core.SendListener;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends records to one Service Bus topic with one key, the way the SDK's own samples do: one
 * sender client; per partition key, {@code tryAddMessage} into a {@link ServiceBusMessageBatch};
 * a full batch is closed and the message that did not fit goes into a new one; the one too big
 * for an empty batch is diverted. A partitioned entity takes one partition key per batch, so a
 * batch never mixes keys. The batches of one key are sent one after the other, in record order;
 * up to {@link #KEYS_IN_FLIGHT} keys' batches are in flight at once.
 *
 * <p>The asynchronous client is used, so that each wait is ours and fits the SDK's own retry:
 * the synchronous client blocks each call for one {@code tryTimeout}, which cut its own retry
 * (a try, a pause, a try) short. Every wait is bounded by
 * {@link AmqpEndpoint#operationTimeout}.
 *
 * <p>A record becomes a message with: body = the value bytes unchanged; content type
 * {@code application/json}; MessageId = the event id (header, else the body's {@code id}, else
 * {@code topic-partition-offset}; ids over 128 characters become {@code sha256-<hex>}), so Service
 * Bus duplicate detection drops redeliveries; PartitionKey = the record key (per-object order; the
 * same 128-character rule; none for a null or empty key); subject = the event type; application
 * properties = the record headers as strings, within Service Bus's header limits
 * ({@link MessageProperties}).
 */
public final class ServiceBusSender implements EndpointSender {

    public static final String CONTENT_TYPE = "application/json";
    public static final String DEVICE_MESSAGE_CONTENT_TYPE = "application/octet-stream";
    /** Partition keys whose batches are in flight at once; each key still has one batch in flight at a time. */
    static final int KEYS_IN_FLIGHT = 16;
    private static final Logger log = LoggerFactory.getLogger(ServiceBusSender.class);

    private final ServiceBusSenderAsyncClient client;
    private final Duration operationTimeout;
    private final int maxRecords;
    private final long maxBytes;
    private long linkMaxBytes = -1;
    private final String name;
    private final AtomicBoolean propertiesTrimmedWarned;

    /**
     * @param propertiesTrimmedWarned the task's: set once a record's headers were cut to Service
     *                                Bus's limits and that was logged (one line per task, not per record)
     */
    public ServiceBusSender(ServiceBusSinkConfig config, Password connectionString, AtomicBoolean propertiesTrimmedWarned) {
        this.client = new ServiceBusClientBuilder()
            .connectionString(connectionString.value())
            .retryOptions(AmqpEndpoint.retryOptions(config))
            .sender()
            .topicName(config.topicName())
            .buildAsyncClient();
        this.operationTimeout = AmqpEndpoint.operationTimeout(config);
        this.maxRecords = config.batchMaxRecords();
        this.maxBytes = config.batchMaxBytes();
        this.name = config.connectorName();
        this.propertiesTrimmedWarned = propertiesTrimmedWarned;
    }

    /** A filled batch and the records it carries. */
    private record Filled(ServiceBusMessageBatch batch, List<SinkRecord> records) {
    }

    /** One partition key's batches, in record order, the one being filled, and what the send achieved. */
    private final class Chain {
        final String partitionKey;
        final List<Filled> filled = new ArrayList<>();
        final List<Filled> sent = new CopyOnWriteArrayList<>();
        volatile Throwable failure;
        private ServiceBusMessageBatch batch;
        List<SinkRecord> records = new ArrayList<>();

        Chain(String partitionKey) {
            this.partitionKey = partitionKey;
        }

        ServiceBusMessageBatch batch() {
            if (batch == null) {
                batch = newBatch();
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

    /**
     * Fills the batches on the calling thread, then sends them: one key's batches one after the
     * other, several keys at once. Listener calls happen on the calling thread, after the sends: the
     * batches the entity accepted, in each key's order, then the first failure is thrown.
     */
    @Override
    public void send(List<SinkRecord> records, SendListener listener) {
        Map<String, Chain> chains = new LinkedHashMap<>();
        for (SinkRecord record : records) {
            ServiceBusMessage message;
            try {
                List<String> leftOut = new ArrayList<>(0);
                message = toMessage(record, leftOut);
                if (!leftOut.isEmpty()) {
                    warnOnce(record, leftOut);
                }
            } catch (RecordRejectedException e) {
                listener.rejected(record, e.getMessage());
                continue;
            }
            Chain c = chains.computeIfAbsent(message.getPartitionKey(), Chain::new);
            if (c.records.size() >= maxRecords) {
                c.close();
            }
            boolean added = tryAdd(c.batch(), message);
            if (!added && !c.records.isEmpty()) {
                c.close();
                added = tryAdd(c.batch(), message);
            }
            if (added) {
                c.records.add(record);
            } else {
                alone(c, message, record, listener);
            }
        }
        chains.values().forEach(Chain::close);

        int longest = chains.values().stream().mapToInt(c -> c.filled.size()).max().orElse(0);
        RuntimeException failure = null;
        try {
            Flux.fromIterable(chains.values())
                .filter(c -> !c.filled.isEmpty())
                .flatMap(this::sendChain, KEYS_IN_FLIGHT)
                .then()
                .block(operationTimeout.multipliedBy(Math.max(1, longest)));
        } catch (RuntimeException e) {
            failure = e; // a timeout: what was accepted until now is still reported
        }
        for (Chain c : chains.values()) {
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
            .concatMap(f -> client.sendMessages(f.batch()).then(Mono.fromRunnable(() -> chain.sent.add(f))))
            .then()
            .onErrorResume(e -> {
                chain.failure = Exceptions.unwrap(e);
                return Mono.empty();
            });
    }

    /** The first record of the task whose headers were cut to Service Bus's limits: one line, never the values. */
    private void warnOnce(SinkRecord record, List<String> leftOut) {
        if (propertiesTrimmedWarned.compareAndSet(false, true)) {
            log.warn("{}: record {}-{}@{} has headers over Service Bus's limits ({} bytes per application property, "
                + "{} bytes for the whole message header): sent without {}; later records are trimmed the same way "
                + "without another line", name, record.originalTopic(), record.originalKafkaPartition(),
                record.originalKafkaOffset(), MessageProperties.MAX_PROPERTY_BYTES, MessageProperties.MAX_HEADER_BYTES,
                String.join(", ", leftOut));
        }
    }

    /**
     * Whether the message went into the batch. The SDK answers false when it does not fit what is
     * already there, and throws (size exceeded) when it is larger than the batch's whole size: both
     * mean "not in this batch"; the caller decides whether it is too large for any.
     */
    private static boolean tryAdd(ServiceBusMessageBatch batch, ServiceBusMessage message) {
        try {
            return batch.tryAddMessage(message);
        } catch (ServiceBusException | AmqpException e) {
            if (FailureClassifier.classify(e).outcome() != Outcome.RECORD_REJECTED) {
                throw e;
            }
            return false;
        }
    }

    /**
     * Too big for an empty batch of {@code batch.max.bytes}: alone, it may still fit the link's own
     * limit (then it travels in a batch of its own, in its key's order); otherwise it is rejected.
     */
    private void alone(Chain chain, ServiceBusMessage message, SinkRecord record, SendListener listener) {
        if (linkMaxBytes > maxBytes) {
            ServiceBusMessageBatch single = block(client.createMessageBatch());
            if (tryAdd(single, message)) {
                chain.filled.add(new Filled(single, List.of(record)));
                return;
            }
        }
        listener.rejected(record, tooLarge(message));
    }

    private ServiceBusMessageBatch newBatch() {
        if (linkMaxBytes < 0) {
            ServiceBusMessageBatch probe = block(client.createMessageBatch());
            linkMaxBytes = probe.getMaxSizeInBytes();
            if (maxBytes >= linkMaxBytes) {
                return probe;
            }
        }
        if (maxBytes >= linkMaxBytes) {
            return block(client.createMessageBatch());
        }
        return block(client.createMessageBatch(new CreateMessageBatchOptions().setMaximumSizeInBytes((int) maxBytes)));
    }

    /** One SDK operation, waited for at most as long as it may take with its own retries. */
    private <T> T block(Mono<T> operation) {
        return operation.block(operationTimeout);
    }

    private String tooLarge(ServiceBusMessage message) {
        return "The event (" + message.getBody().toBytes().length + " bytes of body) is larger than the largest "
            + "message the Service Bus entity accepts (" + Math.max(linkMaxBytes, 0) + " bytes).";
    }

    /** The Service Bus message for one record. */
    static ServiceBusMessage toMessage(SinkRecord record) {
        return toMessage(record, new ArrayList<>(0));
    }

    /** As {@link #toMessage(SinkRecord)}; adds the names of headers left out (see {@link MessageProperties}) to {@code leftOut}. */
    static ServiceBusMessage toMessage(SinkRecord record, List<String> leftOut) {
        byte[] body = EventRecords.body(record);
        EventRecords.EventFields fields = EventRecords.fields(record);
        ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(body));
        boolean raw = fields.type().filter(EventRecords.DEVICE_MESSAGE::equals).isPresent();
        message.setContentType(raw ? DEVICE_MESSAGE_CONTENT_TYPE : CONTENT_TYPE);
        message.setMessageId(messageId(fields.id(), record));
        EventRecords.partitionKey(record).ifPresent(message::setPartitionKey);
        fields.type().ifPresent(message::setSubject);
        leftOut.addAll(MessageProperties.copyWithinLimits(EventRecords.headers(record), message.getApplicationProperties()));
        return message;
    }

    static String messageId(Optional<String> eventId, SinkRecord record) {
        return EventRecords.capped(eventId.orElseGet(() -> EventRecords.coordinatesId(record)));
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
