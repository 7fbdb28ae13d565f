package io.twinegress.cli.kafka;

import io.twinegress.schemas.ControlTopics;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.InvalidRecordException;
import io.twinegress.schemas.JsonSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The CLI's side of Kafka: writes endpoint records (routing part only) and tombstones to
 * {@code twin.endpoints}, reads the router's answers from {@code twin.endpoints.status}, and the lag
 * of a connector's consumer group. Every call is bounded by the timeout given at construction.
 */
public final class EndpointTopics implements AutoCloseable {

    private final Properties clientProps;
    private final TopicNames topics;
    private final Duration timeout;
    private final Admin admin;
    private final Deserializer<EndpointStatus> statusReader = JsonSerdes.endpointStatus().deserializer();
    private KafkaProducer<String, byte[]> producer;

    public EndpointTopics(Properties clientProps, TopicNames topics, Duration timeout) {
        this.clientProps = new Properties();
        this.clientProps.putAll(clientProps);
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        this.clientProps.putIfAbsent("default.api.timeout.ms", String.valueOf(ms));
        this.clientProps.putIfAbsent("request.timeout.ms", String.valueOf(Math.min(ms, 30_000)));
        this.topics = topics;
        this.timeout = timeout;
        this.admin = Admin.create(this.clientProps);
    }

    public TopicNames topics() {
        return topics;
    }

    /**
     * Both control topics exist (the router creates them at its first start) and are compacted, and
     * only that: the router refuses to start on one that deletes old records, because an endpoint
     * whose record is deleted is lost at its next start.
     */
    public void checkControlTopics() {
        List<String> control = List.of(topics.endpoints(), topics.status());
        Map<String, TopicDescription> found = describe(control);
        for (String t : control) {
            if (!found.containsKey(t)) {
                throw new KafkaUnavailableException("topic " + t + " does not exist: has the router been started on this cluster "
                        + "(it creates it), or is it named otherwise (--endpoints-topic / --status-topic)?", null);
            }
        }
        List<ConfigResource> resources = control.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = get(() -> admin.describeConfigs(resources).all(), "reading the configuration of " + control);
        for (ConfigResource resource : resources) {
            ConfigEntry policy = configs.get(resource) == null ? null : configs.get(resource).get(ControlTopics.CLEANUP_POLICY);
            Optional<String> problem = ControlTopics.notCompacted(resource.name(), policy == null ? null : policy.value());
            if (problem.isPresent()) {
                throw new KafkaUnavailableException(problem.get(), null);
            }
        }
    }

    /** The latest status record of every endpoint, reading the status topic to its current end. */
    public Map<String, StatusRow> statuses() {
        return readStatuses(beginning(topics.status()), Instant.now().plus(timeout));
    }

    /** The status topic's end offsets now: a status record at or past them was written after this call. */
    public Map<TopicPartition, Long> statusEnd() {
        return offsets(partitions(topics.status()), OffsetSpec.latest());
    }

