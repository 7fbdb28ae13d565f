package io.twinegress.connect.eventhubs;

import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import io.twinegress.connect.core.AmqpEndpoint;
import io.twinegress.connect.core.ConnectionString;
import io.twinegress.connect.core.EndpointSender;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.FailureClassifier;
import io.twinegress.connect.core.Outcome;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.connect.core.SendListener;
import io.twinegress.schemas.EgressHeaders;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.sink.SinkRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends records to one event hub with one key, the way the SDK's own samples do: one
 * {@link EventHubProducerClient}; per partition key an {@link EventDataBatch} created with
 * {@code CreateBatchOptions.setPartitionKey}, filled with {@code tryAdd}; a full batch is sent and
 * the event that did not fit goes into a new one; an event too big for an empty batch is rejected
 * (dead-lettered with the reason); the tails are sent at the end.
 *
 * <p>A record becomes an event with: body = the value bytes exactly as they arrived (event JSON, or
 * raw device telemetry, never parsed or re-encoded); content type {@code application/json} for
 * events, none for device messages; partition key = the record key as a string (none for a null or
 * empty key); properties = the record headers as strings.
 *
 * <p>Order: events with the same partition key are sent in record order, which is the order Event
 * Hubs keeps (per partition). Events with different keys travel in different batches and may be
 * sent in another order than they were consumed; that does not touch delivery: the core commits
 * only past records the endpoint accepted.
 */
public final class EventHubsSender implements EndpointSender {

    public static final String CONTENT_TYPE = "application/json";

    private final EventHubProducerClient client;
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
        this.client = builder.buildProducerClient();
        this.deviceMessages = config.deviceMessages();
        this.maxRecords = config.batchMaxRecords();
        this.maxBytes = config.batchMaxBytes();
    }

    /** One open batch per partition key (null key: the hub spreads the events). */
    private final class Open {
        final String partitionKey;
        EventDataBatch batch;
        List<SinkRecord> records = new ArrayList<>();

        Open(String partitionKey) {
            this.partitionKey = partitionKey;
            this.batch = newBatch(partitionKey, maxBytes);
        }

        void flush(SendListener listener) {
            if (!records.isEmpty()) {
                List<SinkRecord> sent = records;
                client.send(batch);
                listener.delivered(sent);
            }
            batch = newBatch(partitionKey, maxBytes);
            records = new ArrayList<>();
        }
    }

    @Override
    public void send(List<SinkRecord> records, SendListener listener) {
        Map<String, Open> open = new LinkedHashMap<>();
        for (SinkRecord record : records) {
            EventData event;
            try {
                event = toEvent(record, deviceMessages);
            } catch (RecordRejectedException e) {
                listener.rejected(record, e.getMessage());
                continue;
            }
            String key = partitionKey(record);
            Open o = open.get(key);
            if (o == null) {
                o = new Open(key);
                open.put(key, o);
            }
            if (o.records.size() >= maxRecords) {
                o.flush(listener);
            }
            boolean added = tryAdd(o.batch, event);
            if (!added && !o.records.isEmpty()) {
                o.flush(listener);
                added = tryAdd(o.batch, event);
            }
            if (added) {
                o.records.add(record);
            } else {
                sendAlone(key, event, record, listener);
            }
        }
        for (Open o : open.values()) {
            if (!o.records.isEmpty()) {
                client.send(o.batch);
                listener.delivered(o.records);
            }
        }
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

    /** Too big for an empty batch of {@code batch.max.bytes}: alone, it may still fit the link's own limit. */
    private void sendAlone(String key, EventData event, SinkRecord record, SendListener listener) {
        if (linkMaxBytes <= maxBytes) {
            listener.rejected(record, tooLarge(event));
            return;
        }
        EventDataBatch single = newBatch(key, linkMaxBytes);
        if (tryAdd(single, event)) {
            client.send(single);
            listener.delivered(List.of(record));
        } else {
            listener.rejected(record, tooLarge(event));
        }
    }

    private EventDataBatch newBatch(String partitionKey, long size) {
        if (linkMaxBytes < 0) {
            linkMaxBytes = client.createBatch().getMaxSizeInBytes();
        }
        CreateBatchOptions options = new CreateBatchOptions();
        if (partitionKey != null) {
            options.setPartitionKey(partitionKey);
        }
        if (size < linkMaxBytes) {
            options.setMaximumSizeInBytes((int) size);
        }
        return client.createBatch(options);
    }

    private String tooLarge(EventData event) {
        return "The event (" + event.getBody().length + " bytes of body) is larger than the largest event the "
            + "event hub accepts (" + Math.max(linkMaxBytes, 0) + " bytes per publish).";
    }

    /** The event for one record; see the class comment. */
    static EventData toEvent(SinkRecord record, boolean deviceMessages) {
        EventData event = new EventData(EventRecords.body(record));
        boolean raw = deviceMessages
            || EventRecords.header(record, EgressHeaders.EVENT_TYPE).filter(EventRecords.DEVICE_MESSAGE::equals).isPresent();
        if (!raw) {
            event.setContentType(CONTENT_TYPE);
        }
        event.getProperties().putAll(EventRecords.headers(record));
        return event;
    }

    /** The record key as a string: bytes as UTF-8, other types as Connect prints them; null or empty → none. */
    static String partitionKey(SinkRecord record) {
        Object key = record.key();
        String s;
        if (key == null) {
            return null;
        } else if (key instanceof byte[] b) {
            s = new String(b, StandardCharsets.UTF_8);
        } else if (key instanceof ByteBuffer buf) {
            ByteBuffer dup = buf.duplicate();
            byte[] b = new byte[dup.remaining()];
            dup.get(b);
            s = new String(b, StandardCharsets.UTF_8);
        } else if (key instanceof String str) {
            s = str;
        } else {
            s = Values.convertToString(record.keySchema(), key);
        }
        return s == null || s.isEmpty() ? null : s;
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
