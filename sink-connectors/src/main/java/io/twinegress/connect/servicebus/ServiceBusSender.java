package io.twinegress.connect.servicebus;

import com.azure.core.credential.TokenCredential;
import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import com.azure.messaging.servicebus.models.CreateMessageBatchOptions;
import io.twinegress.connect.clients.LeasedClient;
import io.twinegress.connect.clients.LeasedSender;
import io.twinegress.connect.core.AmqpBatches;
import io.twinegress.connect.core.AmqpEndpoint;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.SendListener;
import io.twinegress.connect.format.AmqpCloudEvent;
import io.twinegress.connect.format.AmqpOutput;
import io.twinegress.connect.format.FormatConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Sends records to one Service Bus topic with one key: one sender client (on the worker's shared
 * connection for the namespace and key, {@link ServiceBusClients}), and batches packed and
 * sent as {@link AmqpBatches} says ({@code tryAddMessage} into a {@link ServiceBusMessageBatch});
 * per partition key when the entity is partitioned ({@code entity.partitioned}, the default: such
 * an entity takes one partition key per batch), across keys otherwise.
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
 * ({@link MessageProperties}), and the W3C trace context as {@code Diagnostic-Id}/{@code traceparent}/
 * {@code tracestate}. What the message model keys add (SessionId, TimeToLive, CorrelationId,
 * ReplyTo, ScheduledEnqueueTime, which headers become properties) is {@link MessageModel}'s; messages
 * are batched and ordered by their PartitionKey (the SessionId, with sessions). With
 * {@code event.format=cloudevents} the body and content type are those of the CloudEvent in
 * {@code cloudevents.mode}, with its {@code cloudEvents:} properties ({@link AmqpOutput}).
 */
public final class ServiceBusSender extends LeasedSender<ServiceBusSenderAsyncClient> {

