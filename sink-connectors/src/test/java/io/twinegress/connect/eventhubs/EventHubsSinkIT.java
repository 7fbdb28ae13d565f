package io.twinegress.connect.eventhubs;

import static io.twinegress.connect.it.SinkIt.committed;
import static io.twinegress.connect.it.SinkIt.event;
import static io.twinegress.connect.it.SinkIt.header;
import static io.twinegress.connect.it.SinkIt.metric;
import static io.twinegress.connect.it.SinkIt.metricLong;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connect.core.ConnectionString;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.it.AmqpTarget;
import io.twinegress.connect.it.DeliveryContractIT;
import io.twinegress.connect.it.SinkIt;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.testing.kafka.ConnectRestClient;
import io.twinegress.testing.kafka.ConnectWorker;
import io.twinegress.testing.kafka.KafkaBroker;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Event Hubs connector from the packaged plugin directory in a real Connect worker on a real
 * KRaft broker, delivering through the real Event Hubs SDK to the AMQP stand-in: the delivery
 * contract ({@link DeliveryContractIT}) and what is Event Hubs's own (partition keys and order per
 * key, raw device telemetry byte for byte, its validation rules). One broker, worker and stand-in
 * for the class; every test has its own topics, hubs and key names. Only compile-time constants of
 * the connector's classes are used here: the connector comes from the plugin directory.
 */
class EventHubsSinkIT extends DeliveryContractIT {

    static final String CONNECTOR = "EventHubsSinkConnector";
    /** A record header the tests add to find each record again at the hub. */
    static final String SEQ = "it-seq";

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final ConnectWorker CONNECT = SinkIt.worker(KAFKA);

    static AmqpEmulator amqp;

    @BeforeAll
    static void standIn() {
        amqp = AmqpEmulator.builder()
            .eventHub("events", 4)
            .eventHub("telemetry", 4)
            .eventHub("small", 2, 16 * 1024)
            .key("send", "send-key")
            .start();
    }

    @AfterAll
    static void stopStandIn() {
        if (amqp != null) {
            amqp.assertNoHandlerErrors();
            amqp.close();
        }
    }

    EventHubsSinkIT() {
        super(KAFKA, CONNECT, new AmqpTarget(CONNECTOR, amqp, (b, hub) -> b.eventHub(hub, 2), (a, hub) -> a.addEventHub(hub, 2),
            m -> m.property(EgressHeaders.EVENT_ID), // headers become properties
            "small", 20 * 1024, // the hub takes 16 KiB
            "larger than the largest event the event hub accepts"));
    }

    // ---------------------------------------------------------------------------------------------

    static Map<String, String> config(String topic, String hub, String primary, String secondary) {
        return SinkIt.config(CONNECTOR, topic, hub, primary, secondary);
    }

    /** Key for record {@code i}: {@code keys} distinct keys, and every 10th record without a key. */
    static byte[] key(String prefix, int i, int keys) {
        return i % 10 == 9 ? null : (prefix + "-" + (i % keys)).getBytes(StandardCharsets.UTF_8);
    }

    /** The same key always in the same topic partition, as Kafka's partitioner does: per-key order starts there. */
    static int partition(byte[] key, int i, int partitions) {
        return key == null ? i % partitions : Math.floorMod(new String(key, StandardCharsets.UTF_8).hashCode(), partitions);
    }

