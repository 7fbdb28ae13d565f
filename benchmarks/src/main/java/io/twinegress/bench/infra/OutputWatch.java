package io.twinegress.bench.infra;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Reads output topics as a downstream consumer does ({@code read_committed}) and measures when the
 * records were appended. Output topics carry {@code LogAppendTime}, so the first-to-last span is
 * the broker's own clock, the same for every subject, not the reader's polling.
 */
public final class OutputWatch {

    /** What a run's output showed: how many records, and the broker append times of the first and last. */
    public record Span(long records, long firstAppendMs, long lastAppendMs) {
        public double seconds() {
            return Math.max(1, lastAppendMs - firstAppendMs) / 1000.0;
        }
    }

    private OutputWatch() {
    }

    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return consumer(bootstrap, 5000);
    }

    /** A read_committed byte consumer, no group offsets, from the earliest offset. */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, int maxPollRecords) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, Collection<String> topics) {
        List<TopicPartition> tps = new ArrayList<>();
        for (String t : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("no partitions for " + t);
            }
            infos.forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
        }
        return tps;
    }

    /**
     * Waits until {@code expected} records are visible on {@code topics} (from their beginning), or
     * the deadline passes, or {@code alive} turns false (the subject died).
     */
    public static Span await(String bootstrap, Collection<String> topics, long expected, Duration deadline, BooleanSupplier alive) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> tps = partitions(consumer, topics);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long count = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long end = System.nanoTime() + deadline.toNanos();
            while (count < expected) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("only " + count + " of " + expected + " records on " + topics + " within " + deadline);
                }
                if (!alive.getAsBoolean()) {
                    throw new IllegalStateException("the subject exited after " + count + " of " + expected + " records");
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    count++;
                    first = Math.min(first, r.timestamp());
                    last = Math.max(last, r.timestamp());
                }
            }
            return new Span(count, first, last);
        }
    }
}
