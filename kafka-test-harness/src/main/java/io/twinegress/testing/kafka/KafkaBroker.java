package io.twinegress.testing.kafka;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (combined broker + controller) running in the test
 * JVM, at the production metadata version with production feature levels, on random
 * loopback ports. One per test class: register it as a static extension and JUnit starts
 * it before the first test and stops it after the last.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();
 *
 * @Test void roundTrip() {
 *     KAFKA.createTopic("twin.events", 3);
 *     KAFKA.produce("twin.events", "sensor-1", "{\"eventType\":\"SensorChange\"}");
 *     assertEquals(1, KAFKA.consumeStrings("twin.events", 1, Duration.ofSeconds(30)).size());
 * }
 * }</pre>
 *
 * <p>Broker defaults for one node: every internal topic (offsets, transactions, share
 * state) at replication factor 1 and min ISR 1, {@code num.partitions=1}, no initial
 * rebalance delay for classic and streams groups, unstable API and feature versions off,
 * and {@code auto.create.topics.enable=false} (as on a production platform: code under
 * test must create its topics). Override any broker property with
 * {@link #withBrokerProperty}. Outside JUnit: {@link #start()} and {@link #close()}.
 *
 * <p>Client helpers: the shared producer is idempotent with {@code acks=all} and waits for
 * every ack; {@link #consume} reads {@code read_committed} by default, without a consumer
 * group. For your own clients start from {@link #producerConfig()} or
 * {@link #bootstrapServers()}.
 */
public class KafkaBroker extends ClassScopedExtension<KafkaBroker> {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private KafkaClusterTestKit cluster;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;

    /**
     * Sets a broker property (applied on top of the single-node defaults). Call before start.
     *
     * @return this broker, for chaining in a field initialiser
     */
    public KafkaBroker withBrokerProperty(String key, String value) {
        if (cluster != null) {
            throw new IllegalStateException("Broker already started: set properties before start()");
        }
        brokerProperties.put(key, value);
        return this;
    }

    // ---- lifecycle --------------------------------------------------------------------

    /** Formats and starts the broker, and waits until it is ready. Idempotent. */
    @Override
    public synchronized KafkaBroker start() {
        if (cluster != null) {
            return this;
        }
        long startNanos = System.nanoTime();
        try {
            cluster = TestKitFactory.build(brokerProperties);
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            closeQuietly();
            throw new IllegalStateException("Kafka broker failed to start", e);
        }
        LOG.info("Kafka broker ready at {} in {} ms", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        return this;
    }

    /** Stops clients and the broker, and deletes its log directories. Idempotent. */
    @Override
    public synchronized void close() {
        if (cluster == null) {
            return;
        }
        closeQuietly();
        LOG.info("Kafka broker stopped");
    }

    private void closeQuietly() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
            producer = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(10));
            admin = null;
        }
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                LOG.warn("Kafka broker did not stop cleanly", e);
            }
            cluster = null;
        }
    }

    // ---- connection -------------------------------------------------------------------

    /** {@code host:port} of the broker listener, for any client's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return running().bootstrapServers();
    }

    /** A shared admin client; closed with the broker, so do not close it yourself. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
        }
        return admin;
    }

    // ---- topics -----------------------------------------------------------------------

    /** Creates a topic (replication factor 1) and waits until the broker has it. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * Creates a topic with topic configs, for example
     * {@code Map.of("cleanup.policy", "compact")}, and waits until the broker has it.
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
        get(admin().createTopics(List.of(topic)).all(), "create topic " + name);
        await("topic " + name + " to be listed").atMost(ADMIN_TIMEOUT).until(() -> topicNames().contains(name));
    }

    /** Names of the topics on the broker, internal ones excluded. */
    public Set<String> topicNames() {
        return get(admin().listTopics().names(), "list topics");
    }

    /**
     * Committed offsets of a consumer group, for example a sink connector's
     * {@code connect-<connector name>} group.
     */
    public Map<TopicPartition, Long> committedOffsets(String groupId) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                get(admin().listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(), "offsets of " + groupId);
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                result.put(tp, om.offset());
            }
        });
        return result;
    }

    // ---- produce ----------------------------------------------------------------------

    /** Sends one UTF-8 string record (key may be null) and waits for the broker's ack. */
    public RecordMetadata produce(String topic, String key, String value) {
        return produce(List.of(record(topic, key, value))).get(0);
    }

    /** Sends one record with bytes and headers and waits for the broker's ack. */
    public RecordMetadata produce(String topic, byte[] key, byte[] value, Header... headers) {
        return produce(List.of(new ProducerRecord<>(topic, null, key, value, List.of(headers)))).get(0);
    }

    /**
     * Sends a batch in order and waits until every record is acknowledged ({@code acks=all},
     * idempotent producer). Build string records with {@link #record}.
     */
    public List<RecordMetadata> produce(Collection<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        records.forEach(r -> sent.add(producer().send(r)));
        producer().flush();
        List<RecordMetadata> acks = new ArrayList<>(sent.size());
        sent.forEach(f -> acks.add(get(f, "produce")));
        return acks;
    }

    /** A record with UTF-8 key (may be null), value (may be null) and optional headers. */
    public static ProducerRecord<byte[], byte[]> record(String topic, String key, String value, Header... headers) {
        return new ProducerRecord<>(topic, null, utf8(key), utf8(value), List.of(headers));
    }

    /** Producer settings for a client of your own: bootstrap servers and byte-array serdes. */
    public Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Fail fast (not after 60 s) when a test produces to a topic nobody created.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        return config;
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig());
        }
        return producer;
    }

    // ---- consume ----------------------------------------------------------------------

    /**
     * Reads {@code topic} from the beginning, {@code read_committed}, until at least
     * {@code expectedCount} records have arrived, then to the end of every partition as it
     * is at that moment, and returns them all (so the result may hold more than expected:
     * assert its size to prove "exactly"). Uses no consumer group and commits nothing.
     *
     * @throws AssertionError naming the count received when the deadline passes first
     */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expectedCount, Duration deadline) {
        return consume(topic, expectedCount, deadline, IsolationLevel.READ_COMMITTED);
    }

    /**
     * As {@link #consume(String, int, Duration)}, with the isolation level of your choice:
     * {@link IsolationLevel#READ_UNCOMMITTED} also returns records of aborted and open
     * transactions.
     */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expectedCount, Duration deadline,
                                                       IsolationLevel isolation) {
        return new TopicReader(bootstrapServers()).read(topic, expectedCount, deadline, isolation);
    }

    /** As {@link #consume(String, int, Duration)}, with keys and values decoded as UTF-8. */
    public List<ConsumerRecord<String, String>> consumeStrings(String topic, int expectedCount, Duration deadline) {
        List<ConsumerRecord<String, String>> result = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consume(topic, expectedCount, deadline)) {
            result.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                    r.serializedKeySize(), r.serializedValueSize(), utf8(r.key()), utf8(r.value()), r.headers(),
                    r.leaderEpoch()));
        }
        return result;
    }

    // ---- internals --------------------------------------------------------------------

    private KafkaClusterTestKit running() {
        KafkaClusterTestKit c = cluster;
        if (c == null) {
            throw new IllegalStateException(
                    "Kafka broker not running: register it with @RegisterExtension on a static field, or call start()");
        }
        return c;
    }

    private static <T> T get(Future<T> future, String what) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Failed to " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("Timed out after " + ADMIN_TIMEOUT + " trying to " + what, e);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
