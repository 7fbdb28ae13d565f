package io.twinegress.router.topology;

import io.twinegress.router.config.RouterConfig;
import io.twinegress.router.endpoints.EgressTopics;
import io.twinegress.router.metrics.RouterMetrics;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.JsonSerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver around the router's topology, with a fake egress-topic creator. */
final class RouterDriver implements AutoCloseable {

    final RouterConfig config;
    final RouterMetrics metrics = new RouterMetrics(System::nanoTime);
    final List<String> createdTopics = new CopyOnWriteArrayList<>();
    final Set<String> failingTopics = new HashSet<>();
    final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> endpoints;
    private final TestOutputTopic<String, byte[]> status;
    private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();

    RouterDriver() {
        this(Map.of());
    }

    RouterDriver(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/router-ttd");
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.putAll(overrides);
        config = new RouterConfig(props);
        EgressTopics.Factory fake = appConfigs -> topic -> {
            if (failingTopics.contains(topic)) {
                throw new EgressTopics.EgressTopicException("egress topic " + topic + " could not be created: test", null);
            }
            createdTopics.add(topic);
        };
        driver = new TopologyTestDriver(RouterTopology.build(new StreamsBuilder(), config, metrics, fake),
                config.streamsProperties(), Instant.parse("2026-11-22T10:00:00Z"));
        endpoints = driver.createInputTopic(config.endpointsTopic(), new StringSerializer(), new ByteArraySerializer());
        status = driver.createOutputTopic(config.statusTopic(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    void endpoint(String id, byte[] value) {
        endpoints.pipeInput(id, value);
    }

    void deleteEndpoint(String id) {
        endpoints.pipeInput(id, (byte[]) null);
    }

    void send(String topic, byte[] key, byte[] value) {
        send(topic, key, value, new RecordHeaders());
    }

    void send(String topic, byte[] key, byte[] value, Headers headers) {
        inputs.computeIfAbsent(topic, t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()))
                .pipeInput(new TestRecord<>(key, value, headers, Instant.parse("2026-11-22T10:00:01Z")));
    }

    void event(byte[] key, byte[] value) {
        send(config.inputTopics().get(0), key, value);
    }

    void deviceMessage(byte[] key, byte[] value, Headers headers) {
        send(config.deviceMessagesTopic().orElseThrow(), key, value, headers);
    }

    /** Status records written since the last call, raw. */
    List<TestRecord<String, byte[]>> statusRecords() {
        return status.readRecordsToList();
    }

    /** Status records written since the last call, parsed, key → latest status. */
    Map<String, EndpointStatus> statuses() {
        Map<String, EndpointStatus> result = new HashMap<>();
        for (TestRecord<String, byte[]> r : statusRecords()) {
            result.put(r.key(), JsonSerdes.endpointStatus().deserializer().deserialize(config.statusTopic(), r.value()));
        }
        return result;
    }

    List<TestRecord<byte[], byte[]>> egress(String endpointId) {
        return read(config.egressTopic(endpointId));
    }

    List<TestRecord<byte[], byte[]>> dlq() {
        return read(config.dlqTopic());
    }

    List<TestRecord<byte[], byte[]>> read(String topic) {
        return new ArrayList<>(driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList());
    }

    @Override
    public void close() {
        driver.close();
    }
}
