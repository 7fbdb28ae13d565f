package io.twinegress.connect.eventhubs;

import io.twinegress.connect.core.ConnectionString;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.it.SinkIt;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.testing.kafka.Await;
import io.twinegress.testing.kafka.ConnectRestClient;
import io.twinegress.testing.kafka.ConnectWorker;
import io.twinegress.testing.kafka.KafkaBroker;
import io.twinegress.testing.kafka.TestLogs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.twinegress.connect.it.SinkIt.committed;
import static io.twinegress.connect.it.SinkIt.event;
import static io.twinegress.connect.it.SinkIt.header;
import static io.twinegress.connect.it.SinkIt.metric;
import static io.twinegress.connect.it.SinkIt.metricLong;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged plugin directory in a real Connect worker on a real KRaft broker, delivering
 * through the real Event Hubs SDK to the AMQP stand-in. One broker, worker and stand-in for the
 * class; every test has its own topics, hubs and key names. Only compile-time constants of the
 * connector's classes are used here: the connector comes from the plugin directory.
 */
class EventHubsSinkIT {

    static final String CONNECTOR = "EventHubsSinkConnector";
    static final Duration DEADLINE = Duration.ofSeconds(60);
    /** A record header the tests add to find each record again at the hub. */
    static final String SEQ = "it-seq";

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final ConnectWorker CONNECT = SinkIt.worker(KAFKA);

    static AmqpEmulator amqp;
    final SinkIt.Connectors connectors = new SinkIt.Connectors(CONNECT, DEADLINE);

