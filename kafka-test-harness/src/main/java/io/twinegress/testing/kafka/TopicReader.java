package io.twinegress.testing.kafka;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic from the beginning with a group-less consumer (assigned partitions,
 * no rebalance, no committed offsets), until at least the expected number of records has
 * arrived and every partition has been read to its end offset at that moment.
 */
final class TopicReader {

    private static final Duration POLL = Duration.ofMillis(100);

    private final String bootstrapServers;

    TopicReader(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    List<ConsumerRecord<byte[], byte[]>> read(String topic, int expectedCount, Duration deadline,
                                             IsolationLevel isolation) {
        long end = System.nanoTime() + deadline.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config(isolation))) {
            Duration metadataWait = Duration.ofMillis(Math.min(1000, deadline.toMillis()));
            // the consumer is single-threaded: poll it on this thread
            List<TopicPartition> partitions = await("topic " + topic + " to exist").atMost(deadline).pollInSameThread()
                    .until(() -> partitionsOf(consumer, topic, metadataWait), Optional::isPresent).orElseThrow();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (records.size() < expectedCount) {
                if (System.nanoTime() - end >= 0) {
                    throw new AssertionError(String.format(Locale.ROOT,
                            "Timed out after %s waiting for %d records on %s (%s): got %d",
                            deadline, expectedCount, topic, isolation, records.size()));
                }
                consumer.poll(POLL).forEach(records::add);
            }
            // Then read whatever else is there now, so "exactly N" can be asserted by the caller.
            Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions);
            while (!reached(consumer, endOffsets) && System.nanoTime() - end < 0) {
                consumer.poll(POLL).forEach(records::add);
            }
            return records;
        }
    }

    private static Optional<List<TopicPartition>> partitionsOf(KafkaConsumer<?, ?> consumer, String topic,
                                                               Duration wait) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, wait);
        } catch (TimeoutException e) {
            return Optional.empty();
        }
        if (infos == null || infos.isEmpty()) {
            return Optional.empty();
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        return Optional.of(partitions);
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> endOffsets) {
        return endOffsets.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private Map<String, Object> config(IsolationLevel isolation) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return config;
    }
}
