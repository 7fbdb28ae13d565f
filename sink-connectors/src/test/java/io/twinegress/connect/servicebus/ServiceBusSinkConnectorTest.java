package io.twinegress.connect.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.HeaderNameValidator;
import io.twinegress.connect.core.HeaderNamesValidator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
            DeliveryConfig.DELIVERY_GROUP, io.twinegress.connect.core.AuthConfig.AUTH_GROUP,
            io.twinegress.connect.format.FormatConfig.FORMAT_GROUP, ServiceBusSinkConfig.SERVICE_BUS_GROUP, MessageModelConfig.GROUP),
            ServiceBusSinkConfig.CONFIG_DEF.groups());
        assertEquals("none", ServiceBusSinkConfig.CONFIG_DEF.configKeys().get(MessageModelConfig.SESSION_ID_SOURCE_CONFIG).defaultValue);
        assertEquals(0L, ServiceBusSinkConfig.CONFIG_DEF.configKeys().get(MessageModelConfig.TIME_TO_LIVE_MS_CONFIG).defaultValue);
        for (String key : List.of(MessageModelConfig.SESSION_ID_HEADER_CONFIG, MessageModelConfig.PARTITION_KEY_HEADER_CONFIG,
            MessageModelConfig.CORRELATION_ID_HEADER_CONFIG, MessageModelConfig.REPLY_TO_HEADER_CONFIG,
            MessageModelConfig.SCHEDULED_ENQUEUE_TIME_HEADER_CONFIG)) {
            assertEquals("", ServiceBusSinkConfig.CONFIG_DEF.configKeys().get(key).defaultValue, key);
        }
        assertEquals(List.of(), config.getList(MessageModelConfig.PROPERTIES_INCLUDE_CONFIG), "every header, as today");
        assertEquals(List.of(), config.getList(MessageModelConfig.PROPERTIES_EXCLUDE_CONFIG));
    }

    /** A bad message-model value is refused by validate() on its own key, with the message a test can name. */
    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badMessageModel")
    void aBadMessageModelValueIsRefusedOnItsKey(String key, String value, Map<String, String> also, String error) {
        Map<String, String> p = props();
        p.putAll(also);
        p.put(key, value);
        Map<String, List<String>> errors = errors(p);
        assertEquals(Set.of(key), errors.keySet(), errors.toString());
        assertTrue(errors.get(key).stream().anyMatch(e -> e.contains(error)), errors.toString());
    }

    static Stream<Arguments> badMessageModel() {
        return Stream.of(
            Arguments.of(MessageModelConfig.SESSION_ID_SOURCE_CONFIG, "subject", Map.of(), MessageModelConfig.SessionIdSourceValidator.ERROR),
            Arguments.of(MessageModelConfig.SESSION_ID_HEADER_CONFIG, "",
                Map.of(MessageModelConfig.SESSION_ID_SOURCE_CONFIG, "header"), MessageModelConfig.ERROR_SESSION_HEADER_MISSING),
            Arguments.of(MessageModelConfig.SESSION_ID_HEADER_CONFIG, "order-id", Map.of(), MessageModelConfig.ERROR_SESSION_HEADER_UNUSED),
            Arguments.of(MessageModelConfig.PARTITION_KEY_HEADER_CONFIG, "pk",
                Map.of(MessageModelConfig.SESSION_ID_SOURCE_CONFIG, "record-key"), MessageModelConfig.ERROR_PARTITION_KEY_WITH_SESSION),
            Arguments.of(MessageModelConfig.CORRELATION_ID_HEADER_CONFIG, "corr-*", Map.of(), HeaderNameValidator.ERROR_WILDCARD),
            Arguments.of(MessageModelConfig.REPLY_TO_HEADER_CONFIG, "reply*", Map.of(), HeaderNameValidator.ERROR_WILDCARD),
            Arguments.of(MessageModelConfig.SCHEDULED_ENQUEUE_TIME_HEADER_CONFIG, "*", Map.of(), HeaderNameValidator.ERROR_WILDCARD),
            Arguments.of(MessageModelConfig.TIME_TO_LIVE_MS_CONFIG, "-1", Map.of(), "Value must be at least 0"),
            Arguments.of(MessageModelConfig.TIME_TO_LIVE_MS_CONFIG, "PT10M", Map.of(), "Not a number of type LONG"),
            Arguments.of(MessageModelConfig.PROPERTIES_INCLUDE_CONFIG, "a,,b", Map.of(), HeaderNamesValidator.ERROR_BLANK),
            Arguments.of(MessageModelConfig.PROPERTIES_EXCLUDE_CONFIG, "*.secret", Map.of(), HeaderNamesValidator.ERROR_WILDCARD));
    }

    @Test
    void theMessageModelKeysTogetherValidateClean() {
        Map<String, String> p = props();
        p.put(MessageModelConfig.SESSION_ID_SOURCE_CONFIG, "header");
        p.put(MessageModelConfig.SESSION_ID_HEADER_CONFIG, "order-id");
        p.put(MessageModelConfig.CORRELATION_ID_HEADER_CONFIG, "corr");
        p.put(MessageModelConfig.REPLY_TO_HEADER_CONFIG, "reply");
        p.put(MessageModelConfig.SCHEDULED_ENQUEUE_TIME_HEADER_CONFIG, "at");
        p.put(MessageModelConfig.TIME_TO_LIVE_MS_CONFIG, "600000");
        p.put(MessageModelConfig.PROPERTIES_INCLUDE_CONFIG, "twin-egress.*,app.code");
        p.put(MessageModelConfig.PROPERTIES_EXCLUDE_CONFIG, "twin-egress.source-offset");
        assertEquals(Map.of(), errors(p));
    }

}
