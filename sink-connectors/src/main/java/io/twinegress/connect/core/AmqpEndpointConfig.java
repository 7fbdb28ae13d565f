package io.twinegress.connect.core;

import org.apache.kafka.common.config.ConfigDef;

/**
 * The configuration the two AMQP connectors (Service Bus, Event Hubs) share: connection strings and
 * {@code path}, the SDK's retries and timeouts, batching, delivery, authentication with
 * {@code namespace} and {@code custom.endpoint.address}, in that order of groups. Each connector
 * gives only its own words (which service, which entity) and its batch limits, then adds the output
 * format group and its own keys after {@link #define()}.
 *
 * <p>The doc and error texts are built from those words here so that both connectors say the same
 * thing the same way.
 *
 * @param service     the service's name, e.g. {@code Event Hubs}
 * @param entity      the entity the events are sent to, with its article, e.g. {@code the event hub}
 *                    (the start of {@code path}'s doc)
 * @param connectionStringDoc the primary connection string's doc, see {@link #connectionStringDoc}
 * @param otherKey    what the secondary connection string holds, e.g. {@code the namespace's other key}
 * @param batch       the service's batch defaults and limits
 */
public record AmqpEndpointConfig(String service, String entity, String connectionStringDoc, String otherKey,
                                 BatchLimits batch) {

    /** A service's {@code batch.max.records} and {@code batch.max.bytes}: default and upper limit of each. */
    public record BatchLimits(int maxRecordsDefault, int maxRecordsLimit, long maxBytesDefault, long maxBytesLimit) {
    }

    /**
     * The primary connection string's doc: the portal's form of it ({@code entityPath} is the
     * EntityPath placeholder, e.g. {@code topic}) and a ConfigProvider example that keeps it out of the
     * connector config.
     */
    public static String connectionStringDoc(String of, String entityPath, String providerExample) {
        return "Connection string of " + of + ", as in the Azure portal: "
            + "Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>"
            + "[;EntityPath=<" + entityPath + ">]. The policy needs the Send right. Keep it out of the connector config with a "
            + "ConfigProvider, e.g. " + providerExample + ".";
    }

    public String secondaryConnectionStringDoc() {
        return "Connection string with " + otherKey + ". When the endpoint refuses the key in use, the task "
            + "switches to the other one at once and re-sends; with both refused it backs off and keeps trying both.";
    }

    public String pathDoc() {
        return capitalised(entity) + " the events are sent to. May be empty when the connection string names it with "
            + "EntityPath; when both are given they must be equal.";
    }

    public String namespaceDoc() {
        return "auth.mode=entra-id: the fully qualified " + service + " namespace, e.g. myns.servicebus.windows.net "
            + "(with keys, the connection string names it).";
    }

    /** A new definition with the shared groups; the connector adds the format group and its own keys after them. */
    public ConfigDef define() {
        ConfigDef def = new ConfigDef();
        DeliveryConfig.addConnectionGroup(def, connectionStringDoc, secondaryConnectionStringDoc(), pathDoc());
        DeliveryConfig.addRetryGroup(def);
        DeliveryConfig.addBatchGroup(def, batch.maxRecordsDefault(), batch.maxRecordsLimit(), batch.maxBytesDefault(),
            batch.maxBytesLimit());
        DeliveryConfig.addDeliveryGroup(def);
        AuthConfig.addAuthGroup(def);
        AuthConfig.addNamespace(def, namespaceDoc());
        return def;
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
