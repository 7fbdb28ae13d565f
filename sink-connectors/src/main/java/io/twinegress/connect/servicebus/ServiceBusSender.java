package io.twinegress.connect.servicebus;

import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends records to one Service Bus topic with one key, the way the SDK's own samples do: one
 * {@link ServiceBusSenderClient}, {@code tryAddMessage} into a {@link ServiceBusMessageBatch},
 * send when full, re-add the message that did not fit, divert the one too big for an empty
 * batch, send the tail.
 *
 * <p>A record becomes a message with: body = the value bytes unchanged; content type
 * {@code application/json}; MessageId = the event id (header, else the body's {@code id}, else
 * {@code topic-partition-offset}; ids over 128 characters become {@code sha256-<hex>}), so Service
 * Bus duplicate detection drops redeliveries; subject = the event type; application properties =
 * the record headers as strings, within Service Bus's header limits ({@link MessageProperties}).
 */
public final class ServiceBusSender implements EndpointSender {

    public static final String CONTENT_TYPE = "application/json";
    public static final String DEVICE_MESSAGE_CONTENT_TYPE = "application/octet-stream";
    private static final Logger log = LoggerFactory.getLogger(ServiceBusSender.class);

    private final ServiceBusSenderClient client;
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
            .buildClient();
        this.maxRecords = config.batchMaxRecords();
        this.maxBytes = config.batchMaxBytes();
        this.name = config.connectorName();
        this.propertiesTrimmedWarned = propertiesTrimmedWarned;
    }

    @Override
    public void send(List<SinkRecord> records, SendListener listener) {
        ServiceBusMessageBatch batch = null;
        List<SinkRecord> inBatch = new ArrayList<>();
        for (SinkRecord record : records) {
            ServiceBusMessage message;
            try {
                List<String> leftOut = new ArrayList<>(0);
                message = toMessage(record, leftOut);
                if (!leftOut.isEmpty() && propertiesTrimmedWarned.compareAndSet(false, true)) {
                    log.warn("{}: record {}-{}@{} has headers over Service Bus's limits ({} bytes per application property, "
                        + "{} bytes for the whole message header): sent without {}; later records are trimmed the same way "
                        + "without another line", name, record.originalTopic(), record.originalKafkaPartition(),
                        record.originalKafkaOffset(), MessageProperties.MAX_PROPERTY_BYTES, MessageProperties.MAX_HEADER_BYTES,
                        String.join(", ", leftOut));
                }
            } catch (RecordRejectedException e) {
                listener.rejected(record, e.getMessage());
                continue;
            }
            if (batch == null) {
                batch = newBatch();
            }
            if (inBatch.size() >= maxRecords) {
                sendBatch(batch, inBatch, listener);
                batch = newBatch();
                inBatch = new ArrayList<>();
            }
            boolean added = tryAdd(batch, message);
            if (!added && !inBatch.isEmpty()) {
                sendBatch(batch, inBatch, listener);
                batch = newBatch();
                inBatch = new ArrayList<>();
                added = tryAdd(batch, message);
            }
            if (added) {
                inBatch.add(record);
            } else {
                sendAlone(message, record, listener);
            }
        }
        if (batch != null && !inBatch.isEmpty()) {
            sendBatch(batch, inBatch, listener);
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
     * limit (then it is sent in a batch of its own, in its place; nothing is waiting in front of it);
     * otherwise it is rejected.
     */
    private void sendAlone(ServiceBusMessage message, SinkRecord record, SendListener listener) {
        if (linkMaxBytes > maxBytes) {
            ServiceBusMessageBatch single = client.createMessageBatch();
            if (tryAdd(single, message)) {
                sendBatch(single, List.of(record), listener);
                return;
            }
        }
        listener.rejected(record, tooLarge(message));
    }

    private ServiceBusMessageBatch newBatch() {
        if (linkMaxBytes < 0) {
            ServiceBusMessageBatch probe = client.createMessageBatch();
            linkMaxBytes = probe.getMaxSizeInBytes();
            if (maxBytes >= linkMaxBytes) {
                return probe;
            }
        }
        if (maxBytes >= linkMaxBytes) {
            return client.createMessageBatch();
        }
        return client.createMessageBatch(new CreateMessageBatchOptions().setMaximumSizeInBytes((int) maxBytes));
    }

    private void sendBatch(ServiceBusMessageBatch batch, List<SinkRecord> records, SendListener listener) {
        client.sendMessages(batch);
        listener.delivered(records);
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
