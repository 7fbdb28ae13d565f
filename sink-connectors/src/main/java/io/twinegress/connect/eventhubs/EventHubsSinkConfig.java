package io.twinegress.connect.eventhubs;

import io.twinegress.connect.core.AmqpEndpoint;
import io.twinegress.connect.core.AuthConfig;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.format.FormatConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Configuration of {@link EventHubsSinkConnector}: the shared delivery fragments with Event Hubs limits, and {@code device.messages}. */
public class EventHubsSinkConfig extends DeliveryConfig {

    public static final String CONNECTION_STRING_DOC =
        "Connection string of the Event Hubs namespace or of the event hub, as in the Azure portal: "
            + "Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>"
            + "[;EntityPath=<event hub>]. The policy needs the Send right. Keep it out of the connector config with a "
            + "ConfigProvider, e.g. ${file:/etc/twin-egress/eventhubs.properties:primary} or ${env:EH_PRIMARY}.";
    public static final String SECONDARY_CONNECTION_STRING_DOC =
        "Connection string with the other key of the same policy. When the endpoint refuses the key in use, the task "
            + "switches to the other one at once and re-sends; with both refused it backs off and keeps trying both.";
    public static final String PATH_DOC =
        "The event hub the events are sent to. May be empty when the connection string names it with EntityPath; "
            + "when both are given they must be equal.";

    public static final String NAMESPACE_DOC =
        "auth.mode=entra-id: the fully qualified Event Hubs namespace, e.g. myns.servicebus.windows.net (with keys, "
            + "the connection string names it).";
    /** The Azure role an identity needs to send to the event hub. */
    public static final String ENTRA_ROLE = "Azure Event Hubs Data Sender";

    public static final String EVENT_HUBS_GROUP = "Event Hubs";

    public static final String DEVICE_MESSAGES_CONFIG = "device.messages";
    public static final boolean DEVICE_MESSAGES_DEFAULT = false;
    public static final String DEVICE_MESSAGES_DOC =
        "Set to true by whoever registers the endpoint when its eventTypes are [\"DeviceMessage\"] (the router's "
            + "twin.endpoints entry). Every record is then raw device telemetry: its bytes become the event body exactly "
            + "as they arrived, never parsed, and no content type is set. Such an endpoint must name its event hub with "
            + "EntityPath in the connection string (and in the secondary one, if set), as the Azure Digital Twins "
            + "endpoint rules require; the connector refuses to start otherwise. A record whose event-type header is "
            + "DeviceMessage is forwarded raw even when this is false.";
    public static final String DEVICE_MESSAGES_DISPLAY = "Device messages";

    /** Event Hubs: one publish at most 1 MB (the link announces 256 KB on Basic; the smaller one wins). */
    public static final int BATCH_MAX_RECORDS_DEFAULT = 500;
    public static final int BATCH_MAX_RECORDS_LIMIT = 10_000;
    public static final long BATCH_MAX_BYTES_DEFAULT = 1024 * 1024L;
    public static final long BATCH_MAX_BYTES_LIMIT = 1024 * 1024L;

    public static final String ERROR_NO_PATH =
        "Name the event hub: set path, or EntityPath in the connection string.";
    public static final String ERROR_ENTITY_PATH_MISMATCH =
        "The connection string's EntityPath names another event hub than path.";
    public static final String ERROR_DEVICE_MESSAGES_NEED_ENTITY_PATH =
        "With device.messages=true the connection string must name the event hub with EntityPath=<event hub>.";

    public static final ConfigDef CONFIG_DEF = configDef();

    public EventHubsSinkConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
    }

    public static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        addConnectionGroup(def, CONNECTION_STRING_DOC, SECONDARY_CONNECTION_STRING_DOC, PATH_DOC);
        addRetryGroup(def);
        addBatchGroup(def, BATCH_MAX_RECORDS_DEFAULT, BATCH_MAX_RECORDS_LIMIT, BATCH_MAX_BYTES_DEFAULT, BATCH_MAX_BYTES_LIMIT);
        addDeliveryGroup(def);
        AuthConfig.addAuthGroup(def);
        AuthConfig.addNamespace(def, NAMESPACE_DOC);
        FormatConfig.addFormatGroup(def, true);
        def.define(DEVICE_MESSAGES_CONFIG, Type.BOOLEAN, DEVICE_MESSAGES_DEFAULT, Importance.HIGH, DEVICE_MESSAGES_DOC,
            EVENT_HUBS_GROUP, 1, Width.SHORT, DEVICE_MESSAGES_DISPLAY);
        PartitionChoiceConfig.define(def);
        return def;
    }

    /** The event hub: {@code path}, else the primary connection string's EntityPath. */
    @Override
    public String entraRole() {
        return ENTRA_ROLE;
    }

    public String eventHubName() {
        return AmqpEndpoint.entityName(this, ERROR_NO_PATH);
    }

    /** Whether every record is raw device telemetry. */
    public boolean deviceMessages() {
        return getBoolean(DEVICE_MESSAGES_CONFIG);
    }
}
