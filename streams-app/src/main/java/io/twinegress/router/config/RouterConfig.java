package io.twinegress.router.config;

import io.twinegress.router.deadletter.RouterProcessingExceptionHandler;
import io.twinegress.router.deadletter.RouterProductionExceptionHandler;
import io.twinegress.router.routing.Lineage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * The router's own configuration keys (all {@code twin.}-prefixed) plus the Kafka Streams
 * defaults the router chooses. Every other key is passed to Kafka Streams unchanged.
 *
 * <p>The {@link #CONFIG_DEF} is the documentation: {@code docs/router.md} is generated from it
 * and a test fails when the two disagree.
 */
public final class RouterConfig extends AbstractConfig {

    /** Prefix of the router's own keys; an unknown key with this prefix is a configuration error. */
    public static final String PREFIX = "twin.";

    private static final String GROUP_TOPICS = "Topics";
    private static final String GROUP_EGRESS = "Egress topics";
    private static final String GROUP_EVENTS = "Events";
    private static final String GROUP_RUNTIME = "Runtime";
    private static final String GROUP_HEALTH = "Health endpoint";
    private static final String GROUP_REPLAY = "Replay";

    public static final String INPUT_TOPICS_CONFIG = "twin.input.topics";
    public static final String INPUT_TOPICS_DEFAULT = "twin.events";
    private static final String INPUT_TOPICS_DOC = "Comma-separated topics of JSON events (Event Grid schema) to route by eventType. "
            + "Each is routed where it arrives: no repartition, per-key order kept.";

    public static final String DEVICE_MESSAGES_TOPIC_CONFIG = "twin.device.messages.topic";
    public static final String DEVICE_MESSAGES_TOPIC_DEFAULT = "twin.device-messages";
    private static final String DEVICE_MESSAGES_TOPIC_DOC = "Topic of raw device telemetry, forwarded byte for byte (headers carried along) "
            + "to the one DeviceMessage endpoint. Empty: no raw telemetry is read.";

    public static final String ENDPOINTS_TOPIC_CONFIG = "twin.endpoints.topic";
    public static final String ENDPOINTS_TOPIC_DEFAULT = "twin.endpoints";
    private static final String ENDPOINTS_TOPIC_DOC = "Compacted, single-partition topic of endpoint records (key = endpoint id, "
            + "tombstone = delete). The router refuses to start when it has more than one partition: the "
            + "first-registered-wins rule needs one total order.";

    public static final String STATUS_TOPIC_CONFIG = "twin.endpoints.status.topic";
    public static final String STATUS_TOPIC_DEFAULT = "twin.endpoints.status";
    private static final String STATUS_TOPIC_DOC = "Compacted topic the router writes each endpoint's outcome to (Active, Rejected, "
            + "Deleted); every router instance reads it back as a global store to route.";

    public static final String REPLAY_TOPIC_CONFIG = "twin.endpoints.replay.topic";
    public static final String REPLAY_TOPIC_DEFAULT = "twin.endpoints.replay";
    private static final String REPLAY_TOPIC_DOC = "Compacted, single-partition topic the backfills of endpoints with replayFrom "
            + "write their progress to, in the same transaction as what they route; the endpoint table merges it into the "
            + "status records (replay: from, until, routed, done).";

    public static final String DLQ_TOPIC_CONFIG = "twin.dlq.topic";
    public static final String DLQ_TOPIC_DEFAULT = "twin.events.dlq";
    private static final String DLQ_TOPIC_DOC = "Dead-letter topic for input the router cannot route (not JSON, missing or unknown "
            + "eventType, wrong field types, oversized). Also Kafka Streams' own errors.dead.letter.queue.topic.name "
            + "unless that is set.";

    public static final String TOPICS_CREATE_CONFIG = "twin.topics.create";
    public static final boolean TOPICS_CREATE_DEFAULT = true;
    private static final String TOPICS_CREATE_DOC = "At start, create the topics the router needs that do not exist yet: the endpoints, "
            + "status and replay topics (compacted, 1 partition), the dead-letter topic and the input topics (egress partitions "
            + "and replication factor). When false, a missing topic is a startup error.";

    public static final String EGRESS_PREFIX_CONFIG = "twin.egress.topic.prefix";
    public static final String EGRESS_PREFIX_DEFAULT = "twin.egress.";
    private static final String EGRESS_PREFIX_DOC = "Egress topic of an endpoint = this prefix + the endpoint id.";

    public static final String EGRESS_PARTITIONS_CONFIG = "twin.egress.topic.partitions";
    public static final int EGRESS_PARTITIONS_DEFAULT = -1;
    private static final String EGRESS_PARTITIONS_DOC = "Partitions of a new egress topic (and of the dead-letter and input topics the "
            + "router creates). -1: the broker's num.partitions.";

    public static final String EGRESS_REPLICATION_CONFIG = "twin.egress.topic.replication.factor";
    public static final int EGRESS_REPLICATION_DEFAULT = -1;
    private static final String EGRESS_REPLICATION_DOC = "Replication factor of the topics the router creates. -1: the broker's "
            + "default.replication.factor.";

    public static final String EGRESS_CREATE_ATTEMPTS_CONFIG = "twin.egress.topic.create.attempts";
    public static final String EGRESS_CREATE_TIMEOUT_CONFIG = "twin.egress.topic.create.timeout.ms";
    public static final long EGRESS_CREATE_TIMEOUT_DEFAULT = 2_000L;
    private static final String EGRESS_CREATE_TIMEOUT_DOC = "The one deadline of the egress-topic step of an endpoint record: "
            + "creating the topic, or for an existing one checking and raising its max.message.bytes, and promoting a waiting "
            + "DeviceMessage endpoint. The step runs on the stream thread inside the exactly_once_v2 transaction that also holds "
            + "every routing task's sends on that thread, so under exactly_once_v2 it must be at most half the producer's "
            + "transaction.timeout.ms (10 s unless set). A step that runs out of time is retried as "
            + EGRESS_CREATE_ATTEMPTS_CONFIG + " says.";

    public static final int EGRESS_CREATE_ATTEMPTS_DEFAULT = 3;
    private static final String EGRESS_CREATE_ATTEMPTS_DOC = "How many times in a row the egress-topic step of an endpoint "
            + "may fail in a way that may pass (a timeout, no controller) before the router gives up on that record. Each "
            + "failure but the last fails the task so exactly_once_v2 processes the endpoint record again from the last commit "
            + "(the stream thread is replaced; routing on it pauses for a moment). After the last: an Active endpoint stays "
            + "Active as it was (a warning says the record was not applied), a DeviceMessage endpoint keeps waiting for its "
            + "turn, any other endpoint is Rejected (re-send its record to retry). 1: never fail the task. A refusal by the "
            + "cluster (not authorized, a policy, an invalid setting) is never retried.";

    public static final String EVENT_MAX_BYTES_CONFIG = "twin.event.max.bytes";
    public static final int EVENT_MAX_BYTES_DEFAULT = 1_048_576;
    private static final String EVENT_MAX_BYTES_DOC = "Largest event (record value, bytes) the router routes; a larger one, event or raw "
            + "device message, is dead-lettered as oversized. The topics the router creates accept this plus "
            + "64 KiB for key and headers, and the router's producer max.request.size defaults to the same. A record the "
            + "router would write (routed copy or dead-letter record: key, value and every header) must fit in both: a "
            + "routed copy that does not is dead-lettered as oversized instead, and a dead-letter record that does not "
            + "leaves out the value, then the input headers.";

    public static final String LINEAGE_HEADERS_CONFIG = "twin.lineage.headers";
    public static final String LINEAGE_HEADERS_DEFAULT = String.join(",", Lineage.NAMES);
    private static final String LINEAGE_HEADERS_DOC = "Lineage headers every routed copy carries besides the event type, event id and "
            + "endpoint id: the input record's topic (twin-egress.source-topic), partition (twin-egress.source-partition) and offset "
            + "(twin-egress.source-offset), any of them; empty: none. With the default topic names the three add about 100 bytes to each copy "
            + "(what the broker stores and every egress reader fetches, and headers the sink connectors pass on as message "
            + "properties). Dead-letter records always carry their source coordinates.";

    public static final String REPLAY_RATE_CONFIG = "twin.replay.max.records.per.second";
    public static final int REPLAY_RATE_DEFAULT = 5_000;
    private static final String REPLAY_RATE_DOC = "The most input records the backfills of endpoints with replayFrom read per second, "
            + "all backfills of this router instance together: a large backfill shares the broker and the machine with the live "
            + "routing and must not starve it. The live routing never waits for a backfill.";

    public static final String REPLAY_BATCH_CONFIG = "twin.replay.batch.records";
    public static final int REPLAY_BATCH_DEFAULT = 500;
    private static final String REPLAY_BATCH_DOC = "Input records a backfill reads per transaction (at most): the records it routes, "
            + "its progress and its input position commit together, exactly once.";

    public static final String SHUTDOWN_TIMEOUT_CONFIG = "twin.shutdown.timeout.ms";
    public static final long SHUTDOWN_TIMEOUT_DEFAULT = 30_000L;
    private static final String SHUTDOWN_TIMEOUT_DOC = "On SIGTERM, how long to wait for Kafka Streams to commit and close.";

    public static final String HEALTH_PORT_CONFIG = "twin.health.port";
    public static final int HEALTH_PORT_DEFAULT = -1;
    private static final String HEALTH_PORT_DOC = "Port of the router's small HTTP endpoint: GET /health (200 when Kafka Streams is "
            + "RUNNING and the endpoint table is loaded, else 503 with the reason), /health/live (200 until Kafka Streams has "
            + "stopped or failed) and /endpoints (the router's endpoint status table as JSON; status records hold no secrets). "
            + "-1: off; 0: any free port (the log line says which).";

    public static final String HEALTH_HOST_CONFIG = "twin.health.host";
    public static final String HEALTH_HOST_DEFAULT = "127.0.0.1";
    private static final String HEALTH_HOST_DOC = "Address the health endpoint binds to. The default answers on loopback only; in a "
            + "container whose probes come from outside (Kubernetes), 0.0.0.0. The endpoint has no authentication: it shows "
            + "endpoint ids, types, event types, paths and filters.";

    /** Room for key, headers and batch overhead on top of the largest event. */
    public static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

    /** Default application.id (Kafka Streams' own key, required by it; the router sets a default). */
    public static final String APPLICATION_ID_DEFAULT = "twin-egress-router";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(INPUT_TOPICS_CONFIG, Type.LIST, INPUT_TOPICS_DEFAULT, new NonEmptyTopicList(), Importance.HIGH,
                    INPUT_TOPICS_DOC, GROUP_TOPICS, 1, ConfigDef.Width.LONG, "Input topics")
            .define(DEVICE_MESSAGES_TOPIC_CONFIG, Type.STRING, DEVICE_MESSAGES_TOPIC_DEFAULT, new TopicName(true), Importance.HIGH,
                    DEVICE_MESSAGES_TOPIC_DOC, GROUP_TOPICS, 2, ConfigDef.Width.MEDIUM, "Device messages topic")
            .define(ENDPOINTS_TOPIC_CONFIG, Type.STRING, ENDPOINTS_TOPIC_DEFAULT, new TopicName(false), Importance.HIGH,
                    ENDPOINTS_TOPIC_DOC, GROUP_TOPICS, 3, ConfigDef.Width.MEDIUM, "Endpoints topic")
            .define(STATUS_TOPIC_CONFIG, Type.STRING, STATUS_TOPIC_DEFAULT, new TopicName(false), Importance.HIGH,
                    STATUS_TOPIC_DOC, GROUP_TOPICS, 4, ConfigDef.Width.MEDIUM, "Endpoint status topic")
            .define(DLQ_TOPIC_CONFIG, Type.STRING, DLQ_TOPIC_DEFAULT, new TopicName(false), Importance.HIGH,
                    DLQ_TOPIC_DOC, GROUP_TOPICS, 5, ConfigDef.Width.MEDIUM, "Dead-letter topic")
            .define(TOPICS_CREATE_CONFIG, Type.BOOLEAN, TOPICS_CREATE_DEFAULT, Importance.MEDIUM,
                    TOPICS_CREATE_DOC, GROUP_TOPICS, 6, ConfigDef.Width.SHORT, "Create missing topics")
            .define(EGRESS_PREFIX_CONFIG, Type.STRING, EGRESS_PREFIX_DEFAULT, new TopicName(false), Importance.HIGH,
                    EGRESS_PREFIX_DOC, GROUP_EGRESS, 1, ConfigDef.Width.MEDIUM, "Egress topic prefix")
            .define(EGRESS_PARTITIONS_CONFIG, Type.INT, EGRESS_PARTITIONS_DEFAULT, new BrokerDefaultOrPositive(), Importance.MEDIUM,
                    EGRESS_PARTITIONS_DOC, GROUP_EGRESS, 2, ConfigDef.Width.SHORT, "Egress partitions")
            .define(EGRESS_REPLICATION_CONFIG, Type.INT, EGRESS_REPLICATION_DEFAULT, new BrokerDefaultOrPositive(), Importance.MEDIUM,
                    EGRESS_REPLICATION_DOC, GROUP_EGRESS, 3, ConfigDef.Width.SHORT, "Egress replication factor")
            .define(EGRESS_CREATE_TIMEOUT_CONFIG, Type.LONG, EGRESS_CREATE_TIMEOUT_DEFAULT, ConfigDef.Range.atLeast(1), Importance.LOW,
                    EGRESS_CREATE_TIMEOUT_DOC, GROUP_EGRESS, 4, ConfigDef.Width.SHORT, "Egress topic step timeout")
            .define(EGRESS_CREATE_ATTEMPTS_CONFIG, Type.INT, EGRESS_CREATE_ATTEMPTS_DEFAULT, ConfigDef.Range.between(1, 100),
                    Importance.LOW, EGRESS_CREATE_ATTEMPTS_DOC, GROUP_EGRESS, 5, ConfigDef.Width.SHORT, "Egress topic step attempts")
            .define(EVENT_MAX_BYTES_CONFIG, Type.INT, EVENT_MAX_BYTES_DEFAULT, ConfigDef.Range.between(1, Integer.MAX_VALUE - RECORD_OVERHEAD_BYTES),
                    Importance.MEDIUM, EVENT_MAX_BYTES_DOC, GROUP_EVENTS, 1, ConfigDef.Width.SHORT, "Max event size")
            .define(LINEAGE_HEADERS_CONFIG, Type.LIST, LINEAGE_HEADERS_DEFAULT, new LineageHeaders(), Importance.LOW,
                    LINEAGE_HEADERS_DOC, GROUP_EVENTS, 2, ConfigDef.Width.MEDIUM, "Lineage headers")
            .define(REPLAY_TOPIC_CONFIG, Type.STRING, REPLAY_TOPIC_DEFAULT, new TopicName(false), Importance.MEDIUM,
                    REPLAY_TOPIC_DOC, GROUP_TOPICS, 7, ConfigDef.Width.MEDIUM, "Replay progress topic")
            .define(REPLAY_RATE_CONFIG, Type.INT, REPLAY_RATE_DEFAULT, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    REPLAY_RATE_DOC, GROUP_REPLAY, 1, ConfigDef.Width.SHORT, "Backfill rate")
            .define(REPLAY_BATCH_CONFIG, Type.INT, REPLAY_BATCH_DEFAULT, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                    REPLAY_BATCH_DOC, GROUP_REPLAY, 2, ConfigDef.Width.SHORT, "Backfill batch")
            .define(SHUTDOWN_TIMEOUT_CONFIG, Type.LONG, SHUTDOWN_TIMEOUT_DEFAULT, ConfigDef.Range.atLeast(0), Importance.LOW,
                    SHUTDOWN_TIMEOUT_DOC, GROUP_RUNTIME, 1, ConfigDef.Width.SHORT, "Shutdown timeout")
            .define(HEALTH_PORT_CONFIG, Type.INT, HEALTH_PORT_DEFAULT, ConfigDef.Range.between(-1, 65_535), Importance.LOW,
                    HEALTH_PORT_DOC, GROUP_HEALTH, 1, ConfigDef.Width.SHORT, "Health port")
            .define(HEALTH_HOST_CONFIG, Type.STRING, HEALTH_HOST_DEFAULT, new ConfigDef.NonEmptyString(), Importance.LOW,
                    HEALTH_HOST_DOC, GROUP_HEALTH, 2, ConfigDef.Width.MEDIUM, "Health host");

    private final Map<String, Object> streamsProps;

    /**
     * @param props the whole configuration: the router's {@code twin.*} keys and any Kafka Streams or client key
     * @throws ConfigException on an invalid value, an unknown {@code twin.*} key or an invalid Streams setting
     */
    public RouterConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props, false);
        rejectUnknownOwnKeys(props);
        rejectSharedTopics();
        rejectOtherProcessingHandler(props);
        this.streamsProps = buildStreamsProps(props);
        // Let Kafka Streams validate its own keys now, so a bad one fails at start with its message.
        StreamsConfig streams = new StreamsConfig(streamsProps);
        if (!streamsProps.containsKey(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new ConfigException(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, null, "is required");
        }
        checkEgressStepFitsTheTransaction(streams);
    }

    /**
     * The router's processing exception handler is what keeps endpoint records (which may hold
     * connection strings) out of every dead-letter topic, and what makes a retriable egress-topic
     * failure fail the task: another handler cannot be configured.
     */
    private static void rejectOtherProcessingHandler(Map<?, ?> props) {
        Object handler = props.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG);
        if (handler == null) {
            return;
        }
        String name = handler instanceof Class<?> c ? c.getName() : String.valueOf(handler).trim();
        if (!name.equals(RouterProcessingExceptionHandler.class.getName())) {
            throw new ConfigException(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, handler,
                    "is set by the router to " + RouterProcessingExceptionHandler.class.getName() + " and cannot be changed: "
                    + "it keeps endpoint records out of dead-letter topics and has a record processed again after a "
                    + "retriable egress-topic failure; it dead-letters every other failure as Kafka Streams' "
                    + "LogAndContinueProcessingExceptionHandler does");
        }
    }

    /** Under exactly_once_v2 the egress-topic step blocks inside the transaction: half its timeout at most. */
    private void checkEgressStepFitsTheTransaction(StreamsConfig streams) {
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))) {
            return;
        }
        long transactionTimeoutMs = transactionTimeoutMs();
        if (egressCreateTimeoutMs() * 2 > transactionTimeoutMs) {
            throw new ConfigException(EGRESS_CREATE_TIMEOUT_CONFIG, egressCreateTimeoutMs(), "must be at most half the producer's "
                    + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG + " (" + transactionTimeoutMs + " ms) under exactly_once_v2: the "
                    + "egress-topic step runs inside the transaction, and a transaction open past its timeout is aborted");
        }
    }

    /** The producer's transaction timeout under exactly_once_v2: as set, or Kafka Streams' 10 s. */
    private long transactionTimeoutMs() {
        Object value = streamsProps.get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
        if (value == null) {
            value = streamsProps.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        }
        if (value == null) {
            return STREAMS_EOS_TRANSACTION_TIMEOUT_MS;
        }
        try {
            return Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, value, "is not a number");
        }
    }

    /** What Kafka Streams sets the producer's transaction.timeout.ms to under exactly_once_v2 when it is not set. */
    static final long STREAMS_EOS_TRANSACTION_TIMEOUT_MS = 10_000L;

    /** Loads from Java properties. */
    public static RouterConfig of(Properties props) {
        return new RouterConfig(props);
    }

    private static void rejectUnknownOwnKeys(Map<?, ?> props) {
        TreeSet<String> unknown = new TreeSet<>();
        for (Object key : props.keySet()) {
            String name = String.valueOf(key);
            if (name.startsWith(PREFIX) && !CONFIG_DEF.names().contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("Unknown router configuration key(s) " + unknown + "; known keys: "
                    + new TreeSet<>(CONFIG_DEF.names()));
        }
    }

    private void rejectSharedTopics() {
        List<String> all = new java.util.ArrayList<>(inputTopics());
        deviceMessagesTopic().ifPresent(all::add);
        all.add(endpointsTopic());
        all.add(statusTopic());
        all.add(replayProgressTopic());
        all.add(dlqTopic());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String topic : all) {
            if (!seen.add(topic)) {
                throw new ConfigException("Topic " + topic + " is configured for two roles; the input, device messages, "
                        + "endpoints, status, replay and dead-letter topics must all differ");
            }
            if (topic.startsWith(egressPrefix())) {
                throw new ConfigException("Topic " + topic + " starts with the egress prefix " + egressPrefix()
                        + ": an endpoint could route into it");
            }
        }
    }

    /**
     * The Kafka Streams defaults the router chooses, each overridable by setting the key. Documented
     * in docs/router.md from this map.
     */
    public static Map<String, Object> streamsDefaults(String dlqTopic, int maxEventBytes) {
        Map<String, Object> defaults = new java.util.LinkedHashMap<>();
        defaults.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID_DEFAULT);
        defaults.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // The router dead-letters invalid events itself (concise reason headers, no stack trace, one
        // summary log line rather than one per record). The handlers below only catch what the
        // router did not foresee. Under exactly_once_v2 only the *continue* handlers keep their
        // dead-letter record (a failing handler writes it into the transaction it then aborts).
        defaults.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, dlqTopic);
        // The router's own: it never dead-letters an endpoint record (it may hold connection strings) and fails the
        // task for a retriable egress-topic failure; for everything else it is LogAndContinueProcessingExceptionHandler.
        defaults.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RouterProcessingExceptionHandler.class.getName());
        defaults.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Every source reads bytes or strings (no deserializer can fail), so this one never sees an endpoint record.
        defaults.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        defaults.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, RouterProductionExceptionHandler.class.getName());
        // An event of max size plus its key and headers must fit in one produce request.
        defaults.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxEventBytes + RECORD_OVERHEAD_BYTES);
        // Process whatever is buffered, never wait to line up a task's partitions by timestamp. With Kafka's
        // default (0) the stream thread checks every empty partition of every task on every processing round,
        // building log messages each time, and the router always has idle tasks (the control plane's, the raw
        // telemetry topic's): measured, about 1 CPU-second per 100,000 events, a tenth of the JVM's CPU. Only the
        // endpoint table's task has two inputs (endpoints, backfill progress), and it needs no order between them:
        // a progress record only updates the backfill its row still has and is ignored otherwise.
        defaults.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        return defaults;
    }

    private Map<String, Object> buildStreamsProps(Map<?, ?> props) {
        Map<String, Object> result = new HashMap<>(streamsDefaults(dlqTopic(), maxEventBytes()));
        for (Map.Entry<?, ?> entry : props.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (!key.startsWith(PREFIX)) {
                if (key.equals(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)) {
                    // An unprefixed producer key must win over our prefixed default.
                    result.remove(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
                }
                result.put(key, entry.getValue());
            }
        }
        return result;
    }

    /** Everything Kafka Streams gets: defaults, then every non-{@code twin.} key as given. */
    public Properties streamsProperties() {
        Properties properties = new Properties();
        properties.putAll(streamsProps);
        return properties;
    }

    public String applicationId() {
        return String.valueOf(streamsProps.get(StreamsConfig.APPLICATION_ID_CONFIG));
    }

    public List<String> inputTopics() {
        return getList(INPUT_TOPICS_CONFIG);
    }

    /** The raw telemetry topic, or empty when disabled. */
    public Optional<String> deviceMessagesTopic() {
        String topic = getString(DEVICE_MESSAGES_TOPIC_CONFIG);
        return topic == null || topic.isBlank() ? Optional.empty() : Optional.of(topic.trim());
    }

    public String endpointsTopic() {
        return getString(ENDPOINTS_TOPIC_CONFIG);
    }

    public String statusTopic() {
        return getString(STATUS_TOPIC_CONFIG);
    }

    public String replayProgressTopic() {
        return getString(REPLAY_TOPIC_CONFIG);
    }

    public int replayRecordsPerSecond() {
        return getInt(REPLAY_RATE_CONFIG);
    }

    public int replayBatchRecords() {
        return getInt(REPLAY_BATCH_CONFIG);
    }

    public String dlqTopic() {
        return getString(DLQ_TOPIC_CONFIG);
    }

    public boolean createTopics() {
        return getBoolean(TOPICS_CREATE_CONFIG);
    }

    public String egressPrefix() {
        return getString(EGRESS_PREFIX_CONFIG);
    }

    public String egressTopic(String endpointId) {
        return egressPrefix() + endpointId;
    }

    public Optional<Integer> egressPartitions() {
        int partitions = getInt(EGRESS_PARTITIONS_CONFIG);
        return partitions == -1 ? Optional.empty() : Optional.of(partitions);
    }

    public Optional<Short> egressReplicationFactor() {
        int rf = getInt(EGRESS_REPLICATION_CONFIG);
        return rf == -1 ? Optional.empty() : Optional.of((short) rf);
    }

    public long egressCreateTimeoutMs() {
        return getLong(EGRESS_CREATE_TIMEOUT_CONFIG);
    }

    public int egressCreateAttempts() {
        return getInt(EGRESS_CREATE_ATTEMPTS_CONFIG);
    }

    public int maxEventBytes() {
        return getInt(EVENT_MAX_BYTES_CONFIG);
    }

    /**
     * The largest record the router may write (key, value and headers): what the producer sends in one
     * request ({@code max.request.size}, as set or as the router defaults it) and what the topics the
     * router sizes take ({@code max.message.bytes}), whichever is smaller. A larger record would fail
     * in the producer, and under exactly_once_v2 that fails the transaction whatever the production
     * exception handler answers, again at every retry.
     */
    public int maxRecordBytes() {
        int topics = maxEventBytes() + RECORD_OVERHEAD_BYTES;
        Object request = streamsProps.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        if (request == null) {
            request = streamsProps.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        if (request == null) {
            request = PRODUCER_MAX_REQUEST_SIZE_DEFAULT;
        }
        try {
            return (int) Math.min(topics, Long.parseLong(String.valueOf(request).trim()));
        } catch (NumberFormatException e) {
            throw new ConfigException(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, request, "is not a number");
        }
    }

    /** The producer's own default max.request.size (1 MiB). */
    private static final int PRODUCER_MAX_REQUEST_SIZE_DEFAULT = 1_048_576;

    /** Topic-level configs of the topics that carry events (egress, dead-letter): room for the largest event. */
    public Map<String, String> eventTopicConfigs() {
        return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxEventBytes() + RECORD_OVERHEAD_BYTES));
    }

    /** The lineage headers of the routed copies. */
    public Lineage lineage() {
        return Lineage.of(getList(LINEAGE_HEADERS_CONFIG));
    }

    public long shutdownTimeoutMs() {
        return getLong(SHUTDOWN_TIMEOUT_CONFIG);
    }

    /** The health endpoint's port, or empty when it is off; 0 means any free port. */
    public Optional<Integer> healthPort() {
        int port = getInt(HEALTH_PORT_CONFIG);
        return port == -1 ? Optional.empty() : Optional.of(port);
    }

    public String healthHost() {
        return getString(HEALTH_HOST_CONFIG).trim();
    }

    /** Validates a topic name (Kafka's rules); optionally empty. */
    static final class TopicName implements ConfigDef.Validator {
        private final boolean emptyAllowed;

        TopicName(boolean emptyAllowed) {
            this.emptyAllowed = emptyAllowed;
        }

        @Override
        public void ensureValid(String name, Object value) {
            String topic = value == null ? "" : value.toString().trim();
            if (topic.isEmpty()) {
                if (!emptyAllowed) {
                    throw new ConfigException(name, value, "must not be empty");
                }
                return;
            }
            String problem = topicNameProblem(topic);
            if (problem != null) {
                throw new ConfigException(name, value, problem);
            }
        }

        @Override
        public String toString() {
            return emptyAllowed ? "a topic name, or empty" : "a topic name";
        }
    }

    /** Kafka's topic-name rule (1 to 249 of {@code [a-zA-Z0-9._-]}, not {@code .} or {@code ..}); null when it holds. */
    static String topicNameProblem(String topic) {
        if (topic.isEmpty() || topic.length() > 249) {
            return "a topic name is 1 to 249 characters long";
        }
        if (topic.equals(".") || topic.equals("..")) {
            return "a topic name cannot be '.' or '..'";
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                return "a topic name holds only ASCII letters, digits, '.', '_' and '-'";
            }
        }
        return null;
    }

    /** A non-empty list of valid topic names. */
    static final class NonEmptyTopicList implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> topics = (List<String>) value;
            if (topics == null || topics.isEmpty()) {
                throw new ConfigException(name, value, "must name at least one topic");
            }
            TopicName single = new TopicName(false);
            for (String topic : topics) {
                single.ensureValid(name, topic);
            }
            if (new TreeSet<>(topics).size() != topics.size()) {
                throw new ConfigException(name, value, "names a topic twice");
            }
        }

        @Override
        public String toString() {
            return "a non-empty list of topic names";
        }
    }

    /** Each of the lineage header names at most once (an empty list is allowed: no lineage headers). */
    static final class LineageHeaders implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) value;
            for (String header : names) {
                if (!Lineage.NAMES.contains(header)) {
                    throw new ConfigException(name, value, "unknown lineage header '" + header + "'; each must be one of " + this);
                }
            }
            if (new TreeSet<>(names).size() != names.size()) {
                throw new ConfigException(name, value, "names a lineage header twice");
            }
        }

        @Override
        public String toString() {
            return String.join(", ", Lineage.NAMES) + " (any of them, or empty)";
        }
    }

    /** -1 (the broker's default) or a positive number. */
    static final class BrokerDefaultOrPositive implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            int n = ((Number) value).intValue();
            if (n != -1 && n < 1) {
                throw new ConfigException(name, value, "must be -1 (broker default) or at least 1");
            }
        }

        @Override
        public String toString() {
            return "-1 or [1,...]";
        }
    }
}
