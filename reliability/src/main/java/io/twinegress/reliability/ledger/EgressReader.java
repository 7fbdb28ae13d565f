package io.twinegress.reliability.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic from the beginning to its current end, without a consumer group, as a
 * {@code read_committed} (or uncommitted) reader: what a sink connector would see.
 */
public final class EgressReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EgressReader() {
    }

    /** Every record of {@code topic} up to its end offsets at the time of the call. */
    public static void readAll(String bootstrap, String topic, boolean committedOnly,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(4 * 1024 * 1024),
                ConsumerConfig.CLIENT_ID_CONFIG, "reliability-reader"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return;
            }
            List<TopicPartition> tps = new ArrayList<>();
            infos.forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
            c.assign(tps);
            c.seekToBeginning(tps);
            // read_committed: the end is the last stable offset, so an open transaction is waited out
            Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                boolean done = true;
                for (TopicPartition tp : tps) {
                    if (c.position(tp, Duration.ofSeconds(30)) < end.get(tp)) {
                        done = false;
                    }
                }
                if (done) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end + " in 120 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        each.accept(r);
                    }
                }
            }
        }
    }

    /** The ids of the records of an egress topic, one per record: the router's event-id header, else the body's id. */
    public static List<String> ids(String bootstrap, String topic) {
        List<String> ids = new ArrayList<>();
        readAll(bootstrap, topic, true, r -> ids.add(idOf(r)));
        return ids;
    }

    public static String idOf(ConsumerRecord<byte[], byte[]> r) {
        Header h = r.headers().lastHeader("twin-egress.event-id");
        if (h != null) {
            return new String(h.value(), StandardCharsets.UTF_8);
        }
        return bodyId(r.value());
    }

    /** The {@code id} of a JSON body (events and the test's raw telemetry carry one), or "?". */
    public static String bodyId(byte[] value) {
        if (value == null) {
            return "?";
        }
        try {
            JsonNode n = JSON.readTree(value);
            return n != null && n.hasNonNull("id") ? n.get("id").asText() : "?";
        } catch (Exception e) {
            return "?";
        }
    }
}
