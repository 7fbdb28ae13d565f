package io.twinegress.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The suite's input: events in the Event Grid schema, padded to an exact size (500 bytes
 * by default, the record size), keyed by one of a fixed set of sensor ids.
 */
public final class Events {

    public static final int RECORD_BYTES = 500;
    public static final int KEYS = 10;

    private Events() {
    }

    /** One event of {@code type}, exactly {@code size} bytes of UTF-8 JSON (at least the envelope's own size). */
    public static byte[] event(String type, long seq, int size) {
        String id = String.format("00000000-0000-4000-8000-%012d", seq);
        String head = "{\"id\":\"" + id + "\",\"subject\":\"" + type + "\",\"data\":{\"Type\":\"Classic\",\"DataType\":\"Motion\","
            + "\"Id\":\"" + id + "\",\"Value\":\"" + (seq % 2 == 0) + "\",\"MessageType\":\"sensor\",\"Pad\":\"";
        String tail = "\"},\"eventType\":\"" + type + "\",\"eventTime\":\"2026-11-22T10:00:00.0000000Z\","
            + "\"dataVersion\":\"1\",\"metadataVersion\":\"1\"}";
        int pad = Math.max(0, size - head.length() - tail.length());
        return (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code seq} an event id of {@link #event} was made from (its last twelve digits). */
    public static long seqOf(String id) {
        return Long.parseLong(id.substring(id.length() - 12));
    }

    public static byte[] key(long seq) {
        return ("sensor-" + (seq % KEYS)).getBytes(StandardCharsets.UTF_8);
    }

    /** The headers the router puts on an egress record (docs/router.md), so connectors read them as in production. */
    public static RecordHeaders egressHeaders(String type, long seq, String topic) {
        RecordHeaders h = new RecordHeaders();
        h.add("twin-egress.event-type", type.getBytes(StandardCharsets.UTF_8));
        h.add("twin-egress.event-id", String.format("00000000-0000-4000-8000-%012d", seq).getBytes(StandardCharsets.UTF_8));
        h.add("twin-egress.endpoint-id", topic.getBytes(StandardCharsets.UTF_8));
        h.add("twin-egress.source-topic", "twin.events".getBytes(StandardCharsets.UTF_8));
        h.add("twin-egress.source-partition", "0".getBytes(StandardCharsets.UTF_8));
        h.add("twin-egress.source-offset", Long.toString(seq).getBytes(StandardCharsets.UTF_8));
        return h;
    }

    /** A producer tuned for bulk loading (linger.ms=10, batch.size=64 KiB: about twice the default producer's rate on two cores). */
    public static KafkaProducer<byte[], byte[]> bulkProducer(String bootstrap) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        // Loading test data only: on a just-created topic under heavy load the idempotent producer
        // was seen stuck in OutOfOrderSequenceException retries until delivery.timeout.ms.
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A producer with the client's defaults except a short linger (latency runs, trickles). */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Produces {@code n} events of {@code type} to {@code topic} and waits until all are acknowledged. */
    public static void fill(String bootstrap, String topic, int n, String type, boolean egressHeaders) {
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> p = bulkProducer(bootstrap)) {
            for (long i = 0; i < n && failure.get() == null; i++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, key(i), event(type, i, RECORD_BYTES),
                    egressHeaders ? egressHeaders(type, i, topic) : null);
                p.send(r, (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            p.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("filling " + topic + " failed: " + failure.get(), failure.get());
        }
    }
}