    public static final String CONTENT_TYPE = "application/json";
    public static final String DEVICE_MESSAGE_CONTENT_TYPE = "application/octet-stream";
    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusSender.class);

    private final AmqpBatches<ServiceBusMessage, ServiceBusMessageBatch> batches;
    private final String name;
    private final AtomicBoolean propertiesTrimmedWarned;
    private final AmqpOutput output;
    private final MessageModel model;

    /**
     * @param propertiesTrimmedWarned the task's: set once a record's headers were cut to Service
     *                                Bus's limits and that was logged (one line per task, not per record)
     */
    public ServiceBusSender(ServiceBusSinkConfig config, Password connectionString, AtomicBoolean propertiesTrimmedWarned) {
        this(config, ServiceBusClients.sender(config, connectionString, () -> new ServiceBusClientBuilder()
            .connectionString(connectionString.value())
            .retryOptions(AmqpEndpoint.retryOptions(config))), propertiesTrimmedWarned);
    }

    /**
     * With a Microsoft Entra ID identity: the client connects to {@code namespace} (or
     * {@code custom.endpoint.address}) and gets its tokens from {@code credential}, which the SDK
     * asks again before each token expires. A client of its own: the worker's shared connections
     * are keyed on connection strings.
     */
    public ServiceBusSender(ServiceBusSinkConfig config, TokenCredential credential, AtomicBoolean propertiesTrimmedWarned) {
        this(config, LeasedClient.own(withIdentity(config, credential)
            .retryOptions(AmqpEndpoint.retryOptions(config))
            .sender()
            .topicName(config.topicName())
            .buildAsyncClient()), propertiesTrimmedWarned);
    }

    private static ServiceBusClientBuilder withIdentity(ServiceBusSinkConfig config, TokenCredential credential) {
        ServiceBusClientBuilder builder = new ServiceBusClientBuilder().credential(AmqpEndpoint.namespace(config), credential);
        AmqpEndpoint.customEndpoint(config).ifPresent(builder::customEndpointAddress);
        return builder;
    }

    private ServiceBusSender(ServiceBusSinkConfig config, LeasedClient<ServiceBusSenderAsyncClient> leased,
                             AtomicBoolean propertiesTrimmedWarned) {
        super(leased);
        this.batches = new AmqpBatches<>(new Sdk(), config, config.entityPartitioned());
        this.name = config.connectorName();
        this.propertiesTrimmedWarned = propertiesTrimmedWarned;
        this.output = AmqpOutput.of(FormatConfig.settings(config));
        this.model = new MessageModel(config);
    }

    /** The Service Bus calls {@link AmqpBatches} makes; a batch carries no key of its own (each message does). */
    private final class Sdk implements AmqpBatches.Sdk<ServiceBusMessage, ServiceBusMessageBatch> {
        @Override
        public Mono<ServiceBusMessageBatch> createBatch(String partitionKey, Integer maxBytes) {
            return maxBytes == null ? client.createMessageBatch()
                : client.createMessageBatch(new CreateMessageBatchOptions().setMaximumSizeInBytes(maxBytes));
        }

        @Override
        public boolean tryAdd(ServiceBusMessageBatch batch, ServiceBusMessage message) {
            return batch.tryAddMessage(message);
        }

        @Override
        public int maxSizeInBytes(ServiceBusMessageBatch batch) {
            return batch.getMaxSizeInBytes();
        }

        @Override
        public Mono<Void> send(ServiceBusMessageBatch batch) {
            return client.sendMessages(batch);
        }

        @Override
        public String tooLarge(ServiceBusMessage message, long linkMaxBytes) {
            return "The event (" + message.getBody().toBytes().length + " bytes of body) is larger than the largest "
                + "message the Service Bus entity accepts (" + linkMaxBytes + " bytes).";
        }
    }

    /** Packs and sends as {@link AmqpBatches} does; listener calls on the calling thread. */
    @Override
    public void send(List<SinkRecord> records, SendListener listener) {
        batches.send(records, record -> {
            List<String> leftOut = new ArrayList<>(0);
            ServiceBusMessage message = toMessage(record, model, leftOut, output);
            if (!leftOut.isEmpty()) {
                warnOnce(record, leftOut);
            }
            return message;
        }, (record, message) -> MessageModel.route(message), listener);
    }

    /** The first record of the task whose headers were cut to Service Bus's limits: one line, never the values. */
    private void warnOnce(SinkRecord record, List<String> leftOut) {
        if (propertiesTrimmedWarned.compareAndSet(false, true)) {
            LOG.warn("{}: record {}-{}@{} has headers over Service Bus's limits ({} bytes per application property, "
                + "{} bytes for the whole message header): sent without {}; later records are trimmed the same way "
                + "without another line", name, record.originalTopic(), record.originalKafkaPartition(),
                record.originalKafkaOffset(), MessageProperties.MAX_PROPERTY_BYTES, MessageProperties.MAX_HEADER_BYTES,
                String.join(", ", leftOut));
        }
    }

    /** The Service Bus message for one record, as it came and with no message-model option. */
    static ServiceBusMessage toMessage(SinkRecord record) {
        return toMessage(record, MessageModel.PLAIN, new ArrayList<>(0), AmqpOutput.asIs());
    }

    /**
     * The message with the configured message model's parts ({@link MessageModel}), in the format
     * {@code output} says; adds the names of headers left out (see {@link MessageProperties}) to {@code leftOut}.
     */
    static ServiceBusMessage toMessage(SinkRecord record, MessageModel model, List<String> leftOut, AmqpOutput output) {
        EventRecords.EventFields fields = EventRecords.fields(record);
        boolean raw = fields.type().filter(EventRecords.DEVICE_MESSAGE::equals).isPresent();
        Optional<AmqpCloudEvent> cloudEvent = output.cloudEvent(record, raw);
        byte[] body = cloudEvent.isPresent() ? cloudEvent.get().body() : EventRecords.body(record);
        ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(body));
        message.setContentType(cloudEvent.isPresent() ? cloudEvent.get().contentType()
            : raw ? DEVICE_MESSAGE_CONTENT_TYPE : CONTENT_TYPE);
        message.setMessageId(messageId(fields.id(), record));
        EventRecords.partitionKey(record).ifPresent(message::setPartitionKey);
        fields.type().ifPresent(message::setSubject);
        // the CloudEvents attributes and the trace context first: the model's headers get what room is left
        cloudEvent.ifPresent(c -> message.getApplicationProperties().putAll(c.applicationProperties()));
        AmqpOutput.putTraceContext(record, message.getApplicationProperties());
        model.apply(record, message, leftOut);
        return message;
    }

    static String messageId(Optional<String> eventId, SinkRecord record) {
        return EventRecords.capped(eventId.orElseGet(() -> EventRecords.coordinatesId(record)));
    }
}
