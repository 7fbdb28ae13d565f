package io.twinegress.connect.servicebus;

import io.twinegress.connect.core.AmqpEndpoint;
import io.twinegress.connect.core.AmqpEndpointConfig;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.format.FormatConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** Configuration of {@link ServiceBusSinkConnector}: the shared delivery fragments, with Service Bus limits. */
public class ServiceBusSinkConfig extends DeliveryConfig {

    /** The Azure role an identity needs to send to the topic. */
    public static final String ENTRA_ROLE = "Azure Service Bus Data Sender";

    public static final String SERVICE_BUS_GROUP = "Service Bus";
    public static final String ENTITY_PARTITIONED_CONFIG = "entity.partitioned";
    public static final boolean ENTITY_PARTITIONED_DEFAULT = true;
    public static final String ENTITY_PARTITIONED_DOC =
        "Whether the topic or queue is partitioned (partitioning enabled on the topic, or a partitioned Premium namespace). "
            + "Every message carries its PartitionKey either way (the record key, or what the message model keys choose). A partitioned entity takes one "
            + "PartitionKey per batch, so the connector batches per key (several keys at once): with many distinct keys "
            + "in what one poll brings, batches carry few records. A topic that is not partitioned takes any mix of "
            + "keys in a batch: set false there, and batches are filled whatever the keys (order per key is kept "
            + "either way). true (the default) works on both; on a partitioned topic, Service Bus refuses batches that "
            + "mix keys.";
    public static final String ENTITY_PARTITIONED_DISPLAY = "Partitioned entity";

    /** Connection strings, path, retry, batching, delivery and auth, in Service Bus' words and limits. */
    public static final AmqpEndpointConfig ENDPOINT = new AmqpEndpointConfig("Service Bus", "the Service Bus topic (or queue)",
        AmqpEndpointConfig.connectionStringDoc("the Service Bus namespace", "topic",
            "${file:/etc/twin-egress/servicebus.properties:primary} or ${env:SB_PRIMARY}"),
        "the namespace's other key",
        // 256 KB per message on Standard; batches about 1 MB on Premium
        new AmqpEndpointConfig.BatchLimits(500, 4500, 256 * 1024L, 1024 * 1024L));

    // literals, not built from ENDPOINT: a compile-time constant is inlined, so a test outside the plugin's class loader can use it
    public static final String ERROR_NO_PATH =
        "Name the Service Bus topic or queue: set path, or EntityPath in the connection string.";
    public static final String ERROR_ENTITY_PATH_MISMATCH =
        "The connection string's EntityPath names another entity than path.";

    public static final ConfigDef CONFIG_DEF = configDef();

    public ServiceBusSinkConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
    }

    public static ConfigDef configDef() {
        ConfigDef def = ENDPOINT.define();
        FormatConfig.addFormatGroup(def, true);
        def.define(ENTITY_PARTITIONED_CONFIG, ConfigDef.Type.BOOLEAN, ENTITY_PARTITIONED_DEFAULT, ConfigDef.Importance.MEDIUM,
            ENTITY_PARTITIONED_DOC, SERVICE_BUS_GROUP, 1, ConfigDef.Width.SHORT, ENTITY_PARTITIONED_DISPLAY);
        MessageModelConfig.define(def);
        return def;
    }

    @Override
    public String entraRole() {
        return ENTRA_ROLE;
    }

    /** Whether a batch must carry one partition key only: see {@link #ENTITY_PARTITIONED_DOC}. */
    public boolean entityPartitioned() {
        return getBoolean(ENTITY_PARTITIONED_CONFIG);
    }

    /** The topic or queue to send to (both are addressed by name alike): {@code path}, else the primary connection string's EntityPath. */
    public String topicName() {
        return AmqpEndpoint.entityName(this, ERROR_NO_PATH);
    }
}
