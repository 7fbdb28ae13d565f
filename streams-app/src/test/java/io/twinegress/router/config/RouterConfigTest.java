package io.twinegress.router.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.router.routing.Lineage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterConfigTest {

    private static Map<String, Object> minimal() {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "localhost:9092");
        return props;
    }

    @Test
    void defaultsAreTheTopicNamesOfTheDesign() {
        RouterConfig config = new RouterConfig(minimal());
        assertEquals(List.of("twin.events"), config.inputTopics());
        assertEquals(Optional.of("twin.device-messages"), config.deviceMessagesTopic());
        assertEquals("twin.endpoints", config.endpointsTopic());
        assertEquals("twin.endpoints.status", config.statusTopic());
        assertEquals("twin.events.dlq", config.dlqTopic());
        assertEquals("twin.egress.ep-1", config.egressTopic("ep-1"));
        assertEquals(Optional.empty(), config.egressPartitions());
        assertEquals(Optional.empty(), config.egressReplicationFactor());
        assertEquals(1_048_576, config.maxEventBytes());
        assertTrue(config.createTopics());
        Properties streams = config.streamsProperties();
        assertEquals("twin-egress-router", streams.get(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("twin.events.dlq", streams.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG));
        assertEquals(1_048_576 + 65_536, streams.get("producer.max.request.size"));
        assertTrue(streams.keySet().stream().noneMatch(k -> k.toString().startsWith("twin.")), "own keys stay out of Streams");
    }

    @Test
    void kafkaKeysPassThroughAndOverrideTheRoutersDefaults() {
        Map<String, Object> props = minimal();
        props.put("processing.guarantee", "at_least_once");
        props.put("application.id", "router-eu");
        props.put("num.stream.threads", "4");
        props.put("max.request.size", "5000000");
        props.put("consumer.fetch.max.bytes", "1000");
        Properties streams = new RouterConfig(props).streamsProperties();
        assertEquals("at_least_once", streams.get("processing.guarantee"));
        assertEquals("router-eu", streams.get("application.id"));
        assertEquals("4", streams.get("num.stream.threads"));
        assertEquals("5000000", streams.get("max.request.size"));
        assertEquals(null, streams.get("producer.max.request.size"), "an explicit max.request.size wins");
        assertEquals("1000", streams.get("consumer.fetch.max.bytes"));
    }

    @Test
    void anUnknownRouterKeyIsAnErrorNamingIt() {
        Map<String, Object> props = minimal();
        props.put("twin.egress.prefix", "x.");
        ConfigException e = assertThrows(ConfigException.class, () -> new RouterConfig(props));
        assertTrue(e.getMessage().contains("twin.egress.prefix"), e.getMessage());
    }

    @Test
    void bootstrapServersIsRequired() {
        ConfigException e = assertThrows(ConfigException.class, () -> new RouterConfig(new HashMap<>()));
        assertTrue(e.getMessage().contains("bootstrap.servers"), e.getMessage());
    }

    @Test
    void badValuesFailWithTheKey() {
        for (Map.Entry<String, String> bad : Map.of(
                "twin.event.max.bytes", "0",
                "twin.egress.topic.partitions", "0",
                "twin.input.topics", "",
                "twin.dlq.topic", "bad topic",
                "processing.guarantee", "sometimes").entrySet()) {
            Map<String, Object> props = minimal();
            props.put(bad.getKey(), bad.getValue());
            ConfigException e = assertThrows(ConfigException.class, () -> new RouterConfig(props), bad.getKey());
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
    }

    @Test
    void lineageHeadersAreAllThreeByDefaultAnySubsetOrNone() {
        assertEquals(Lineage.ALL, new RouterConfig(minimal()).lineage());
        Map<String, Object> props = minimal();
        props.put(RouterConfig.LINEAGE_HEADERS_CONFIG, "source-offset, source-topic");
        assertEquals(new Lineage(true, false, true), new RouterConfig(props).lineage());
        props.put(RouterConfig.LINEAGE_HEADERS_CONFIG, "");
        assertEquals(new Lineage(false, false, false), new RouterConfig(props).lineage());
    }

    @Test
    void anUnknownOrRepeatedLineageHeaderFailsNamingTheKeyAndTheChoices() {
        Map<String, Object> props = minimal();
        props.put(RouterConfig.LINEAGE_HEADERS_CONFIG, "source-topic,offset");
        ConfigException unknown = assertThrows(ConfigException.class, () -> new RouterConfig(props));
        assertTrue(unknown.getMessage().contains(RouterConfig.LINEAGE_HEADERS_CONFIG), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("'offset'") && unknown.getMessage().contains("source-partition"), unknown.getMessage());
        props.put(RouterConfig.LINEAGE_HEADERS_CONFIG, "source-topic,source-topic");
        ConfigException twice = assertThrows(ConfigException.class, () -> new RouterConfig(props));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    }

    @Test
    void aTopicCannotHaveTwoRoles() {
        Map<String, Object> props = minimal();
        props.put("twin.dlq.topic", "twin.events");
        assertThrows(ConfigException.class, () -> new RouterConfig(props));
        Map<String, Object> looping = minimal();
        looping.put("twin.input.topics", "twin.egress.sb");
        assertThrows(ConfigException.class, () -> new RouterConfig(looping));
    }

    @Test
    void deviceMessagesCanBeTurnedOff() {
        Map<String, Object> props = minimal();
        props.put("twin.device.messages.topic", "");
        assertEquals(Optional.empty(), new RouterConfig(props).deviceMessagesTopic());
    }

    @Test
    void environmentVariablesMapToKeysAndOverrideTheFile(@TempDir Path dir) throws Exception {
        assertEquals("bootstrap.servers", ConfigLoader.keyOf("TWIN_ROUTER_BOOTSTRAP_SERVERS"));
        assertEquals("twin.dlq.topic", ConfigLoader.keyOf("TWIN_ROUTER_TWIN_DLQ_TOPIC"));
        assertEquals("twin.device.messages.topic", ConfigLoader.keyOf("TWIN_ROUTER_TWIN_DEVICE_MESSAGES_TOPIC"));
        assertEquals("a-b.c", ConfigLoader.keyOf("TWIN_ROUTER_A__B_C"));
        for (String key : RouterConfig.CONFIG_DEF.names()) {
            assertEquals(key, ConfigLoader.keyOf(ConfigLoader.envOf(key)));
        }
        Path file = dir.resolve("router.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\ntwin.dlq.topic=from-file  \n");
        Properties props = ConfigLoader.load(file, Map.of("TWIN_ROUTER_BOOTSTRAP_SERVERS", "env:9092", "PATH", "/bin"));
        assertEquals("env:9092", props.get("bootstrap.servers"));
        assertEquals("from-file", props.get("twin.dlq.topic"));
        assertEquals(2, props.size());
    }

    @Test
    void theEgressTopicStepMustFitInHalfTheTransactionTimeoutUnderExactlyOnce() {
        assertEquals(2_000L, new RouterConfig(minimal()).egressCreateTimeoutMs());
        assertEquals(3, new RouterConfig(minimal()).egressCreateAttempts());
        Map<String, Object> tooLong = minimal();
        tooLong.put(RouterConfig.EGRESS_CREATE_TIMEOUT_CONFIG, "5001");
        ConfigException e = assertThrows(ConfigException.class, () -> new RouterConfig(tooLong));
        assertTrue(e.getMessage().contains(RouterConfig.EGRESS_CREATE_TIMEOUT_CONFIG) && e.getMessage().contains("10000 ms"), e.getMessage());

        Map<String, Object> shorterTransactions = minimal();
        shorterTransactions.put("producer.transaction.timeout.ms", "3000");
        e = assertThrows(ConfigException.class, () -> new RouterConfig(shorterTransactions));
        assertTrue(e.getMessage().contains("transaction.timeout.ms (3000 ms)"), e.getMessage());
        shorterTransactions.put(RouterConfig.EGRESS_CREATE_TIMEOUT_CONFIG, "1500");
        assertEquals(1500L, new RouterConfig(shorterTransactions).egressCreateTimeoutMs());

        Map<String, Object> unprefixed = minimal();
        unprefixed.put("transaction.timeout.ms", "60000");
        unprefixed.put(RouterConfig.EGRESS_CREATE_TIMEOUT_CONFIG, "30000");
        assertEquals(30_000L, new RouterConfig(unprefixed).egressCreateTimeoutMs());

        Map<String, Object> atLeastOnce = minimal();
        atLeastOnce.put("processing.guarantee", "at_least_once");
        atLeastOnce.put(RouterConfig.EGRESS_CREATE_TIMEOUT_CONFIG, "60000");
        assertEquals(60_000L, new RouterConfig(atLeastOnce).egressCreateTimeoutMs(), "no transaction to fit in");

        Map<String, Object> noAttempts = minimal();
        noAttempts.put(RouterConfig.EGRESS_CREATE_ATTEMPTS_CONFIG, "0");
        assertThrows(ConfigException.class, () -> new RouterConfig(noAttempts));
    }

    @Test
    void theProcessingExceptionHandlerIsTheRoutersOwn() {
        assertEquals(io.twinegress.router.deadletter.RouterProcessingExceptionHandler.class.getName(),
                new RouterConfig(minimal()).streamsProperties().get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG));
        Map<String, Object> other = minimal();
        other.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, "org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler");
        ConfigException e = assertThrows(ConfigException.class, () -> new RouterConfig(other));
        assertTrue(e.getMessage().contains("processing.exception.handler") && e.getMessage().contains("cannot be changed"), e.getMessage());
        Map<String, Object> same = minimal();
        same.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, io.twinegress.router.deadletter.RouterProcessingExceptionHandler.class);
        new RouterConfig(same);
    }

    @Test
    void theRecordLimitIsTheSmallerOfTheRequestSizeAndWhatTheTopicsTake() {
        assertEquals(1_048_576 + 65_536, new RouterConfig(minimal()).maxRecordBytes());
        Map<String, Object> smallRequests = minimal();
        smallRequests.put("producer.max.request.size", "500000");
        assertEquals(500_000, new RouterConfig(smallRequests).maxRecordBytes());
        Map<String, Object> unprefixed = minimal();
        unprefixed.put("max.request.size", "10000000");
        assertEquals(1_048_576 + 65_536, new RouterConfig(unprefixed).maxRecordBytes(), "the topics take no more");
        Map<String, Object> smallEvents = minimal();
        smallEvents.put(RouterConfig.EVENT_MAX_BYTES_CONFIG, "1000");
        assertEquals(1000 + 65_536, new RouterConfig(smallEvents).maxRecordBytes());
    }

    @Test
    void aMissingFileIsAConfigurationError() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("/nonexistent/router.properties"), Map.of()));
        assertTrue(e.getMessage().contains("/nonexistent/router.properties"));
    }

    @Test
    void theTopicNameRuleAgreesWithKafkasOwn() {
        // Kafka's rule lives in an internal class; the router keeps its own copy, checked here against it.
        for (String name : List.of("twin.events", "a", ".", "..", "...", "a b", "twin/events", "ü", "x".repeat(249),
                "x".repeat(250), "", "under_score-dash.dot", "tab\t", "A-Z_09")) {
            boolean kafkaAccepts;
            try {
                org.apache.kafka.common.internals.Topic.validate(name);
                kafkaAccepts = true;
            } catch (org.apache.kafka.common.errors.InvalidTopicException e) {
                kafkaAccepts = false;
            }
            assertEquals(kafkaAccepts, RouterConfig.topicNameProblem(name) == null, name);
        }
        ConfigException e = assertThrows(ConfigException.class, () -> {
            Map<String, Object> props = minimal();
            props.put("twin.endpoints.topic", "twin/endpoints");
            new RouterConfig(props);
        });
        assertTrue(e.getMessage().contains("ASCII letters, digits"), e.getMessage());
    }

    @Test
    void theHealthEndpointIsOffUnlessAPortIsSet() {
        RouterConfig off = new RouterConfig(minimal());
        assertEquals(Optional.empty(), off.healthPort());
        assertEquals("127.0.0.1", off.healthHost());
        Map<String, Object> props = minimal();
        props.put(RouterConfig.HEALTH_PORT_CONFIG, "8080");
        props.put(RouterConfig.HEALTH_HOST_CONFIG, "0.0.0.0");
        RouterConfig on = new RouterConfig(props);
        assertEquals(Optional.of(8080), on.healthPort());
        assertEquals("0.0.0.0", on.healthHost());
        assertTrue(on.streamsProperties().keySet().stream().noneMatch(k -> k.toString().startsWith("twin.health")));
        props.put(RouterConfig.HEALTH_PORT_CONFIG, "-2");
        ConfigException e = assertThrows(ConfigException.class, () -> new RouterConfig(props));
        assertTrue(e.getMessage().contains(RouterConfig.HEALTH_PORT_CONFIG), e.getMessage());
    }
}
