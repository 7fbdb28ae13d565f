package io.twinegress.testing.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real broker and a real Connect worker: topics, produce, consume and a connector via REST. */
class HarnessSmokeIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final ConnectWorker CONNECT = new ConnectWorker(KAFKA).withPlugin(ProbePluginJar.build());

    @Test
    void producesAndConsumesStringsAndBytesWithHeaders() {
        KAFKA.createTopic("smoke.roundtrip", 3);
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(KafkaBroker.record("smoke.roundtrip", "key-" + i, "value-" + i));
        }
        KAFKA.produce(batch);
        byte[] raw = {0, 1, 2, (byte) 0xff};
        KAFKA.produce("smoke.roundtrip", "device-1".getBytes(StandardCharsets.UTF_8), raw,
                new RecordHeader("source", "smoke".getBytes(StandardCharsets.UTF_8)));

        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.consume("smoke.roundtrip", 101, DEADLINE);

        assertEquals(101, records.size());
        ConsumerRecord<byte[], byte[]> device = records.stream()
                .filter(r -> "device-1".equals(new String(r.key(), StandardCharsets.UTF_8)))
                .findFirst().orElseThrow();
        assertArrayEquals(raw, device.value());
        assertArrayEquals("smoke".getBytes(StandardCharsets.UTF_8), device.headers().lastHeader("source").value());
    }

    @Test
    void createsCompactedTopic() throws Exception {
        KAFKA.createTopic("smoke.compacted", 1, Map.of("cleanup.policy", "compact"));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "smoke.compacted");
        String policy = KAFKA.admin().describeConfigs(List.of(resource)).all().get()
                .get(resource).get("cleanup.policy").value();
        assertEquals("compact", policy);
    }

    @Test
    void deploysASinkConnectorThatConsumesTheRecords() {
        KAFKA.createTopic("smoke.sink", 2);
        for (int i = 0; i < 50; i++) {
            KAFKA.produce("smoke.sink", "k" + i, "v" + i);
        }
        assertTrue(CONNECT.rest().connectorPlugins().contains(CountingSinkConnector.class.getName()));

        CONNECT.rest().putConnector("smoke-counter", Map.of(
                "connector.class", CountingSinkConnector.class.getName(),
                "topics", "smoke.sink",
                "tasks.max", "1"));
        CONNECT.rest().awaitRunning("smoke-counter", DEADLINE);

        await("the sink task to receive 50 records").atMost(DEADLINE)
                .until(() -> CountingSinkConnector.count("smoke-counter") == 50);
        await("Connect to commit the sink's offsets up to 50").atMost(DEADLINE)
                .until(() -> committed(ConnectWorker.sinkGroupId("smoke-counter")) == 50);

        CONNECT.rest().deleteConnector("smoke-counter");
        await("connector deleted").atMost(DEADLINE).until(() -> !CONNECT.rest().connectors().contains("smoke-counter"));
    }

    @Test
    void runsAConnectorFromAPluginDirectoryFoundByServiceLoading() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(ProbePluginJar.CONNECTOR_CLASS),
                "the probe must not be on the test classpath, or this test proves nothing");
        assertTrue(CONNECT.rest().connectorPlugins().contains(ProbePluginJar.CONNECTOR_CLASS));
        KAFKA.createTopic("smoke.plugin", 1);
        KAFKA.produce("smoke.plugin", "k", "v");

        // The simple class name works as connector.class, as our connectors' docs promise for them.
        CONNECT.rest().putConnector("smoke-probe", Map.of("connector.class", "ProbeSinkConnector", "topics", "smoke.plugin"));
        CONNECT.rest().awaitRunning("smoke-probe", DEADLINE);

        await("the plugin's sink to consume and commit the record").atMost(DEADLINE)
                .until(() -> committed(ConnectWorker.sinkGroupId("smoke-probe")) == 1);
    }

    @Test
    void restartedWorkerResumesItsConnectorsWhereItsOffsetsSay() {
        KAFKA.createTopic("smoke.restart", 1);
        KAFKA.produce("smoke.restart", "k", "before");
        CONNECT.rest().putConnector("smoke-restart", Map.of(
                "connector.class", "CountingSinkConnector", "topics", "smoke.restart"));
        CONNECT.rest().awaitRunning("smoke-restart", DEADLINE);
        await("first record committed").atMost(DEADLINE)
                .until(() -> committed(ConnectWorker.sinkGroupId("smoke-restart")) == 1);

        CONNECT.close();
        KAFKA.produce("smoke.restart", "k", "while down");
        CONNECT.start();

        CONNECT.rest().awaitRunning("smoke-restart", DEADLINE);
        await("second record committed").atMost(DEADLINE)
                .until(() -> committed(ConnectWorker.sinkGroupId("smoke-restart")) == 2);
        assertEquals(2, CountingSinkConnector.count("smoke-restart"), "each record delivered once");
    }

    @Test
    void validatesAConnectorConfigThroughRest() {
        ConnectRestClient.Validation ok = CONNECT.rest().validate("CountingSinkConnector",
                Map.of("name", "v", "topics", "smoke.any"));
        assertEquals(0, ok.errorCount(), ok.response()::toString);

        ConnectRestClient.Validation bad = CONNECT.rest().validate("CountingSinkConnector",
                Map.of("name", "v", "topics", "smoke.any", "tasks.max", "0"));
        assertEquals(1, bad.errorCount(), bad.response()::toString);
        assertTrue(bad.errors().containsKey("tasks.max"), bad.errors()::toString);
    }

    @Test
    void brokerRunsTheProductionMetadataVersionAndFeatures() throws Exception {
        var features = KAFKA.admin().describeFeatures().featureMetadata().get().finalizedFeatures();
        assertEquals(MetadataVersion.latestProduction().featureLevel(), features.get("metadata.version").maxVersionLevel());
        for (String feature : List.of("group.version", "transaction.version", "streams.version")) {
            assertTrue(features.containsKey(feature) && features.get(feature).maxVersionLevel() > 0,
                    feature + " finalized: " + features);
        }
    }

    @Test
    void consumeHonoursTheIsolationLevel() {
        KAFKA.createTopic("smoke.tx", 1);
        Map<String, Object> config = new HashMap<>(KAFKA.producerConfig());
        config.put("transactional.id", "smoke-tx");
        try (var producer = new KafkaProducer<byte[], byte[]>(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(KafkaBroker.record("smoke.tx", "k", "aborted"));
            producer.flush(); // else abortTransaction drops the unsent batch and the log never holds it
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(KafkaBroker.record("smoke.tx", "k", "committed"));
            producer.commitTransaction();
        }

        List<String> committed = KAFKA.consumeStrings("smoke.tx", 1, DEADLINE).stream()
                .map(ConsumerRecord::value).collect(Collectors.toList());
        List<ConsumerRecord<byte[], byte[]>> all = KAFKA.consume("smoke.tx", 2, DEADLINE, IsolationLevel.READ_UNCOMMITTED);

        assertEquals(List.of("committed"), committed);
        assertEquals(2, all.size());
    }

    @Test
    void consumeFailsWithACountAtTheDeadline() {
        KAFKA.createTopic("smoke.short", 1);
        KAFKA.produce("smoke.short", "k", "only one");
        AssertionError error = assertThrows(AssertionError.class,
                () -> KAFKA.consume("smoke.short", 2, Duration.ofMillis(1500)));
        assertTrue(error.getMessage().endsWith("got 1"), error.getMessage());
    }

    private static long committed(String group) {
        return KAFKA.committedOffsets(group).values().stream().mapToLong(Long::longValue).sum();
    }
}
