package io.twinegress.localstack.endpoints;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.emulators.admin.AdminClient;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.localstack.traffic.Kind;
import io.twinegress.schemas.EndpointType;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.filter.Filter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One endpoint of the local stack, from a seed management-API body: the routing part that goes
 * to {@code twin.endpoints} (type, eventTypes, path — never a key) and the connector part that
 * goes to the Connect REST API (connection strings by reference to the secrets file).
 *
 * @param id          endpoint id = connector name; egress topic {@code twin.egress.<id>}
 * @param entity      the stand-in's entity: Service Bus topic, event hub, or Event Grid topic name
 * @param keyName     SAS policy name (AMQP); null for Event Grid
 * @param primaryKey  never printed or logged; {@link #toString()} leaves it out
 * @param filter      its content filter, or null (the seed's bodies have none)
 * @param options     connector keys of its own (output format, Event Grid target), added to {@link #connectorConfig}
 */
public record SampleEndpoint(String id, EndpointType type, List<EventType> eventTypes, String path, String entity,
        String keyName, String primaryKey, String secondaryKey, String connectionStringTemplate, Filter filter,
        Map<String, String> options) {

    /** The same endpoint with this content filter. */
    public SampleEndpoint withFilter(Filter newFilter) {
        return new SampleEndpoint(id, type, eventTypes, path, entity, keyName, primaryKey, secondaryKey, connectionStringTemplate,
                newFilter, options);
    }

    /** The same endpoint with these connector keys of its own. */
    public SampleEndpoint withOptions(Map<String, String> newOptions) {
        return new SampleEndpoint(id, type, eventTypes, path, entity, keyName, primaryKey, secondaryKey, connectionStringTemplate,
                filter, Map.copyOf(newOptions));
    }

    /** Whether its connector publishes to an Event Grid namespace topic (the stand-in serves {@link #entity} as one). */
    public boolean namespaceTopic() {
        return "namespace-topic".equals(options.get("eventgrid.kind"));
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code twin.endpoints} record value: {@code {"type","eventTypes","path"}} (and {@code "filter"}), no secrets. */
    public String routingRecord() {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type.name());
        eventTypes.forEach(t -> n.withArray("eventTypes").add(t.name()));
        n.put("path", path);
        if (filter != null) {
            n.put("filter", filter.text());
        }
        return n.toString();
    }

    /** This endpoint's stand-in in the admin API: the Event Grid one, or the AMQP one (Service Bus, Event Hubs). */
    public AdminClient.StandIn standIn(AdminClient admin) {
        return type == EndpointType.EventGrid ? admin.eventGrid() : admin.amqp();
    }

    public String connectorClass() {
        return switch (type) {
            case ServiceBus -> "ServiceBusSinkConnector";
            case EventHub -> "EventHubsSinkConnector";
            case EventGrid -> "EventGridSinkConnector";
        };
    }

    /** The connection string with {@code key} in it (what goes in the secrets file). */
    public String connectionString(String key) {
        return connectionStringTemplate.replace("{key}", key);
    }

    /** Secrets-file property names of the two connection strings. */
    public String primaryProperty() {
        return id + ".primary";
    }

    public String secondaryProperty() {
        return id + ".secondary";
    }

    /**
     * The connector config sent with {@code PUT /connectors/<id>/config}. The connection strings
     * are {@code ${file:...}} references resolved by the worker's FileConfigProvider, so neither
     * Connect's REST API nor its config topic ever holds a key.
     */
    public Map<String, String> connectorConfig(Path secretsFile) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", connectorClass());
        c.put("tasks.max", "1");
        c.put("topics", Topics.egress(id));
        c.put("connection.string", "${file:" + secretsFile.toAbsolutePath() + ":" + primaryProperty() + "}");
        c.put("secondary.connection.string", "${file:" + secretsFile.toAbsolutePath() + ":" + secondaryProperty() + "}");
        c.put("path", path);
        if (eventTypes.equals(List.of(EventType.DeviceMessage))) {
            // raw telemetry: bytes forwarded as they are (docs/connectors/eventhubs-sink.md)
            c.put("device.messages", "true");
        }
        c.put("consumer.override.isolation.level", "read_committed");
        // header values byte for byte, whatever the worker's default (docs/connectors/README.md)
        c.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", Topics.connectorDlq(id));
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        // a local demo recovers within a minute; production keeps the 30-minute default cap
        c.put("retry.backoff.max.ms", "60000");
        c.putAll(options);
        return c;
    }

    /** True when this endpoint subscribes to the event type (its filter aside: see {@link #receives}). */
    public boolean accepts(EventType t) {
        return eventTypes.contains(t);
    }

    /** True when the router routes this record here: its type is subscribed to and its filter, if any, passes it. */
    public boolean receives(Kind kind, ProducerRecord<byte[], byte[]> record) {
        if (!accepts(kind.eventType())) {
            return false;
        }
        if (filter == null) {
            return true;
        }
        return kind == Kind.RAW_DEVICE_MESSAGE ? filter.matchesRawTelemetry(record.key()) : filter.matches(record.key(), record.value());
    }

    @Override
    public String toString() {
        return id + " (" + type + " " + eventTypes + (filter == null ? "" : " where " + filter) + " -> " + path + ")";
    }
}
