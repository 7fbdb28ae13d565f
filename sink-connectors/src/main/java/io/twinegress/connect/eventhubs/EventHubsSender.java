package io.twinegress.connect.eventhubs;

import com.azure.core.credential.TokenCredential;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerAsyncClient;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import io.twinegress.connect.clients.LeasedClient;
import io.twinegress.connect.clients.LeasedSender;
import io.twinegress.connect.core.AmqpBatches;
import io.twinegress.connect.core.AmqpEndpoint;
import io.twinegress.connect.core.ConnectionString;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.SendListener;
import io.twinegress.connect.format.AmqpCloudEvent;
import io.twinegress.connect.format.AmqpOutput;
import io.twinegress.connect.format.FormatConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.sink.SinkRecord;
import reactor.core.publisher.Mono;

/**
 * Sends records to one event hub with one key: one producer client (on the worker's shared
 * connection for the hub and key, {@link EventHubsClients}), and batches packed and sent
 * as {@link AmqpBatches} says (per partition key an {@link EventDataBatch} created with
 * {@code CreateBatchOptions.setPartitionKey}, filled with {@code tryAdd}).
 *
 * <p>A record becomes an event with: body = the value bytes exactly as they arrived (event JSON, or
 * raw device telemetry, never parsed or re-encoded); content type {@code application/json} for
 * events, none for device messages; partition key = the record key as a string (none for a null or
 * empty key; {@code sha256-<hex>} of it past 128 characters), or as {@link PartitionChoice} says (a
 * partition key or a partition id from a named header); properties = the record headers as strings,
 * and the W3C trace context as {@code Diagnostic-Id}/{@code traceparent}/{@code tracestate}. With
 * {@code event.format=cloudevents} the body and content type are those of the CloudEvent in
 * {@code cloudevents.mode}, with its {@code cloudEvents:} properties ({@link AmqpOutput}).
 *
 * <p>Order: events with the same partition key are sent in record order, which is the order Event
 * Hubs keeps (per partition). Events with different keys travel in different batches and may be
 * accepted in another order than they were consumed; that does not touch delivery: the core
 * commits only past records the endpoint accepted, and re-sends the rest after a failure.
 */
public final class EventHubsSender extends LeasedSender<EventHubProducerAsyncClient> {

    public static final String CONTENT_TYPE = "application/json";

    private final AmqpBatches<EventData, EventDataBatch> batches;
    private final boolean deviceMessages;
    private final AmqpOutput output;
    private final PartitionChoice partitions;
    private final Duration operationTimeout;
    /** The hub's partition ids, read once, when a record first names a partition. */
    private Set<String> partitionIds;

    public EventHubsSender(EventHubsSinkConfig config, Password connectionString) {
        this(config, EventHubsClients.producer(config, connectionString, () -> withKey(config, connectionString)));
    }

    /**
     * With a Microsoft Entra ID identity: the client connects to {@code namespace} (or
     * {@code custom.endpoint.address}) and gets its tokens from {@code credential}, which the SDK
     * asks again before each token expires.
     */
    public EventHubsSender(EventHubsSinkConfig config, TokenCredential credential) {
        // a client of its own: the worker's shared connections are keyed on connection strings
        this(config, LeasedClient.own(withIdentity(config, credential).buildAsyncProducerClient()));
    }

    private static EventHubClientBuilder withKey(EventHubsSinkConfig config, Password connectionString) {
        EventHubClientBuilder builder = new EventHubClientBuilder();
        if (ConnectionString.parse(connectionString).entityPath().isPresent()) {
            builder.connectionString(connectionString.value()); // validate() checked it names the same hub as path
        } else {
            builder.connectionString(connectionString.value(), config.eventHubName());
        }
        return builder.retryOptions(AmqpEndpoint.retryOptions(config));
    }

    private static EventHubClientBuilder withIdentity(EventHubsSinkConfig config, TokenCredential credential) {
        EventHubClientBuilder builder = new EventHubClientBuilder()
            .credential(AmqpEndpoint.namespace(config), config.eventHubName(), credential);
        AmqpEndpoint.customEndpoint(config).ifPresent(builder::customEndpointAddress);
        return builder.retryOptions(AmqpEndpoint.retryOptions(config));
    }

    private EventHubsSender(EventHubsSinkConfig config, LeasedClient<EventHubProducerAsyncClient> leased) {
        super(leased);
        this.batches = new AmqpBatches<>(new Sdk(), config, true);
        this.deviceMessages = config.deviceMessages();
        this.output = AmqpOutput.of(FormatConfig.settings(config));
        this.partitions = new PartitionChoice(config);
        this.operationTimeout = AmqpEndpoint.operationTimeout(config);
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
        public Mono<EventDataBatch> createBatch(AmqpBatches.Route route, Integer maxBytes) {
            if (route.partitionId() == null) {
                return createBatch(route.partitionKey(), maxBytes);
            }
            CreateBatchOptions options = new CreateBatchOptions().setPartitionId(route.partitionId());
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
        batches.send(records, record -> toEvent(record, deviceMessages, output),
            (record, event) -> partitions.route(record, this::partitionIds), listener);
    }

    /** The hub's partition ids (for {@link PartitionChoice}), asked of the hub once per sender. */
    private Set<String> partitionIds() {
        if (partitionIds == null) {
            List<String> ids = client.getPartitionIds().collectList().block(operationTimeout);
            partitionIds = Set.copyOf(ids == null ? List.of() : ids);
        }
        return partitionIds;
    }

    /** The event for one record, as it came; see the class comment. */
    static EventData toEvent(SinkRecord record, boolean deviceMessages) {
        return toEvent(record, deviceMessages, AmqpOutput.asIs());
    }

    /** The event for one record in the format {@code output} says; see the class comment. */
    static EventData toEvent(SinkRecord record, boolean deviceMessages, AmqpOutput output) {
        boolean raw = deviceMessages || EventRecords.isDeviceMessage(record);
        Optional<AmqpCloudEvent> cloudEvent = output.cloudEvent(record, raw);
        EventData event = new EventData(cloudEvent.isPresent() ? cloudEvent.get().body() : EventRecords.body(record));
        if (cloudEvent.isPresent()) {
            event.setContentType(cloudEvent.get().contentType());
        } else if (!raw) {
            event.setContentType(CONTENT_TYPE);
        }
        event.getProperties().putAll(EventRecords.headers(record));
        cloudEvent.ifPresent(c -> event.getProperties().putAll(c.applicationProperties()));
        AmqpOutput.putTraceContext(record, event.getProperties());
        return event;
    }

    /**
     * The record key as a string ({@link EventRecords#partitionKey}: over Event Hubs' 128 characters it
     * is hashed, which the SDK would otherwise refuse for the whole batch); a null or empty key → none.
     */
    static String partitionKey(SinkRecord record) {
        return EventRecords.partitionKey(record).orElse(null);
    }
}
