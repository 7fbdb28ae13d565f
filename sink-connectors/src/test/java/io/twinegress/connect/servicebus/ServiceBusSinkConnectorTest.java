package io.twinegress.connect.servicebus;

import io.twinegress.connect.core.DeliveryConfig;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceBusSinkConnectorTest {

    static final String CANARY = "CANARY-KEY-0b7e4a21";
    static final String GOOD = "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=Send;SharedAccessKey=" + CANARY;

    static Map<String, String> props() {
        Map<String, String> p = new HashMap<>();
        p.put("name", "sb-endpoint");
        p.put("connector.class", "ServiceBusSinkConnector");
        p.put("topics", "twin.egress.sb-endpoint");
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, GOOD);
        p.put(DeliveryConfig.PATH_CONFIG, "twins");
        return p;
    }

    static Map<String, List<String>> errors(Map<String, String> props) {
        return new ServiceBusSinkConnector().validate(props).configValues().stream()
            .filter(v -> !v.errorMessages().isEmpty())
            .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void thePathComesFromPathOrEntityPathAndTheyMustAgree() {
        Map<String, String> p = props();
        p.remove(DeliveryConfig.PATH_CONFIG);
        assertEquals(Map.of(DeliveryConfig.PATH_CONFIG, List.of(ServiceBusSinkConfig.ERROR_NO_PATH)), errors(p));
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, GOOD + ";EntityPath=twins");
        assertEquals(Map.of(), errors(p));
        assertEquals("twins", new ServiceBusSinkConfig(p).topicName());
        p.put(DeliveryConfig.PATH_CONFIG, "other");
        assertEquals(Map.of(DeliveryConfig.CONNECTION_STRING_CONFIG, List.of(ServiceBusSinkConfig.ERROR_ENTITY_PATH_MISMATCH)), errors(p));
        p.put(DeliveryConfig.PATH_CONFIG, "twins");
        p.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, GOOD + ";EntityPath=elsewhere");
        assertEquals(Map.of(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, List.of(ServiceBusSinkConfig.ERROR_ENTITY_PATH_MISMATCH)), errors(p));
    }

    /** Service Bus's own defaults; the shared ones are checked for every connector in {@code SinkConnectorsTest}. */
    @Test
    void exactDefaults() {
        ServiceBusSinkConfig config = new ServiceBusSinkConfig(props());
        assertEquals(500, config.batchMaxRecords());
        assertEquals(256 * 1024L, config.batchMaxBytes());
        assertEquals(9_000L, config.tryTimeout().toMillis(), "5 s + 256 KiB at 64 KiB/s: one attempt of a full batch");
        assertEquals(28_200L, io.twinegress.connect.core.AmqpEndpoint.operationTimeout(config).toMillis(),
            "two attempts, the pause between them (at most 5.2 s) and 5 s");
        assertTrue(config.entityPartitioned(), "batches per partition key: safe on any topic");
        assertEquals(List.of(DeliveryConfig.CONNECTION_GROUP, DeliveryConfig.RETRY_GROUP, DeliveryConfig.BATCH_GROUP,
            DeliveryConfig.DELIVERY_GROUP, io.twinegress.connect.format.FormatConfig.FORMAT_GROUP, ServiceBusSinkConfig.SERVICE_BUS_GROUP), ServiceBusSinkConfig.CONFIG_DEF.groups());
    }

}
