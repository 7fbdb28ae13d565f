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
    /** Scripted answers of the egress-topic step, per topic, used before {@link #failingTopics} and success. */
    private final Map<String, java.util.Deque<Egress>> script = new HashMap<>();
    /** Every topic the step was asked for, in order. */
    final List<String> ensureCalls = new CopyOnWriteArrayList<>();

    /** What the fake egress-topic step does on one call. */
    enum Egress {
        /** The topic exists or was created. */
        OK,
        /** The topic exists, but checking or raising its max.message.bytes failed (describe/alter refused or timed out). */
        CHECK_FAILS,
        /** The topic does not exist and cannot be created, for good (e.g. not authorized). */
        CREATE_FAILS,
        /** The topic could not be created this time (a timeout, no controller): trying again may work. */
        RETRIABLE,
        /** Something nobody foresaw: an exception that is not the step's own. */
        BUG
    }
    /** Where an idle routing task resumes, as the fake broker answers (absent: the lookup fails). */
    final Map<org.apache.kafka.common.TopicPartition, Long> resumePositions = new java.util.concurrent.ConcurrentHashMap<>();
    /** Every partition whose resume position was asked, in order. */
    final List<org.apache.kafka.common.TopicPartition> positionLookups = new CopyOnWriteArrayList<>();
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
        EgressTopics.Factory fake = appConfigs -> (topic, timeLeft) -> {
            ensureCalls.add(topic);
            return switch (next(topic)) {
                case OK -> {
                    createdTopics.add(topic);
                    yield List.of();
                }
                case CHECK_FAILS -> List.of("egress topic " + topic + " exists, but its max.message.bytes could not be checked: test");
                case CREATE_FAILS -> throw new EgressTopics.EgressTopicException("egress topic " + topic + " could not be created: test",
                        false, null);
                case RETRIABLE -> throw new EgressTopics.EgressTopicException("egress topic " + topic + " was not created in time: test",
                        true, null);
                case BUG -> throw new IllegalStateException("a bug that quotes " + topic);
            };
        };
        io.twinegress.router.replay.PositionLookup.Factory positions = appConfigs -> tp -> {
            positionLookups.add(tp);
            Long at = resumePositions.get(tp);
            if (at == null) {
                throw new org.apache.kafka.common.KafkaException("no answer (test)");
            }
            return at;
        };
        driver = new TopologyTestDriver(RouterTopology.build(new StreamsBuilder(), config, metrics, fake, positions),
                config.streamsProperties(), Instant.parse("2026-11-22T10:00:00Z"));
        endpoints = driver.createInputTopic(config.endpointsTopic(), new StringSerializer(), new ByteArraySerializer());
        status = driver.createOutputTopic(config.statusTopic(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The next calls for this topic answer these, in order; then as before. */
    void egressTopicWill(String topic, Egress... outcomes) {
        script.computeIfAbsent(topic, t -> new java.util.ArrayDeque<>()).addAll(List.of(outcomes));
    }

    private Egress next(String topic) {
        java.util.Deque<Egress> queued = script.get(topic);
        if (queued != null && !queued.isEmpty()) {
            return queued.poll();
        }
        return failingTopics.contains(topic) ? Egress.CREATE_FAILS : Egress.OK;
    }

    /**
     * Writes raw bytes as the endpoint table's row for {@code id}, beneath the store's serde (as a
     * changelog written by another router version would restore it).
     */
    void storeRawTableRow(String id, byte[] raw) {
        org.apache.kafka.streams.processor.StateStore store =
                (org.apache.kafka.streams.processor.StateStore) driver.getKeyValueStore(io.twinegress.router.endpoints.EndpointTableProcessor.STORE);
        while (store instanceof org.apache.kafka.streams.state.internals.WrappedStateStore<?, ?, ?> wrapped) {
            store = wrapped.wrapped();
        }
        @SuppressWarnings("unchecked")
        org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> bytes =
                (org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>) store;
        bytes.put(org.apache.kafka.common.utils.Bytes.wrap(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)), raw);
    }

    /** Every record of every topic the topology wrote to so far, by topic (read once: later calls see only newer ones). */
    Map<String, List<TestRecord<byte[], byte[]>>> everythingWritten() {
        Map<String, List<TestRecord<byte[], byte[]>>> all = new HashMap<>();
        for (String topic : driver.producedTopicNames()) {
            all.put(topic, read(topic));
        }
        return all;
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

    /** A progress record of a backfill, as the backfill writes it to the replay topic. */
    void replayProgress(io.twinegress.router.replay.ReplayProgress progress) {
        driver.createInputTopic(config.replayProgressTopic(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(progress.key(), progress.toBytes());
    }

    /** The live history of an endpoint on an input partition, as the routing task keeps it. */
    io.twinegress.router.replay.LiveHistory liveHistory(String inputTopic, String endpointId) {
        Object bytes = driver.getKeyValueStore(io.twinegress.router.replay.LiveHistoryRecorder.storeName(inputTopic)).get(endpointId);
        return io.twinegress.router.replay.LiveHistory.fromBytes((byte[]) bytes);
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
