package io.twinegress.cli.dlq;

import io.twinegress.cli.kafka.KafkaUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The {@code dlq} commands' side of Kafka: reads a dead-letter topic to the end it has when the
 * command starts, reads and keeps the replay progress ({@code twin.dlq.replayed}), and makes the
 * transactional producer of a replay. Every call is bounded by the command's timeout.
 */
public final class DeadLetterKafka implements AutoCloseable {

    /** The compacted topic where each dead-letter partition's replayed offsets are kept. */
    public static final String DEFAULT_PROGRESS_TOPIC = "twin.dlq.replayed";

    private final Properties clientProps;
    private final Duration timeout;
    private final Admin admin;

    public DeadLetterKafka(Properties clientProps, Duration timeout) {
        this.clientProps = new Properties();
        this.clientProps.putAll(clientProps);
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        this.clientProps.putIfAbsent("default.api.timeout.ms", String.valueOf(ms));
        this.clientProps.putIfAbsent("request.timeout.ms", String.valueOf(Math.min(ms, 30_000)));
        this.timeout = timeout;
        this.admin = Admin.create(this.clientProps);
    }

    /** The topic's partitions, or empty when it does not exist. */
    public Optional<List<TopicPartition>> partitions(String topic) {
        try {
            TopicDescription d = get(admin.describeTopics(List.of(topic)).allTopicNames(), "describing " + topic).get(topic);
            List<TopicPartition> out = new ArrayList<>();
            d.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
            return Optional.of(out);
        } catch (KafkaUnavailableException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Hands every record of the topic to {@code each}, in offset order per partition, up to the
     * end the topic has now (records written later are not read).
     */
    public void scan(String topic, List<TopicPartition> partitions, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plus(timeout);
            while (!reached(consumer, end)) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty() && Instant.now().isAfter(deadline)) {
                    throw new KafkaUnavailableException("could not read " + topic + " to its end within " + timeout.toSeconds() + " s", null);
                }
                if (!records.isEmpty()) {
                    deadline = Instant.now().plus(timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        each.accept(r);
                    }
                }
            }
        } catch (KafkaException e) {
            throw unavailable("reading " + topic, e);
        }
    }

    /** The first offset of each partition still held. */
    public Map<TopicPartition, Long> logStart(List<TopicPartition> partitions) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(new ByteArrayDeserializer())) {
            return consumer.beginningOffsets(partitions);
        } catch (KafkaException e) {
            throw unavailable("reading the offsets of " + partitions, e);
        }
    }

    /** The record at an input topic's coordinates, while retention still holds it. */
    public Optional<ConsumerRecord<byte[], byte[]>> fetch(Origin origin) {
        TopicPartition tp = new TopicPartition(origin.topic(), origin.partition());
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            long start = consumer.beginningOffsets(List.of(tp)).get(tp);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            if (origin.offset() < start || origin.offset() >= end) {
                return Optional.empty();
            }
            consumer.seek(tp, origin.offset());
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == origin.offset()) {
                        return Optional.of(r);
                    }
                    if (r.offset() > origin.offset()) {
                        return Optional.empty();   // an aborted or compacted-away record
                    }
                }
            }
            return Optional.empty();
        } catch (KafkaException e) {
            throw unavailable("reading " + origin, e);
        }
    }

    /** The replayed offsets of every partition of a dead-letter topic, from the progress topic (committed records only). */
    public Map<Integer, ReplayedOffsets> replayed(String progressTopic, String dlqTopic) {
        Map<Integer, ReplayedOffsets> out = new HashMap<>();
        Optional<List<TopicPartition>> parts = partitions(progressTopic);
        if (parts.isEmpty()) {
            return out;
        }
        String prefix = dlqTopic + "/";
        try (KafkaConsumer<String, byte[]> consumer = consumer(new StringDeserializer())) {
            consumer.assign(parts.get());
            consumer.seekToBeginning(parts.get());
            Map<TopicPartition, Long> end = consumer.endOffsets(parts.get());
            Instant deadline = Instant.now().plus(timeout);
            while (!reached(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new KafkaUnavailableException("could not read " + progressTopic + " to its end within " + timeout.toSeconds()
                            + " s", null);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || !r.key().startsWith(prefix)) {
                        continue;
                    }
                    int partition;
                    try {
                        partition = Integer.parseInt(r.key().substring(prefix.length()));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (r.value() == null) {
                        out.remove(partition);
                    } else {
                        try {
                            out.put(partition, ReplayedOffsets.fromBytes(r.value()));
                        } catch (IllegalArgumentException e) {
                            throw new KafkaUnavailableException("the replay progress record " + r.key() + " in " + progressTopic
                                    + " does not read; replaying now could copy dead letters twice", e);
                        }
                    }
                }
            }
        } catch (KafkaException e) {
            throw unavailable("reading " + progressTopic, e);
        }
        return out;
    }

    /** Creates the progress topic (compacted, one partition) when it does not exist. */
    public void ensureProgressTopic(String topic) {
        if (partitions(topic).isPresent()) {
            return;
        }
        try {
            get(admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all(), "creating " + topic);
        } catch (KafkaUnavailableException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * The transactional producer of a replay. One transactional id per dead-letter topic: a new
     * replay of the same topic fences an older one still running (or crashed), and its
     * {@code initTransactions} aborts what that one left open, before the new one reads the progress.
     */
    public KafkaProducer<byte[], byte[]> transactionalProducer(String transactionalId) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.remove("default.api.timeout.ms");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "twin-egress-cli-replay-" + UUID.randomUUID().toString().substring(0, 8));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout.toMillis()));
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
        // A record up to the router's egress topics' default size (1 MiB event + 64 KiB of key and headers).
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(1_048_576 + 65_536));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        // The producer wants delivery.timeout.ms >= linger.ms + request.timeout.ms.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(ms, Integer.parseInt(p.getProperty("request.timeout.ms")) + 11)));
        try {
            return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            throw unavailable("creating the replay's producer", e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    private <K> KafkaConsumer<K, byte[]> consumer(org.apache.kafka.common.serialization.Deserializer<K> keys) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // The router and a replay write in transactions: read only what committed.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(p, keys, new ByteArrayDeserializer());
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unavailable(what, e.getCause());
        } catch (TimeoutException e) {
            throw unavailable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(what, e);
        }
    }

    private KafkaUnavailableException unavailable(String what, Throwable cause) {
        if (cause instanceof KafkaUnavailableException k) {
            return k;
        }
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new KafkaUnavailableException("Kafka did not answer within " + timeout.toSeconds() + " s while " + what
                    + " (bootstrap servers " + clientProps.getProperty("bootstrap.servers") + ")", cause);
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new KafkaUnavailableException("Kafka failed while " + what + ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " " + cause.getMessage())
                + (root == cause ? "" : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")"), cause);
    }
}
