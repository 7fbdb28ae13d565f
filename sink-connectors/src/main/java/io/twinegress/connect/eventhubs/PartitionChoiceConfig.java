package io.twinegress.connect.eventhubs;

import io.twinegress.connect.core.HeaderNameValidator;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The Event Hubs partitioning keys (group {@value #GROUP}): the partition key from a named header
 * instead of the record key, or an explicit partition id from a header. Off by default: the record
 * key is the partition key.
 */
public final class PartitionChoiceConfig {

    public static final String GROUP = "Partitioning";

    public static final String PARTITION_KEY_HEADER_CONFIG = "partition.key.header";
    public static final String PARTITION_KEY_HEADER_DOC =
        "A record header whose value becomes the event's partition key instead of the record key (over 128 "
            + "characters: sha256-<hex> of it). A record without it keeps the record key. Events are batched and "
            + "ordered per partition key.";

    public static final String PARTITION_ID_HEADER_CONFIG = "partition.id.header";
    public static final String PARTITION_ID_HEADER_DOC =
        "A record header whose value is the id of the partition the event is sent to (\"0\" to \"<partitions - 1>\"), "
            + "checked against the event hub's partitions: a record naming a partition the hub does not have is "
            + "dead-lettered with the reason, never sent elsewhere. A record without the header is sent by its record "
            + "key, as without this key. Events are batched and ordered per partition. Not with partition.key.header.";

    public static final String ERROR_BOTH_HEADERS =
        "Set partition.key.header or partition.id.header, not both: an event goes by a partition key or to a partition.";

    private PartitionChoiceConfig() {
    }

    /** Adds the group's keys to a connector's ConfigDef. */
    public static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
            .define(PARTITION_KEY_HEADER_CONFIG, Type.STRING, "", new HeaderNameValidator(), Importance.LOW,
                PARTITION_KEY_HEADER_DOC, GROUP, ++order, Width.MEDIUM, "Partition key header")
            .define(PARTITION_ID_HEADER_CONFIG, Type.STRING, "", new HeaderNameValidator(), Importance.LOW,
                PARTITION_ID_HEADER_DOC, GROUP, ++order, Width.MEDIUM, "Partition id header");
    }

    /** Cross-field checks, each error on the key it concerns. */
    public static void validate(Map<String, ConfigValue> values) {
        if (given(values.get(PARTITION_KEY_HEADER_CONFIG)) && given(values.get(PARTITION_ID_HEADER_CONFIG))) {
            values.get(PARTITION_ID_HEADER_CONFIG).addErrorMessage(ERROR_BOTH_HEADERS);
        }
    }

    private static boolean given(ConfigValue v) {
        return v != null && v.value() != null && !v.value().toString().isBlank();
    }
}
