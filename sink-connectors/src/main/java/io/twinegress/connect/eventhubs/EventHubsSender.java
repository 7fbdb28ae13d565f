package io.twinegress.connect.eventhubs;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerAsyncClient;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import io.twinegress.connect.clients.LeasedClient;
import io.twinegress.connect.core.AmqpBatches;
import io.twinegress.connect.core.AmqpEndpoint;
import io.twinegress.connect.core.ConnectionString;
import io.twinegress.connect.core.EndpointSender;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.SendListener;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.sink.SinkRecord;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * Sends records to one event hub with one key: one producer client (on the worker's shared
 * connection for the hub and key, {@link EventHubsClients}), and batches packed and sent
 * as {@link AmqpBatches} says (per partition key an {@link EventDataBatch} created with
 * {@code CreateBatchOptions.setPartitionKey}, filled with {@code tryAdd}).
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

    private final LeasedClient<EventHubProducerAsyncClient> leased;
    private final EventHubProducerAsyncClient client;
    private final AmqpBatches<EventData, EventDataBatch> batches;
    private final boolean deviceMessages;

    public EventHubsSender(EventHubsSinkConfig config, Password connectionString) {
        EventHubClientBuilder builder = new EventHubClientBuilder().retryOptions(AmqpEndpoint.retryOptions(config));
        if (ConnectionString.parse(connectionString).entityPath().isPresent()) {
            builder.connectionString(connectionString.value()); // validate() checked it names the same hub as path
        } else {
            builder.connectionString(connectionString.value(), config.eventHubName());
        }
        this.leased = EventHubsClients.producer(config, connectionString, () -> builder);
        this.client = leased.client();
        this.batches = new AmqpBatches<>(new Sdk(), config, true);
        this.deviceMessages = config.deviceMessages();
    }

    /** The Event Hubs calls {@link AmqpBatches} makes: a batch is created for one partition key. */
    private final class Sdk implements AmqpBatches.Sdk<EventData, EventDataBatch> {
        @Override
        public Mono<EventDataBatch> createBatch(String partitionKey, Integer maxBytes) {
            if (partitionKey == null && maxBytes == null) {
                return client.createBatch();
            }
            CreateBatchOptions options = new CreateBatchOptions();
            if (partitionKey != null) {
                options.setPartitionKey(partitionKey);
            }
            if (maxBytes != null) {
                options.setMaximumSizeInBytes(maxBytes);
            }
            return client.createBatch(options);
        }

        @Override
        public boolean tryAdd(EventDataBatch batch, EventData event) {
            return batch.tryAdd(event);
        }

        @Override
        public int maxSizeInBytes(EventDataBatch batch) {
            return batch.getMaxSizeInBytes();
        }

        @Override
        public Mono<Void> send(EventDataBatch batch) {
            return client.send(batch);
        }

        @Override
        public String tooLarge(EventData event, long linkMaxBytes) {
            return "The event (" + event.getBody().length + " bytes of body) is larger than the largest event the "
                + "event hub accepts (" + linkMaxBytes + " bytes per publish).";
        }
    }

    /** Packs and sends as {@link AmqpBatches} does; listener calls on the calling thread. */
    @Override
    public void send(List<SinkRecord> records, SendListener listener) {
        batches.send(records, record -> toEvent(record, deviceMessages), listener);
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
        leased.close();
    }

    @Override
    public void abandon() {
        leased.abandon();
    }
}
