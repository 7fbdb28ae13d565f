package io.twinegress.bench.infra;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads output topics as a downstream consumer does ({@code read_committed}) and measures when the
 * records were appended. Output topics carry {@code LogAppendTime}, so the first-to-last span is
 * the broker's own clock, the same for every subject, not the reader's polling.
 */
public final class OutputWatch {

    /**
     * What a run's output showed: every record's broker append time, sorted. The whole span (first
     * to last) includes the subject's first events in a fresh JVM; {@link #steadyPerSec} leaves them out.
     */
    public static final class Span {
        private final long[] appendMs;

        Span(long[] appendMs) {
            this.appendMs = appendMs.clone();
            Arrays.sort(this.appendMs);
        }

        public long records() {
            return appendMs.length;
        }

        public long firstAppendMs() {
            return appendMs[0];
        }

        public long lastAppendMs() {
            return appendMs[appendMs.length - 1];
        }

        /** First to last append, at least 1 ms. */
        public double seconds() {
            return Math.max(1, lastAppendMs() - firstAppendMs()) / 1000.0;
        }

        /**
         * Records per second after the first {@code skip} (a fraction) of the output: from the append time of
         * the record at that rank to the last one. What a router that has run for a while does, without the
         * start of a fresh JVM (code still interpreted, the compilers busy).
         */
        public double steadyPerSec(double skip) {
            int from = (int) Math.min(appendMs.length - 1, Math.floor(appendMs.length * skip));
            long span = Math.max(1, lastAppendMs() - appendMs[from]);
            return (appendMs.length - from) / (span / 1000.0);
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
     * the deadline passes, or {@code alive} turns false (the subject died). The reader runs while the
     * subject does, on the same cores.
     */
    public static Span await(String bootstrap, Collection<String> topics, long expected, Duration deadline, BooleanSupplier alive) {
        long end = System.nanoTime() + deadline.toNanos();
        return read(bootstrap, topics, expected, end, alive);
    }

    /**
     * Waits until {@code done} says the subject has written and committed everything (it asks the
     * broker, a few small requests a second), then reads the output. Nothing of the suite reads the
     * output while the subject runs, so the subject shares the cores with the broker only.
     */
    public static Span awaitDone(String bootstrap, Collection<String> topics, long expected, Duration deadline, BooleanSupplier alive,
                                 BooleanSupplier done) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the subject did not finish " + expected + " records on " + topics + " within " + deadline);
            }
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException("the subject exited before it finished " + expected + " records on " + topics);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return read(bootstrap, topics, expected, end, alive);
    }

    private static Span read(String bootstrap, Collection<String> topics, long expected, long endNanos, BooleanSupplier alive) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> tps = partitions(consumer, topics);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long[] times = new long[(int) Math.min(Integer.MAX_VALUE - 8, expected)];
            int count = 0;
            while (count < expected) {
                if (System.nanoTime() > endNanos) {
                    throw new IllegalStateException("only " + count + " of " + expected + " records on " + topics);
                }
                if (!alive.getAsBoolean()) {
                    throw new IllegalStateException("the subject exited after " + count + " of " + expected + " records");
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (count < times.length) {
                        times[count] = r.timestamp();
                    }
                    count++;
                }
            }
            return new Span(Arrays.copyOf(times, Math.min(count, times.length)));
        }
    }
}