    /** Events as the router writes them, with a unique {@link #SEQ} header. */
    static List<ProducerRecord<byte[], byte[]>> events(String topic, String endpoint, int partitions, int from, int n, int padding) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            byte[] key = key("sensor", i, 7);
            int p = partition(key, i, partitions);
            String type = i % 2 == 0 ? "SensorChange" : "SpaceChange";
            List<Header> headers = List.of(
                header(EgressHeaders.EVENT_TYPE, type),
                header(EgressHeaders.EVENT_ID, endpoint + "-" + i),
                header(EgressHeaders.ENDPOINT_ID, endpoint),
                header(EgressHeaders.SOURCE_TOPIC, "twin.events"),
                header(SEQ, Integer.toString(i)));
            out.add(new ProducerRecord<>(topic, p, key, event(endpoint + "-" + i, type, i, padding).getBytes(StandardCharsets.UTF_8), headers));
        }
        return out;
    }

    static String seq(ProducerRecord<byte[], byte[]> r) {
        return new String(r.headers().lastHeader(SEQ).value(), StandardCharsets.UTF_8);
    }

    static Set<String> seqs(List<ReceivedMessage> messages) {
        return messages.stream().map(m -> m.property(SEQ)).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> seqsOf(List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream().map(EventHubsSinkIT::seq).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Every record arrived exactly once, byte for byte, with its key as partition key, its headers
     * as properties, and in record order per partition key.
     */
    static void assertDelivered(List<ProducerRecord<byte[], byte[]>> records, List<ReceivedMessage> got, String contentType) {
        Map<String, ProducerRecord<byte[], byte[]>> bySeq = new HashMap<>();
        records.forEach(r -> bySeq.put(seq(r), r));
        assertEquals(records.size(), got.size(), "count");
        assertEquals(bySeq.keySet(), seqs(got), "each record once");
        Map<String, Integer> lastPerKey = new HashMap<>();
        for (ReceivedMessage m : got) {
            ProducerRecord<byte[], byte[]> r = bySeq.get(m.property(SEQ));
            assertNotNull(r, m.toString());
            assertArrayEquals(r.value(), m.body(), "body byte for byte, record " + seq(r));
            assertEquals(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), m.partitionKey(), "partition key");
            assertEquals(contentType, m.contentType());
            for (Header h : r.headers()) {
                assertEquals(new String(h.value(), StandardCharsets.UTF_8), m.property(h.key()), h.key());
            }
            assertEquals(r.headers().toArray().length, m.applicationProperties().size(), "only the headers: " + m.applicationProperties().keySet());
            if (m.partitionKey() != null) {
                int seq = Integer.parseInt(seq(r));
                Integer before = lastPerKey.put(m.partitionKey(), seq);
                assertTrue(before == null || before < seq, "order for key " + m.partitionKey() + ": " + before + " then " + seq);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void jsonEventsArriveByteForByteWithTheirPartitionKeysAndPropertiesInOrderPerKey(TestReporter reporter) {
        String topic = "twin.egress.events";
        KAFKA.createTopic(topic, 3);
        Map<String, String> config = config(topic, "events", amqp.connectionString("send", "send-key"), null);
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter"); // String values work too
        connectors.start("eh-events", config);
        List<ProducerRecord<byte[], byte[]>> warmUp = events(topic, "events", 3, 0, 10, 50);
        KAFKA.produce(warmUp);
        amqp.awaitCount("events", 10, DEADLINE);

        int n = 3000;
        List<ProducerRecord<byte[], byte[]>> records = events(topic, "events", 3, 10, n, 300);
        KAFKA.produce(records);
        Instant produced = Instant.now();
        List<ReceivedMessage> got = amqp.awaitCount("events", 10 + n, DEADLINE);
        long ms = Math.max(1, Duration.between(produced, got.get(got.size() - 1).receivedAt()).toMillis());
        reporter.publishEntry("figure", n + " events (about 500 bytes) in Kafka -> all at the hub in " + ms + " ms ("
            + n * 1000L / ms + " events/s), " + got.stream().skip(10).mapToLong(ReceivedMessage::transferId).distinct().count()
            + " transfers");

        List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>(warmUp);
        all.addAll(records);
        assertDelivered(all, got, "application/json");
        Map<Long, Set<String>> keysPerTransfer = new HashMap<>();
        got.forEach(m -> keysPerTransfer.computeIfAbsent(m.transferId(), t -> new TreeSet<>()).add(String.valueOf(m.partitionKey())));
        keysPerTransfer.values().forEach(keys -> assertEquals(1, keys.size(), "one partition key per batch: " + keys));
        assertTrue(got.stream().anyMatch(m -> m.transferSize() > 1), "events travel in batches");
        await("offsets committed up to the end").atMost(DEADLINE).until(() -> committed(KAFKA, "eh-events") == 10 + n);
        await("delivered metric on JMX").atMost(DEADLINE).until(() -> metricLong("eh-events", "delivered-records-total") == 10 + n);
        assertEquals("primary", metric("eh-events", "active-key").orElseThrow());
    }

    @Test
    void rawDeviceMessagesIncludingInvalidUtf8ArriveByteForByte() {
        String topic = "twin.device-messages.egress";
        KAFKA.createTopic(topic, 2);
        Map<String, String> config = config(topic, null, amqp.connectionString("send", "send-key", "telemetry"), null);
        config.put(EventHubsSinkConfig.DEVICE_MESSAGES_CONFIG, "true");
        connectors.start("eh-telemetry", config);

        Random random = new Random(20261122);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        byte[][] fixed = {
            {(byte) 0xc3, 0x28},                        // invalid 2-byte sequence
            {(byte) 0xff, (byte) 0xfe, (byte) 0xfd},   // never valid in UTF-8
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80},   // a UTF-16 surrogate encoded: invalid UTF-8
            {0},                                        // a single NUL
            {'{', '"', 't', '"', ':', (byte) 0x80, '}'} // JSON-looking, but broken
        };
        for (int i = 0; i < 200; i++) {
            byte[] body = i < fixed.length ? fixed[i] : new byte[1 + random.nextInt(2000)];
            if (i >= fixed.length) {
                random.nextBytes(body);
            }
            byte[] key = key("device", i, 5);
            records.add(new ProducerRecord<>(topic, partition(key, i, 2), key, body, List.of(
                header(EgressHeaders.EVENT_TYPE, "DeviceMessage"),
                header(EgressHeaders.ENDPOINT_ID, "telemetry"),
                header(SEQ, Integer.toString(i)))));
        }
        KAFKA.produce(records);
        List<ReceivedMessage> got = amqp.awaitCount("telemetry", 200, DEADLINE);
        assertDelivered(records, got, null);
        await("committed").atMost(DEADLINE).until(() -> committed(KAFKA, "eh-telemetry") == 200);
    }

    @Test
    void validateReportsEachMistakeOnItsKeyAndADeviceMessageEndpointWithoutEntityPathNeverStarts() {
        Map<String, String> bad = config("twin.egress.bad", "events", "Endpoint=https://127.0.0.1/;SharedAccessKeyName=send;SharedAccessKey=x",
            "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=send");
        bad.put("name", "eh-bad");
        ConnectRestClient.Validation v = CONNECT.rest().validate(CONNECTOR, bad);
        assertEquals(List.of(ConnectionString.ERROR_BAD_ENDPOINT), v.errors().get(DeliveryConfig.CONNECTION_STRING_CONFIG));
        assertEquals(List.of(ConnectionString.ERROR_NO_KEY), v.errors().get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG));

        Map<String, String> mismatch = config("twin.egress.bad", "events", amqp.connectionString("send", "send-key", "telemetry"), null);
        mismatch.put("name", "eh-bad");
        v = CONNECT.rest().validate(CONNECTOR, mismatch);
        assertEquals(1, v.errorCount(), v.response().toString());
        assertEquals(List.of(EventHubsSinkConfig.ERROR_ENTITY_PATH_MISMATCH), v.errors().get(DeliveryConfig.CONNECTION_STRING_CONFIG));

        Map<String, String> device = config("twin.egress.bad", "telemetry", amqp.connectionString("send", "send-key"), null);
        device.put("name", "eh-bad");
        device.put(EventHubsSinkConfig.DEVICE_MESSAGES_CONFIG, "true");
        v = CONNECT.rest().validate(CONNECTOR, device);
        assertEquals(1, v.errorCount(), v.response().toString());
        assertEquals(List.of(EventHubsSinkConfig.ERROR_DEVICE_MESSAGES_NEED_ENTITY_PATH), v.errors().get(DeliveryConfig.CONNECTION_STRING_CONFIG));
        HttpResponse<String> created = CONNECT.rest().request("PUT", "connectors/eh-bad/config", device);
        assertEquals(400, created.statusCode(), created.body());
        assertTrue(created.body().contains(EventHubsSinkConfig.ERROR_DEVICE_MESSAGES_NEED_ENTITY_PATH), created.body());
        assertFalse(CONNECT.rest().connectors().contains("eh-bad"), "no connector, so no task");
    }

    /**
     * Events naming a partition in a header land in that partition, in record order there and one
     * partition per batch; the one naming a partition the hub lacks is dead-lettered with the reason
     * (nothing lost, nothing sent elsewhere); one without the header goes by its record key.
     * validate() over REST refuses both partitioning headers at once, on the key.
     */
    @Test
    void eventsNamingAPartitionLandThereAndOneNamingAnUnknownPartitionIsDeadLettered() {
        amqp.addEventHub("routed", 4);
        String topic = "twin.egress.eh-routed";
        KAFKA.createTopic(topic, 1);
        KAFKA.createTopic(topic + ".dlq", 1); // else Connect's reporter creates it on the first dead letter, slowly
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            List<Header> headers = new ArrayList<>(List.of(header(EgressHeaders.EVENT_TYPE, "SensorChange"),
                header(EgressHeaders.EVENT_ID, "routed-" + i), header(SEQ, Integer.toString(i))));
            if (i != 20) {
                headers.add(header("partition", i == 9 ? "4" : Integer.toString(i % 4)));
            }
            records.add(new ProducerRecord<>(topic, 0, ("sensor-" + i).getBytes(StandardCharsets.UTF_8),
                event("routed-" + i, "SensorChange", i, 20).getBytes(StandardCharsets.UTF_8), headers));
        }
        KAFKA.produce(records);
        Map<String, String> config = config(topic, "routed", amqp.connectionString("send", "send-key"), null);
        config.put("partition.id.header", "partition");
        config.put("partition.key.header", "device");
        config.put("name", "eh-routed");
        ConnectRestClient.Validation v = CONNECT.rest().validate(CONNECTOR, config);
        assertEquals(1, v.errorCount(), v.response().toString());
        assertEquals(List.of(PartitionChoiceConfig.ERROR_BOTH_HEADERS), v.errors().get("partition.id.header"));
        config.remove("partition.key.header");
        config.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "3");
        connectors.start("eh-routed", config);

        List<ReceivedMessage> got = amqp.awaitCount("routed", 29, DEADLINE);
        await("committed past the dead-lettered record").atMost(DEADLINE).until(() -> committed(KAFKA, "eh-routed") == 30);
        assertEquals(29, amqp.count("routed"), "nothing twice, nothing elsewhere");
        Map<String, Integer> lastSeq = new HashMap<>();
        Map<Long, Set<String>> partitionsPerTransfer = new HashMap<>();
        for (ReceivedMessage m : got) {
            int i = Integer.parseInt(m.property(SEQ));
            if (i == 20) {
                assertEquals("sensor-20", m.partitionKey(), "no header: by the record key");
                continue;
            }
            assertEquals(Integer.toString(i % 4), m.partitionId(), "record " + i);
            assertEquals(null, m.partitionKey(), "to a partition, not by a key");
            Integer before = lastSeq.put(m.partitionId(), i);
            assertTrue(before == null || before < i, "order in partition " + m.partitionId() + ": " + before + " then " + i);
            partitionsPerTransfer.computeIfAbsent(m.transferId(), t -> new TreeSet<>()).add(m.partitionId());
        }
        assertTrue(partitionsPerTransfer.values().stream().allMatch(p -> p.size() == 1), "one partition per batch");
        assertTrue(got.stream().anyMatch(m -> m.transferSize() > 1), "in batches");
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> dead = KAFKA.consume(topic + ".dlq", 1, DEADLINE);
        assertEquals(1, dead.size());
        assertEquals("routed-9", new String(dead.get(0).headers().lastHeader(EgressHeaders.EVENT_ID).value(), StandardCharsets.UTF_8));
        String reason = new String(dead.get(0).headers().lastHeader("__connect.errors.exception.message").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("Header 'partition' names partition '4', which the event hub does not have (its partitions: 0, 1, 2, 3)"),
            reason);
    }

    /** The partition key from a named header: each event carries it, batched and ordered by it. */
    @Test
    void aPartitionKeyFromAHeaderReplacesTheRecordKey() {
        amqp.addEventHub("by-device", 2);
        String topic = "twin.egress.eh-by-device";
        KAFKA.createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(new ProducerRecord<>(topic, 0, ("sensor-" + i).getBytes(StandardCharsets.UTF_8),
                event("dev-" + i, "SensorChange", i, 20).getBytes(StandardCharsets.UTF_8),
                List.of(header(EgressHeaders.EVENT_TYPE, "SensorChange"), header(SEQ, Integer.toString(i)),
                    header("device", "device-" + (i % 3)))));
        }
        KAFKA.produce(records);
        Map<String, String> config = config(topic, "by-device", amqp.connectionString("send", "send-key"), null);
        config.put("partition.key.header", "device");
        connectors.start("eh-by-device", config);
        List<ReceivedMessage> got = amqp.awaitCount("by-device", 20, DEADLINE);
        Map<String, Integer> lastSeq = new HashMap<>();
        for (ReceivedMessage m : got) {
            int i = Integer.parseInt(m.property(SEQ));
            assertEquals("device-" + (i % 3), m.partitionKey(), "record " + i);
            Integer before = lastSeq.put(m.partitionKey(), i);
            assertTrue(before == null || before < i, "order per key: " + before + " then " + i);
        }
        await("committed").atMost(DEADLINE).until(() -> committed(KAFKA, "eh-by-device") == 20);
    }
}
