package io.twinegress.cli.connect;

import io.twinegress.cli.args.UsageException;
import io.twinegress.cli.output.Secret;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sink connector config of one endpoint (docs/connectors): the connector class for its type,
 * its egress topic, {@code read_committed}, a dead-letter topic, {@code device.messages} for the
 * DeviceMessage Event Hubs endpoint, and the connection strings (values or ConfigProvider
 * references). The connector is named after the endpoint id, so its consumer group is
 * {@code connect-<id>}.
 */
public final class ConnectorConfigs {

    public static final String CONNECTION_STRING = "connection.string";
    public static final String SECONDARY_CONNECTION_STRING = "secondary.connection.string";
    public static final String PATH = "path";
    public static final String DEVICE_MESSAGES = "device.messages";
    public static final String DLQ_SUFFIX = ".dlq";

    /** Keys the user may not set with {@code --set}: they are derived from the body, or are secrets. */
    public static final Set<String> RESERVED = Set.of("connector.class", "topics", "topics.regex", "name",
            CONNECTION_STRING, SECONDARY_CONNECTION_STRING, PATH, DEVICE_MESSAGES);

    private ConnectorConfigs() {
    }

    /** Simple class names; Connect accepts a plugin's simple class name as {@code connector.class}. */
    public static String connectorClass(EndpointType type) {
        return switch (type) {
            case ServiceBus -> "ServiceBusSinkConnector";
            case EventHub -> "EventHubsSinkConnector";
            case EventGrid -> "EventGridSinkConnector";
        };
    }

    /** Which body field a connector key comes from, for error messages. */
    public static String bodyField(String connectorKey) {
        return switch (connectorKey) {
            case CONNECTION_STRING -> "connectionString";
            case SECONDARY_CONNECTION_STRING -> "secondaryConnectionString";
            case PATH -> "path";
            default -> connectorKey;
        };
    }

    /**
     * Parses {@code --set key=value} settings.
     *
     * @throws UsageException for a malformed one or a reserved key
     */
    public static Map<String, String> extras(List<String> settings) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--set takes key=value, got a value without '=' (or an empty key)");
            }
            String key = s.substring(0, eq).trim();
            if (RESERVED.contains(key)) {
                throw new UsageException("--set " + key + " is not allowed: it comes from the body"
                        + (key.contains("connection") ? " (secrets never go on the command line)" : ""));
            }
            out.put(key, s.substring(eq + 1));
        }
        return out;
    }

    /**
     * The full config.
     *
     * @param primary   the value (or reference) for {@code connection.string}
     * @param secondary for {@code secondary.connection.string}, or null
     * @param extras    {@code --set} settings, applied last
     */
    public static ConnectorConfig build(Endpoint endpoint, String egressTopic, Secret primary, Secret secondary,
                                        Map<String, String> extras) {
        Map<String, String> c = new LinkedHashMap<>();
        // Connect's validate wants the name; the connector is named after the endpoint.
        c.put("name", endpoint.id());
        c.put("connector.class", connectorClass(endpoint.type()));
        c.put("topics", egressTopic);
        c.put(PATH, endpoint.path());
        if (endpoint.carriesDeviceMessages()) {
            c.put(DEVICE_MESSAGES, "true");
        }
        // The router writes exactly once: never deliver an aborted transaction's records.
        c.put("consumer.override.isolation.level", "read_committed");
        // Header values byte for byte, whatever the worker's default (Connect's own re-formats "007" as 7).
        c.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", egressTopic + DLQ_SUFFIX);
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        c.putAll(extras);
        Map<String, Secret> secrets = new LinkedHashMap<>();
        secrets.put(CONNECTION_STRING, primary);
        if (secondary != null) {
            secrets.put(SECONDARY_CONNECTION_STRING, secondary);
        }
        return new ConnectorConfig(c, secrets);
    }
}
