package io.twinegress.connect.eventhubs;

import io.twinegress.connect.core.DeliveryConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventHubsSinkConnectorTest {

    static final String CANARY = "CANARY-KEY-5d1c9e07";
    static final String GOOD = "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=Send;SharedAccessKey=" + CANARY;
    static final String GOOD_TELEMETRY = GOOD + ";EntityPath=telemetry";

    static Map<String, String> props() {
        Map<String, String> p = new HashMap<>();
        p.put("name", "eh-endpoint");
        p.put("connector.class", "EventHubsSinkConnector");
        p.put("topics", "twin.egress.eh-endpoint");
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, GOOD);
        p.put(DeliveryConfig.PATH_CONFIG, "telemetry");
        return p;
    }

    static Map<String, List<String>> errors(Map<String, String> props) {
        return new EventHubsSinkConnector().validate(props).configValues().stream()
            .filter(v -> !v.errorMessages().isEmpty())
            .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void theEventHubComesFromPathOrEntityPathAndTheyMustAgree() {
        Map<String, String> p = props();
        p.remove(DeliveryConfig.PATH_CONFIG);
        assertEquals(Map.of(DeliveryConfig.PATH_CONFIG, List.of(EventHubsSinkConfig.ERROR_NO_PATH)), errors(p));
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, GOOD_TELEMETRY);
        assertEquals(Map.of(), errors(p));
        assertEquals("telemetry", new EventHubsSinkConfig(p).eventHubName());
        p.put(DeliveryConfig.PATH_CONFIG, "telemetry");
        assertEquals(Map.of(), errors(p), "both given and equal");
        p.put(DeliveryConfig.PATH_CONFIG, "other");
        assertEquals(Map.of(DeliveryConfig.CONNECTION_STRING_CONFIG, List.of(EventHubsSinkConfig.ERROR_ENTITY_PATH_MISMATCH)), errors(p));
        p.put(DeliveryConfig.PATH_CONFIG, "telemetry");
        p.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, GOOD + ";EntityPath=elsewhere");
        assertEquals(Map.of(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG,
            List.of(EventHubsSinkConfig.ERROR_ENTITY_PATH_MISMATCH)), errors(p));
    }

    @Test
    void deviceMessagesNeedEntityPathInEveryConnectionStringGiven() {
        Map<String, String> p = props();
        p.put(EventHubsSinkConfig.DEVICE_MESSAGES_CONFIG, "true");
        assertEquals(Map.of(DeliveryConfig.CONNECTION_STRING_CONFIG,
            List.of(EventHubsSinkConfig.ERROR_DEVICE_MESSAGES_NEED_ENTITY_PATH)), errors(p), "path alone is not enough");
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, GOOD_TELEMETRY);
        assertEquals(Map.of(), errors(p));
        p.remove(DeliveryConfig.PATH_CONFIG);
        assertEquals(Map.of(), errors(p), "EntityPath alone is");
        p.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, GOOD.replace(CANARY, "other"));
        assertEquals(Map.of(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG,
            List.of(EventHubsSinkConfig.ERROR_DEVICE_MESSAGES_NEED_ENTITY_PATH)), errors(p));
        p.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, GOOD_TELEMETRY.replace(CANARY, "other"));
        assertEquals(Map.of(), errors(p));
        assertTrue(new EventHubsSinkConfig(p).deviceMessages());
    }

    @Test
    void startRefusesADeviceMessageEndpointWithoutEntityPathAndNeverShowsTheKey() {
        Map<String, String> p = props();
        p.put(EventHubsSinkConfig.DEVICE_MESSAGES_CONFIG, "true");
        ConfigException e = assertThrows(ConfigException.class, () -> new EventHubsSinkConnector().start(p));
        assertTrue(e.getMessage().contains(DeliveryConfig.CONNECTION_STRING_CONFIG + ": "
            + EventHubsSinkConfig.ERROR_DEVICE_MESSAGES_NEED_ENTITY_PATH), e.getMessage());
        assertFalse(e.getMessage().contains(CANARY));
    }

    @Test
    void exactDefaults() {
        EventHubsSinkConfig config = new EventHubsSinkConfig(props());
        assertFalse(config.deviceMessages());
        assertEquals(500, config.batchMaxRecords());
        assertEquals(1024 * 1024L, config.batchMaxBytes());
        assertEquals(30 * 60 * 1000L, config.backoffMax().toMillis());
        assertEquals(24 * 60 * 60 * 1000L, config.deliveryDeadline().toMillis());
        assertEquals(ConfigDef.Type.PASSWORD, EventHubsSinkConfig.CONFIG_DEF.configKeys().get(DeliveryConfig.CONNECTION_STRING_CONFIG).type);
        assertEquals(ConfigDef.Type.PASSWORD,
            EventHubsSinkConfig.CONFIG_DEF.configKeys().get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG).type);
        assertEquals(List.of(DeliveryConfig.CONNECTION_GROUP, DeliveryConfig.RETRY_GROUP, DeliveryConfig.BATCH_GROUP,
            DeliveryConfig.DELIVERY_GROUP, io.twinegress.connect.format.FormatConfig.FORMAT_GROUP, EventHubsSinkConfig.EVENT_HUBS_GROUP), EventHubsSinkConfig.CONFIG_DEF.groups());
        Map<String, String> tooBig = props();
        tooBig.put(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, String.valueOf(2 * 1024 * 1024));
        assertEquals(List.of(DeliveryConfig.BATCH_MAX_BYTES_CONFIG), List.copyOf(errors(tooBig).keySet()));
        assertFalse(config.toString().contains(CANARY));
    }
}