    @BeforeAll
    static void standIn() {
        amqp = AmqpEmulator.builder()
            .eventHub("events", 4)
            .eventHub("telemetry", 4)
            .eventHub("failover", 2)
            .eventHub("both-refused", 2)
            .eventHub("throttled", 2)
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

    @AfterEach
    void deleteConnectors() {
        connectors.deleteAll();
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
    void jsonEventsArriveByteForByteWithTheirPartitionKeysAndPropertiesInOrderPerKey() {
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
        System.out.printf("IT figure: %d events (about 500 bytes) in Kafka -> all at the hub in %d ms (%d events/s), "
            + "%d transfers%n", n, ms, n * 1000L / ms, got.stream().skip(10).mapToLong(ReceivedMessage::transferId).distinct().count());

        List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>(warmUp);
        all.addAll(records);
        assertDelivered(all, got, "application/json");
        Map<Long, Set<String>> keysPerTransfer = new HashMap<>();
        got.forEach(m -> keysPerTransfer.computeIfAbsent(m.transferId(), t -> new TreeSet<>()).add(String.valueOf(m.partitionKey())));
        keysPerTransfer.values().forEach(keys -> assertEquals(1, keys.size(), "one partition key per batch: " + keys));
        assertTrue(got.stream().anyMatch(m -> m.transferSize() > 1), "events travel in batches");
        Await.waitUntil(() -> committed(KAFKA, "eh-events") == 10 + n, DEADLINE, "offsets committed up to the end");
        Await.waitUntil(() -> metricLong("eh-events", "delivered-records-total") == 10 + n, DEADLINE, "delivered metric on JMX");
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
        Await.waitUntil(() -> committed(KAFKA, "eh-telemetry") == 200, DEADLINE, "committed");
    }

    @Test
    void aRefusedPrimaryFailsOverToTheSecondaryAndNothingIsLost() {
        String topic = "twin.egress.failover";
        KAFKA.createTopic(topic, 2);
        amqp.addKey("fo", "fo-primary");
        amqp.addKey("fo", "fo-secondary");
        connectors.start("eh-failover", config(topic, "failover", amqp.connectionString("fo", "fo-primary"),
            amqp.connectionString("fo", "fo-secondary")));
        List<ProducerRecord<byte[], byte[]>> first = events(topic, "failover", 2, 0, 50, 100);
        KAFKA.produce(first);
        amqp.awaitCount("failover", 50, DEADLINE);

        long mark = TestLogs.mark();
        amqp.revokeKey("fo", "fo-primary"); // like regenerating the primary key in the portal
        Instant revoked = Instant.now();
        List<ProducerRecord<byte[], byte[]>> second = events(topic, "failover", 2, 50, 50, 100);
        KAFKA.produce(second);
        List<ReceivedMessage> got = amqp.awaitCount("failover", 100, DEADLINE);
        System.out.printf("IT figure: primary revoked -> first event delivered with the secondary %d ms "
            + "(includes producing the next records and the consumer's poll)%n", Duration.between(revoked, got.get(50).receivedAt()).toMillis());

        List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>(first);
        all.addAll(second);
        assertDelivered(all, got, "application/json");
        assertTrue(TestLogs.readSince(mark).contains("eh-failover: the endpoint refused the primary key"), "one line per switch");
        Pattern took = Pattern.compile("eh-failover: delivering with the secondary key, (\\d+) ms after the endpoint refused a key");
        String measured = Await.value(() -> {
            Matcher m = took.matcher(TestLogs.readSince(mark));
            return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.<String>empty();
        }, DEADLINE, "the task says which key it delivers with now");
        System.out.printf("IT figure: failover 401 -> first successful send with the secondary %s ms (task's own measure)%n", measured);
        assertEquals(1, metricLong("eh-failover", "failovers-total"));
        assertEquals("secondary", metric("eh-failover", "active-key").orElseThrow());
        assertEquals(0, metricLong("eh-failover", "backing-off"), "failover needs no backoff");
    }

    @Test
    void bothKeysRefusedBacksOffHoldsEverythingAndACorrectedKeyDeliversAll() {
        String topic = "twin.egress.both-refused";
        KAFKA.createTopic(topic, 2);
        amqp.addKey("both", "both-good");
        Map<String, String> config = config(topic, "both-refused", amqp.connectionString("both", "wrong-1"),
            amqp.connectionString("both", "wrong-2"));
        connectors.start("eh-both", config);
        List<ProducerRecord<byte[], byte[]>> records = events(topic, "both", 2, 0, 40, 100);
        KAFKA.produce(records);

        Await.waitUntil(() -> metricLong("eh-both", "backing-off") == 1, DEADLINE, "the task backs off");
        Await.waitUntil(() -> metricLong("eh-both", "failovers-total") >= 3, DEADLINE, "and keeps trying both keys");
        assertEquals(0, amqp.count("both-refused"));
        assertTrue(CONNECT.rest().connectorStatus("eh-both").orElseThrow().isRunning(), "the task holds, it does not fail");
        assertEquals(0, committed(KAFKA, "eh-both"), "nothing committed while held");

        Map<String, String> fixed = new HashMap<>(config);
        fixed.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("both", "both-good"));
        Instant put = Instant.now();
        CONNECT.rest().putConnector("eh-both", fixed);
        List<ReceivedMessage> got = amqp.awaitCount("both-refused", 40, DEADLINE);
        System.out.printf("IT figure: PUT corrected key -> first delivery %d ms, -> all 40 delivered %d ms%n",
            Duration.between(put, got.get(0).receivedAt()).toMillis(), Duration.between(put, got.get(39).receivedAt()).toMillis());
        assertDelivered(records, got, "application/json");
        Await.waitUntil(() -> committed(KAFKA, "eh-both") == 40, DEADLINE, "offsets committed once delivered");
    }

    @Test
    void aThrottlingHubGetsEverythingAfterBackoffInOrderPerKey() {
        String topic = "twin.egress.throttled";
        KAFKA.createTopic(topic, 1);
        Map<String, String> config = config(topic, "throttled", amqp.connectionString("send", "send-key"), null);
        config.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "10");
        connectors.start("eh-throttled", config);
        long mark = TestLogs.mark();
        amqp.throttleNext(3);
        List<ProducerRecord<byte[], byte[]>> records = events(topic, "throttled", 1, 0, 60, 100);
        KAFKA.produce(records);
        List<ReceivedMessage> got = amqp.awaitCount("throttled", 60, DEADLINE);
        assertDelivered(records, got, "application/json");
        // the task logs the end of the backoff after the send returned, so possibly after the hub recorded it
        Await.waitUntil(() -> TestLogs.readSince(mark).contains("eh-throttled: endpoint accepts records again"), DEADLINE,
            "the end of the backoff is logged");
        assertTrue(TestLogs.readSince(mark).contains("eh-throttled: endpoint unavailable (com.microsoft:server-busy"),
            "and so was its start");
        Await.waitUntil(() -> committed(KAFKA, "eh-throttled") == 60, DEADLINE, "committed");
    }

    @Test
    void anOversizedEventGoesToTheDeadLetterTopicWithTheReasonAndTheRestIsDelivered() {
        String topic = "twin.egress.small";
        KAFKA.createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> rest = new ArrayList<>(events(topic, "small", 1, 0, 4, 100));
        ProducerRecord<byte[], byte[]> big = events(topic, "small", 1, 4, 1, 20 * 1024).get(0); // the hub takes 16 KiB
        rest.addAll(events(topic, "small", 1, 5, 5, 100));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(rest.subList(0, 4));
        records.add(big);
        records.addAll(rest.subList(4, 9));
        KAFKA.produce(records);
        connectors.start("eh-small", config(topic, "small", amqp.connectionString("send", "send-key"), null));

        List<ReceivedMessage> got = amqp.awaitCount("small", 9, DEADLINE);
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.consume(topic + ".dlq", 1, DEADLINE);
        assertEquals(1, dead.size());
        assertArrayEquals(big.value(), dead.get(0).value(), "the original record");
        String reason = new String(dead.get(0).headers().lastHeader("__connect.errors.exception.message").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("larger than the largest event the event hub accepts"), reason);
        Await.waitUntil(() -> committed(KAFKA, "eh-small") == 10, DEADLINE, "committed past the dead-lettered record");
        assertDelivered(rest, amqp.received("small"), "application/json");
        assertEquals(1, metricLong("eh-small", "dead-lettered-records-total"));
        assertEquals(9, got.size());
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
}