    /**
     * Waits for a status record of {@code id} written at or after {@code from}.
     *
     * @return the record, or empty when none came before the deadline
     */
    public Optional<StatusRow> awaitStatus(String id, Map<TopicPartition, Long> from, Instant deadline) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (id.equals(r.key())) {
                        return Optional.of(row(r));
                    }
                }
            }
            return Optional.empty();
        } catch (KafkaException e) {
            throw unavailable("reading " + topics.status(), e);
        }
    }

    /** Writes the routing part, and nothing else, to {@code twin.endpoints}; returns once acknowledged. */
    public void writeEndpoint(Endpoint endpoint) {
        send(endpoint.id(), JsonSerdes.endpointValue().serialize(topics.endpoints(), endpoint));
    }

    /** Writes a tombstone: the router deletes the endpoint. */
    public void tombstone(String id) {
        send(id, null);
    }

    /**
     * Lag of a sink connector's consumer group ({@code connect-<name>}) on its topic: end offsets minus
     * committed offsets (the start of the partition when nothing is committed yet).
     *
     * @return empty when the topic does not exist
     */
    public Optional<Long> lag(String group, String topic) {
        Optional<List<TopicPartition>> existing = existingPartitions(topic);
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        List<TopicPartition> parts = existing.get();
        Map<TopicPartition, Long> end = offsets(parts, OffsetSpec.latest());
        Map<TopicPartition, Long> start = offsets(parts, OffsetSpec.earliest());
        Map<TopicPartition, OffsetAndMetadata> committed = get(
                () -> admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), "reading offsets of group " + group);
        long lag = 0;
        for (TopicPartition tp : parts) {
            OffsetAndMetadata c = committed.get(tp);
            long from = c == null ? start.getOrDefault(tp, 0L) : c.offset();
            lag += Math.max(0, end.getOrDefault(tp, 0L) - from);
        }
        return Optional.of(lag);
    }

    /** Records a topic holds now (end minus start offsets), e.g. a dead-letter topic; empty when it does not exist. */
    public Optional<Long> recordCount(String topic) {
        return existingPartitions(topic).map(parts -> {
            Map<TopicPartition, Long> end = offsets(parts, OffsetSpec.latest());
            Map<TopicPartition, Long> start = offsets(parts, OffsetSpec.earliest());
            return parts.stream().mapToLong(tp -> end.getOrDefault(tp, 0L) - start.getOrDefault(tp, 0L)).sum();
        });
    }

    /** The topic's partitions, or empty when the topic does not exist. */
    private Optional<List<TopicPartition>> existingPartitions(String topic) {
        try {
            return Optional.of(partitions(topic));
        } catch (KafkaUnavailableException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        admin.close(Duration.ofSeconds(5));
    }

    // ---------------------------------------------------------------------------------------------

    private Map<String, StatusRow> readStatuses(Map<TopicPartition, Long> from, Instant deadline) {
        Map<TopicPartition, Long> end = offsets(new ArrayList<>(from.keySet()), OffsetSpec.latest());
        Map<String, StatusRow> rows = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            while (!reachedEnd(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new KafkaUnavailableException("could not read " + topics.status() + " to its end within " + timeout.toSeconds() + " s", null);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null) {
                        rows.put(r.key(), row(r));
                    }
                }
            }
        } catch (KafkaException e) {
            throw unavailable("reading " + topics.status(), e);
        }
        return rows;
    }

    private StatusRow row(ConsumerRecord<String, byte[]> r) {
        try {
            EndpointStatus status = statusReader.deserialize(r.topic(), r.value());
            // A null value is the router's compaction of a deleted endpoint (or someone's tombstone).
            return new StatusRow(status, status == null ? "tombstone" : null, r.partition(), r.offset());
        } catch (InvalidRecordException e) {
            return new StatusRow(null, "unreadable status record: " + e.getMessage(), r.partition(), r.offset());
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Map<TopicPartition, Long> beginning(String topic) {
        return offsets(partitions(topic), OffsetSpec.earliest());
    }

    private List<TopicPartition> partitions(String topic) {
        TopicDescription d = describe(List.of(topic)).get(topic);
        if (d == null) {
            throw new KafkaUnavailableException("topic " + topic + " does not exist", new UnknownTopicOrPartitionException(topic));
        }
        List<TopicPartition> out = new ArrayList<>();
        d.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
        return out;
    }

    private Map<String, TopicDescription> describe(List<String> names) {
        Map<String, TopicDescription> out = new HashMap<>();
        var futures = admin.describeTopics(names).topicNameValues();
        for (String name : names) {
            try {
                out.put(name, futures.get(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw unavailable("describing topic " + name, e.getCause());
                }
            } catch (TimeoutException e) {
                throw unavailable("describing topic " + name, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable("describing topic " + name, e);
            }
        }
        return out;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> parts, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        parts.forEach(tp -> request.put(tp, spec));
        // The router writes in transactions: "latest" is the last stable offset a read_committed reader reaches.
        ListOffsetsOptions options = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> info =
                get(() -> admin.listOffsets(request, options).all(), "listing offsets of " + parts);
        Map<TopicPartition, Long> out = new HashMap<>();
        info.forEach((tp, i) -> out.put(tp, i.offset()));
        return out;
    }

    private void send(String id, byte[] value) {
        if (producer == null) {
            Properties p = new Properties();
            p.putAll(clientProps);
            p.remove("default.api.timeout.ms");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout.toMillis()));
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(ms, Integer.parseInt(p.getProperty("request.timeout.ms")) + 1)));
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }
        get(() -> producer.send(new ProducerRecord<>(topics.endpoints(), id, value)), "writing to " + topics.endpoints());
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // The router writes status records in transactions: read only committed ones.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private <T> T get(Supplier<Future<T>> call, String what) {
        try {
            return call.get().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unavailable(what, e.getCause());
        } catch (TimeoutException e) {
            throw unavailable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(what, e);
        } catch (KafkaException e) {
            throw unavailable(what, e);
        }
    }

    private KafkaUnavailableException unavailable(String what, Throwable cause) {
        String detail = cause == null ? "" : ": " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new KafkaUnavailableException("Kafka did not answer within " + timeout.toSeconds() + " s while " + what
                    + " (bootstrap servers " + clientProps.getProperty("bootstrap.servers") + ")", cause);
        }
        return new KafkaUnavailableException("Kafka failed while " + what + detail, cause);
    }
}
