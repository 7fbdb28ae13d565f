package io.twinegress.connect.servicebus;

import io.twinegress.connect.core.ConnectionString;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.Version;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    void aGoodConfigValidatesClean() {
        assertEquals(Map.of(), errors(props()));
        Map<String, String> withSecondary = props();
        withSecondary.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, GOOD.replace(CANARY, "other"));
        assertEquals(Map.of(), errors(withSecondary));
    }

    static List<Object> warnings(Map<String, String> props) {
        return new ServiceBusSinkConnector().validate(props).configValues().stream()
            .filter(v -> v.name().equals(io.twinegress.connect.core.DeliverySinkConnector.WARNINGS))
            .peek(v -> assertEquals(List.of(), v.errorMessages(), "a warning is not an error"))
            .flatMap(v -> v.recommendedValues().stream()).toList();
    }

    /**
     * Connect's validate answer has no warnings, only errors (which refuse the config): the
     * warnings go into an entry of their own, {@code twin-egress.warnings}, one per recommended
     * value, which refuses nothing.
     */
    @Test
    void validateWarnsWithoutADeadLetterTopicAndWithoutReadCommitted() {
        assertEquals(List.of(DeliveryConfig.WARNING_NO_DEAD_LETTER_TOPIC, DeliveryConfig.WARNING_ISOLATION_UNSET), warnings(props()));
        Map<String, String> p = props();
        p.put("errors.tolerance", "all");
        p.put("errors.deadletterqueue.topic.name", "twin.egress.sb-endpoint.dlq");
        p.put("consumer.override.isolation.level", "read_uncommitted");
        assertEquals(List.of(DeliveryConfig.WARNING_ISOLATION_NOT_COMMITTED), warnings(p));
        p.put("consumer.override.isolation.level", "READ_COMMITTED");
        assertEquals(List.of(), warnings(p), "no entry when there is nothing to say");
        p.remove("errors.tolerance"); // a topic without errors.tolerance=all is not usable
        assertEquals(List.of(DeliveryConfig.WARNING_NO_DEAD_LETTER_TOPIC), warnings(p));
        new ServiceBusSinkConnector().start(props()); // warnings never refuse a config
    }

    @Test
    void aMalformedPrimaryIsReportedOnItsKey() {
        Map<String, String> p = props();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, "Endpoint=https://contoso/;SharedAccessKeyName=Send;SharedAccessKey=" + CANARY);
        assertEquals(Map.of(DeliveryConfig.CONNECTION_STRING_CONFIG, List.of(ConnectionString.ERROR_BAD_ENDPOINT)), errors(p));
    }

    @Test
    void aMalformedSecondaryIsReportedOnItsKey() {
        Map<String, String> p = props();
        p.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, CANARY);
        assertEquals(Map.of(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, List.of(ConnectionString.ERROR_FORMAT)), errors(p));
    }

    @Test
    void aMissingPrimaryIsReported() {
        Map<String, String> p = props();
        p.remove(DeliveryConfig.CONNECTION_STRING_CONFIG);
        assertEquals(List.of(DeliveryConfig.CONNECTION_STRING_CONFIG), List.copyOf(errors(p).keySet()));
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, " ");
        assertEquals(Map.of(DeliveryConfig.CONNECTION_STRING_CONFIG, List.of(ConnectionString.ERROR_EMPTY)), errors(p));
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

    @Test
    void outOfRangeValuesAreReportedOnTheirKeys() {
        Map<String, String> p = props();
        p.put(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, String.valueOf(2 * 1024 * 1024));
        p.put(DeliveryConfig.RETRY_BACKOFF_JITTER_CONFIG, "1.5");
        assertEquals(List.of(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, DeliveryConfig.RETRY_BACKOFF_JITTER_CONFIG),
            errors(p).keySet().stream().sorted().toList());
    }

    @Test
    void startRefusesAnInvalidConfigNamingTheKeyButNotTheValue() {
        Map<String, String> p = props();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, "SharedAccessKey=" + CANARY);
        ConfigException e = assertThrows(ConfigException.class, () -> new ServiceBusSinkConnector().start(p));
        assertTrue(e.getMessage().contains(DeliveryConfig.CONNECTION_STRING_CONFIG + ": " + ConnectionString.ERROR_NO_ENDPOINT), e.getMessage());
        assertFalse(e.getMessage().contains(CANARY));
    }

    @Test
    void everyTaskGetsAllTheProperties() {
        ServiceBusSinkConnector c = new ServiceBusSinkConnector();
        c.start(props());
        List<Map<String, String>> tasks = c.taskConfigs(3);
        assertEquals(3, tasks.size());
        tasks.forEach(t -> assertEquals(props(), t));
        assertEquals(ServiceBusSinkTask.class, c.taskClass());
    }

    @Test
    void exactDefaults() {
        ServiceBusSinkConfig config = new ServiceBusSinkConfig(props());
        assertEquals(1_000L, config.backoffInitial().toMillis());
        assertEquals(30 * 60 * 1000L, config.backoffMax().toMillis());
        assertEquals(0.2, config.backoffJitter());
        assertEquals(24 * 60 * 60 * 1000L, config.deliveryDeadline().toMillis());
        assertEquals(500, config.batchMaxRecords());
        assertEquals(256 * 1024L, config.batchMaxBytes());
        assertEquals(0L, config.batchMaxWait().toMillis());
        assertEquals(5_000L, config.clientTryTimeout().toMillis());
        assertEquals(9_000L, config.tryTimeout().toMillis(), "5 s + 256 KiB at 64 KiB/s: one attempt of a full batch");
        assertEquals(28_200L, io.twinegress.connect.core.AmqpEndpoint.operationTimeout(config).toMillis(),
            "two attempts, the pause between them (at most 5.2 s) and 5 s");
        assertEquals(1, config.clientMaxRetries());
        assertFalse(config.deadLetterAvailable());
        assertTrue(config.secondaryConnectionString().isEmpty());
        assertEquals(ConfigDef.Type.PASSWORD, ServiceBusSinkConfig.CONFIG_DEF.configKeys().get(DeliveryConfig.CONNECTION_STRING_CONFIG).type);
        assertEquals(ConfigDef.Type.PASSWORD,
            ServiceBusSinkConfig.CONFIG_DEF.configKeys().get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG).type);
        assertTrue(config.entityPartitioned(), "batches per partition key: safe on any topic");
        assertEquals(List.of(DeliveryConfig.CONNECTION_GROUP, DeliveryConfig.RETRY_GROUP, DeliveryConfig.BATCH_GROUP,
            DeliveryConfig.DELIVERY_GROUP, ServiceBusSinkConfig.SERVICE_BUS_GROUP), ServiceBusSinkConfig.CONFIG_DEF.groups());
    }

    @Test
    void deadLetteringNeedsToleranceAllAndATopic() {
        Map<String, String> p = props();
        p.put("errors.deadletterqueue.topic.name", "dlq");
        assertFalse(new ServiceBusSinkConfig(p).deadLetterAvailable(), "tolerance none would fail the task");
        p.put("errors.tolerance", "all");
        assertTrue(new ServiceBusSinkConfig(p).deadLetterAvailable());
        p.remove("errors.deadletterqueue.topic.name");
        p.put("errors.log.enable", "true");
        assertFalse(new ServiceBusSinkConfig(p).deadLetterAvailable(), "logging only would drop the record");
    }

    @Test
    void secretsNeverShowInToString() {
        ServiceBusSinkConfig config = new ServiceBusSinkConfig(props());
        assertFalse(config.toString().contains(CANARY));
        assertFalse(config.connectionString().toString().contains(CANARY));
        assertFalse(ConnectionString.parse(config.connectionString()).toString().contains(CANARY));
    }

    @Test
    void theConnectorIsFoundThroughServiceLoaderAndKnowsItsVersion() {
        List<String> found = ServiceLoader.load(SinkConnector.class).stream()
            .map(p -> p.type().getName()).toList();
        assertTrue(found.contains(ServiceBusSinkConnector.class.getName()), found.toString());
        String version = new ServiceBusSinkConnector().version();
        assertEquals(Version.get(), version);
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
        assertEquals(version, new ServiceBusSinkTask().version());
    }
}
