package io.twinegress.connect.eventhubs;

import io.twinegress.connect.core.AmqpEndpoint;
import io.twinegress.connect.core.AmqpEndpointConfig;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.format.FormatConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Configuration of {@link EventHubsSinkConnector}: the shared delivery fragments with Event Hubs limits, and {@code device.messages}. */
public class EventHubsSinkConfig extends DeliveryConfig {

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

    /** Connection strings, path, retry, batching, delivery and auth, in Event Hubs' words and limits. */
    public static final AmqpEndpointConfig ENDPOINT = new AmqpEndpointConfig("Event Hubs", "the event hub",
        AmqpEndpointConfig.connectionStringDoc("the Event Hubs namespace or of the event hub", "event hub",
            "${file:/etc/twin-egress/eventhubs.properties:primary} or ${env:EH_PRIMARY}"),
        "the other key of the same policy",
        // one publish at most 1 MB (the link announces 256 KB on Basic; the smaller one wins)
        new AmqpEndpointConfig.BatchLimits(500, 10_000, 1024 * 1024L, 1024 * 1024L));

    // literals, not built from ENDPOINT: a compile-time constant is inlined, so a test outside the plugin's class loader can use it
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
        ConfigDef def = ENDPOINT.define();
        FormatConfig.addFormatGroup(def, true);
        def.define(DEVICE_MESSAGES_CONFIG, Type.BOOLEAN, DEVICE_MESSAGES_DEFAULT, Importance.HIGH, DEVICE_MESSAGES_DOC,
            EVENT_HUBS_GROUP, 1, Width.SHORT, DEVICE_MESSAGES_DISPLAY);
        PartitionChoiceConfig.define(def);
        return def;
    }

    @Override
    public String entraRole() {
        return ENTRA_ROLE;
    }

    /** The event hub: {@code path}, else the primary connection string's EntityPath. */
    public String eventHubName() {
        return AmqpEndpoint.entityName(this, ERROR_NO_PATH);
    }

    /** Whether every record is raw device telemetry. */
    public boolean deviceMessages() {
        return getBoolean(DEVICE_MESSAGES_CONFIG);
    }
}
