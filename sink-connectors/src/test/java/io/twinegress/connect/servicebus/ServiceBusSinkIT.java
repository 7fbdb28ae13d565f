package io.twinegress.connect.servicebus;

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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * The packaged plugin directory ({@code target/twin-egress-connectors}) in a real Connect worker
 * on a real KRaft broker, delivering through the real Service Bus SDK to the AMQP stand-in.
 * One broker, worker and stand-in for the class; every test has its own topics, entities and
 * key names. The module's own classes are not on this test's class path (see the pom): the
 * connector can only come from the plugin directory. Only compile-time constants of the
 * connector's classes are used here.
 */
class ServiceBusSinkIT {

    static final String CONNECTOR = "ServiceBusSinkConnector";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    static Path secrets;

    @RegisterExtension
    static final ConnectWorker CONNECT = SinkIt.worker(KAFKA);

    static AmqpEmulator amqp;
    final SinkIt.Connectors connectors = new SinkIt.Connectors(CONNECT, DEADLINE);

    @BeforeAll
    static void standIn() throws Exception {
        amqp = AmqpEmulator.builder()
            .serviceBusTopic("deliver")
            .serviceBusTopic("failover")
            .serviceBusTopic("both-refused")
            .serviceBusTopic("steady")
            .serviceBusTopic("throttled")
            .serviceBusTopic("small", 64 * 1024)
            .serviceBusTopic("canary")
            .key("send", "send-key")
            .start();
        secrets = Files.createTempFile("twin-egress-secrets", ".properties");
    }

    @AfterAll
    static void stopStandIn() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (amqp != null) {
            amqp.assertNoHandlerErrors();
            amqp.close();
        }
        Files.deleteIfExists(secrets);
    }

    @AfterEach
    void deleteConnectors() {
        connectors.deleteAll();
    }

    // ---------------------------------------------------------------------------------------------

    static Map<String, String> config(String topic, String entity, String primary, String secondary) {
        return SinkIt.config(CONNECTOR, topic, entity, primary, secondary);
    }

    /** Records as the router writes them: value = event bytes, headers = type, id, endpoint, lineage. */
    static List<ProducerRecord<byte[], byte[]>> routed(String topic, String endpoint, int partitions, int from, int n, int padding) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            int p = i % partitions;
            String id = endpoint + "-" + i + "-" + UUID.randomUUID();
            String type = i % 2 == 0 ? "SensorChange" : "SpaceChange";
            List<Header> headers = List.of(
                header(EgressHeaders.EVENT_TYPE, type),
                header(EgressHeaders.EVENT_ID, id),
                header(EgressHeaders.ENDPOINT_ID, endpoint),
                header(EgressHeaders.SOURCE_TOPIC, "twin.events"),
                header(EgressHeaders.SOURCE_PARTITION, Integer.toString(p)),
                header(EgressHeaders.SOURCE_OFFSET, Integer.toString(i)),
                // a publisher's own headers travel through the router: forwarded as written, never
                // re-formatted (Connect's default header converter would turn these into 7 and 1.5)
                header("app.code", "007"),
                header("app.ratio", "1.50"));
            out.add(new ProducerRecord<>(topic, p, ("sensor-" + p).getBytes(StandardCharsets.UTF_8),
                event(id, type, i, padding).getBytes(StandardCharsets.UTF_8), headers));
        }
        return out;
    }

    static KafkaProducer<byte[], byte[]> producer;

    /**
     * Produces and waits for every ack. Our own producer, not idempotent, one request in flight:
     * the shared harness producer once hung here for 120 s on OUT_OF_ORDER_SEQUENCE_NUMBER
     * retries on a loaded machine (reported to the harness owner).
     */
    static void produce(List<ProducerRecord<byte[], byte[]>> records) {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(KAFKA.producerConfig());
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            producer = new KafkaProducer<>(config);
        }
        List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>();
        records.forEach(r -> acks.add(producer.send(r)));
        producer.flush();
        for (java.util.concurrent.Future<RecordMetadata> f : acks) {
            try {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("produce failed", e);
            }
        }
    }

    static Set<String> ids(List<ReceivedMessage> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.messageId()));
        return ids;
    }

    static Set<String> ids(List<ProducerRecord<byte[], byte[]>> records, boolean unused) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(new String(r.headers().lastHeader(EgressHeaders.EVENT_ID).value(), StandardCharsets.UTF_8)));
        return ids;
    }

    static List<String> mbeans(String connector) {
        try {
            return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)
                .stream().filter(n -> connector.equals(n.getKeyProperty("connector"))).map(ObjectName::toString).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void everyEventBecomesOneMessageWithItsBodyIdSubjectAndPropertiesInOrderPerPartition() {
        String topic = "twin.egress.deliver";
        KAFKA.createTopic(topic, 3);
        List<ProducerRecord<byte[], byte[]>> records = routed(topic, "deliver", 3, 0, 300, 200);
        produce(records);
        long t0 = System.nanoTime();
        connectors.start("sb-deliver", config(topic, "deliver", amqp.connectionString("send", "send-key"), null));

        List<ReceivedMessage> got = amqp.awaitCount("deliver", 300, DEADLINE);
        System.out.printf("IT figure: 300 events delivered %d ms after the connector was created%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(300, got.size());
        assertEquals(ids(records, true), ids(got));

        Map<String, ProducerRecord<byte[], byte[]>> byId = new HashMap<>();
        records.forEach(r -> byId.put(new String(r.headers().lastHeader(EgressHeaders.EVENT_ID).value(), StandardCharsets.UTF_8), r));
        Map<String, Integer> lastSeq = new HashMap<>();
        for (ReceivedMessage m : got) {
            ProducerRecord<byte[], byte[]> r = byId.get(m.messageId());
            assertNotNull(r, m.messageId());
            assertArrayEquals(r.value(), m.body(), "body byte for byte");
            assertEquals("application/json", m.contentType());
            String type = new String(r.headers().lastHeader(EgressHeaders.EVENT_TYPE).value(), StandardCharsets.UTF_8);
            assertEquals(type, m.subject());
            assertEquals(new String(r.key(), StandardCharsets.UTF_8), m.partitionKey(), "the record key is the partition key");
            for (Header h : r.headers()) {
                assertEquals(new String(h.value(), StandardCharsets.UTF_8), m.property(h.key()), h.key());
            }
            String partition = m.property(EgressHeaders.SOURCE_PARTITION);
            int seq = Integer.parseInt(m.property(EgressHeaders.SOURCE_OFFSET));
            Integer previous = lastSeq.put(partition, seq);
            assertTrue(previous == null || previous < seq, "order within partition " + partition + ": " + previous + " then " + seq);
        }
        assertTrue(got.stream().anyMatch(m -> m.transferSize() > 1), "records travel in batches");

        Await.waitUntil(() -> committed(KAFKA, "sb-deliver") == 300, DEADLINE, "offsets committed up to the end");
        Await.waitUntil(() -> metricLong("sb-deliver", "delivered-records-total") == 300, DEADLINE, "delivered metric on JMX");
        assertEquals("primary", metric("sb-deliver", "active-key").orElseThrow());
        System.out.println("IT figure: metrics MBeans " + mbeans("sb-deliver"));
        assertTrue(metricLong("sb-deliver", "batches-total") >= 1);
        assertEquals(0, metricLong("sb-deliver", "backing-off"));
        assertEquals(0, metricLong("sb-deliver", "dead-lettered-records-total"));
    }

    @Test
    void aRefusedPrimaryFailsOverToTheSecondaryAndNothingIsLost() {
        String topic = "twin.egress.failover";
        KAFKA.createTopic(topic, 2);
        amqp.addKey("fo", "fo-primary");
        amqp.addKey("fo", "fo-secondary");
        connectors.start("sb-failover", config(topic, "failover", amqp.connectionString("fo", "fo-primary"),
            amqp.connectionString("fo", "fo-secondary", "failover"))); // EntityPath equal to path is fine
        List<ProducerRecord<byte[], byte[]>> first = routed(topic, "failover", 2, 0, 50, 100);
        produce(first);
        amqp.awaitCount("failover", 50, DEADLINE);

        long mark = TestLogs.mark();
        amqp.revokeKey("fo", "fo-primary"); // like regenerating the primary key in the portal
        Instant revoked = Instant.now();
        List<ProducerRecord<byte[], byte[]>> second = routed(topic, "failover", 2, 50, 50, 100);
        produce(second);
        List<ReceivedMessage> got = amqp.awaitCount("failover", 100, DEADLINE);

        Set<String> expected = ids(first, true);
        expected.addAll(ids(second, true));
        assertEquals(expected, ids(got), "every event, none lost");
        Instant firstAfter = got.get(50).receivedAt();
        Pattern line = Pattern.compile("sb-failover: delivering with the secondary key, (\\d+) ms after the endpoint refused a key");
        Matcher m = Await.value(() -> Optional.of(line.matcher(TestLogs.readSince(mark))).filter(Matcher::find),
            DEADLINE, "one line says which key is now active");
        String log = TestLogs.readSince(mark);
        assertTrue(log.contains("sb-failover: the endpoint refused the primary key"), log);
        System.out.printf("IT figure: failover 401 -> first successful send %s ms (task's own measure); revoke -> first delivery %d ms%n",
            m.group(1), Duration.between(revoked, firstAfter).toMillis());
        assertEquals(1, metricLong("sb-failover", "failovers-total"));
        assertEquals("secondary", metric("sb-failover", "active-key").orElseThrow());
        assertEquals(0, metricLong("sb-failover", "backing-off"), "failover needs no backoff");
    }

    @Test
    void bothKeysRefusedBacksOffHoldsEverythingAndACorrectedKeyDeliversAll() {
        String topic = "twin.egress.both-refused";
        KAFKA.createTopic(topic, 2);
        amqp.addKey("both", "both-good");
        Map<String, String> config = config(topic, "both-refused", amqp.connectionString("both", "wrong-1"),
            amqp.connectionString("both", "wrong-2"));
        connectors.start("sb-both", config);
        List<ProducerRecord<byte[], byte[]>> records = routed(topic, "both", 2, 0, 40, 100);
        produce(records);

        Await.waitUntil(() -> metricLong("sb-both", "backing-off") == 1, DEADLINE, "the task backs off");
        Await.waitUntil(() -> metricLong("sb-both", "failovers-total") >= 3, DEADLINE, "and keeps trying both keys");
        assertEquals(0, amqp.count("both-refused"));
        assertTrue(CONNECT.rest().connectorStatus("sb-both").orElseThrow().isRunning(), "the task holds, it does not fail");
        assertEquals(0, committed(KAFKA, "sb-both"), "nothing committed while held");

        Map<String, String> fixed = new HashMap<>(config);
        fixed.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("both", "both-good"));
        Instant put = Instant.now();
        CONNECT.rest().putConnector("sb-both", fixed);
        List<ReceivedMessage> got = amqp.awaitCount("both-refused", 40, DEADLINE);
        System.out.printf("IT figure: PUT corrected key -> first delivery %d ms, -> all 40 delivered %d ms%n",
            Duration.between(put, got.get(0).receivedAt()).toMillis(), Duration.between(put, got.get(39).receivedAt()).toMillis());
        assertEquals(ids(records, true), ids(got), "nothing lost");
        Await.waitUntil(() -> committed(KAFKA, "sb-both") == 40, DEADLINE, "offsets committed once delivered");
    }

    @Test
    void anUnreachableEndpointIsHeldAndCaughtUpWhileAnotherEndpointKeepsDelivering() throws Exception {
        try (AmqpEmulator down = AmqpEmulator.builder().serviceBusTopic("down").key("send", "down-key").start()) {
            String downTopic = "twin.egress.down";
            String steadyTopic = "twin.egress.steady";
            KAFKA.createTopic(downTopic, 2);
            KAFKA.createTopic(steadyTopic, 2);
            connectors.start("sb-down", config(downTopic, "down", down.connectionString("send", "down-key"), null));
            Map<String, String> steady = config(steadyTopic, "steady", amqp.connectionString("send", "send-key"), null);
            steady.put("value.converter", "org.apache.kafka.connect.storage.StringConverter"); // String values work too
            connectors.start("sb-steady", steady);

            produce(routed(downTopic, "down", 2, 0, 20, 50));
            produce(routed(steadyTopic, "steady", 2, 0, 20, 50));
            down.awaitCount("down", 20, DEADLINE);
            amqp.awaitCount("steady", 20, DEADLINE);

            down.goUnreachable();
            Instant wentDown = Instant.now();
            produce(routed(downTopic, "down", 2, 20, 30, 50));
            Await.waitUntil(() -> metricLong("sb-down", "backing-off") == 1, DEADLINE, "the unreachable endpoint backs off");
            Instant backingOff = Instant.now();
            produce(routed(steadyTopic, "steady", 2, 20, 30, 50));
            Instant produced = Instant.now();
            List<ReceivedMessage> steadyGot = amqp.awaitCount("steady", 50, DEADLINE);
            System.out.printf("IT figure: unreachable -> task backing off %d ms; meanwhile the other endpoint got 30 events %d ms after they were produced%n",
                Duration.between(wentDown, backingOff).toMillis(), Duration.between(produced, steadyGot.get(49).receivedAt()).toMillis());
            assertEquals(20, down.count("down"));
            assertEquals("application/json", steadyGot.get(49).contentType());

            down.comeBack();
            Instant back = Instant.now();
            List<ReceivedMessage> downGot = down.awaitCount("down", 50, DEADLINE);
            System.out.printf("IT figure: endpoint back -> all held events delivered %d ms%n",
                Duration.between(back, downGot.get(49).receivedAt()).toMillis());
            assertEquals(50, ids(downGot).size(), "every event once");
            Await.waitUntil(() -> metricLong("sb-down", "backing-off") == 0, DEADLINE, "backoff over");
            assertTrue(metricLong("sb-down", "backoff-time-ms-total") > 0);
            down.assertNoHandlerErrors();
        }
    }

    @Test
    void aThrottlingEndpointGetsEverythingAfterBackoff() {
        String topic = "twin.egress.throttled";
        KAFKA.createTopic(topic, 1);
        Map<String, String> config = config(topic, "throttled", amqp.connectionString("send", "send-key"), null);
        config.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "10");
        connectors.start("sb-throttled", config);
        long mark = TestLogs.mark();
        amqp.throttleNext(3);
        List<ProducerRecord<byte[], byte[]>> records = routed(topic, "throttled", 1, 0, 60, 100);
        produce(records);
        List<ReceivedMessage> got = amqp.awaitCount("throttled", 60, DEADLINE);
        assertEquals(ids(records, true), ids(got));
        List<Integer> seqs = got.stream().map(m -> Integer.parseInt(m.property(EgressHeaders.SOURCE_OFFSET))).toList();
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i - 1) < seqs.get(i), "in order, no duplicate: " + seqs);
        }
        assertTrue(TestLogs.readSince(mark).contains("sb-throttled: endpoint unavailable (com.microsoft:server-busy"), "the backoff was logged");
        Await.waitUntil(() -> TestLogs.readSince(mark).contains("sb-throttled: endpoint accepts records again"), DEADLINE, "and its end");
        Await.waitUntil(() -> committed(KAFKA, "sb-throttled") == 60, DEADLINE, "committed");
    }

    @Test
    void anOversizedEventGoesToTheDeadLetterTopicWithTheReasonAndTheRestIsDelivered() {
        String topic = "twin.egress.small";
        KAFKA.createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(routed(topic, "small", 1, 0, 4, 100));
        ProducerRecord<byte[], byte[]> big = routed(topic, "small", 1, 4, 1, 100 * 1024).get(0);
        records.add(big);
        records.addAll(routed(topic, "small", 1, 5, 5, 100));
        produce(records);
        connectors.start("sb-small", config(topic, "small", amqp.connectionString("send", "send-key"), null));

        List<ReceivedMessage> got = amqp.awaitCount("small", 9, DEADLINE);
        Set<String> expected = ids(records, true);
        expected.removeAll(ids(List.of(big), true));
        assertEquals(expected, ids(got));
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.consume(topic + ".dlq", 1, DEADLINE);
        assertEquals(1, dead.size());
        assertArrayEquals(big.value(), dead.get(0).value(), "the original record");
        String reason = new String(dead.get(0).headers().lastHeader("__connect.errors.exception.message").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("larger than the largest message the Service Bus entity accepts"), reason);
        Await.waitUntil(() -> committed(KAFKA, "sb-small") == 10, DEADLINE, "committed past the dead-lettered record");
        assertEquals(1, metricLong("sb-small", "dead-lettered-records-total"));
        assertEquals(9, ids(amqp.received("small")).size());
    }

    /**
     * A namespace that takes 6 s to answer every disposition and token, with the connector's default
     * client settings: the per-try timeout covers a full batch and the SDK's own retry fits in the
     * wait, so every event is delivered and each arrives at most twice (the 5 s try timeout used to
     * fail every attempt: nothing delivered, the same batch sent again every backoff round).
     */
    @Test
    void aSlowButAcceptingNamespaceGetsEveryEventABoundedNumberOfTimesAtTheDefaults() throws Exception {
        try (AmqpEmulator slow = AmqpEmulator.builder().serviceBusTopic("slow").key("send", "slow-key")
            .responseDelay(Duration.ofSeconds(6)).start()) {
            String topic = "twin.egress.slow";
            KAFKA.createTopic(topic, 1);
            List<ProducerRecord<byte[], byte[]>> records = routed(topic, "slow", 1, 0, 20, 50);
            produce(records);
            Map<String, String> config = config(topic, "slow", slow.connectionString("send", "slow-key"), null);
            config.remove(DeliveryConfig.CLIENT_TRY_TIMEOUT_MS_CONFIG); // the defaults
            config.remove(DeliveryConfig.CLIENT_MAX_RETRIES_CONFIG);
            connectors.start("sb-slow", config);
            Duration wait = Duration.ofSeconds(90);
            Await.waitUntil(() -> committed(KAFKA, "sb-slow") == 20, wait, "every event delivered and committed");
            Map<String, Long> perId = new HashMap<>();
            slow.received("slow").forEach(m -> perId.merge(m.messageId(), 1L, Long::sum));
            assertEquals(ids(records, true), perId.keySet(), "every event");
            assertTrue(perId.values().stream().allMatch(n -> n <= 2), "each at most twice: " + perId);
            System.out.printf("IT figure: 6 s answers at the defaults: %d transfers for 20 events%n", slow.transfersAccepted());
            slow.assertNoHandlerErrors();
        }
    }

    /** The REST validate answer shows the warnings in an entry of their own, and they refuse nothing. */
    @Test
    void validateOverRestShowsTheWarningsWithoutRefusingTheConfig() {
        Map<String, String> config = config("twin.egress.warned", "deliver", amqp.connectionString("send", "send-key"), null);
        config.remove("errors.deadletterqueue.topic.name");
        config.put("name", "sb-warned");
        ConnectRestClient.Validation v = CONNECT.rest().validate(CONNECTOR, config);
        assertEquals(0, v.errorCount(), v.response().toString());
        List<String> warnings = new ArrayList<>();
        v.response().path("configs").forEach(c -> {
            if ("twin-egress.warnings".equals(c.path("value").path("name").asText())) {
                c.path("value").path("recommended_values").forEach(w -> warnings.add(w.asText()));
            }
        });
        assertEquals(List.of(DeliveryConfig.WARNING_NO_DEAD_LETTER_TOPIC, DeliveryConfig.WARNING_ISOLATION_UNSET), warnings,
            v.response().toString());
    }

    @Test
    void aMalformedConnectionStringIsReportedOnItsKeyAndNoTaskStarts() {
        Map<String, String> bad = config("twin.egress.bad", "deliver", "Endpoint=https://127.0.0.1/;SharedAccessKeyName=send;SharedAccessKey=x",
            "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=send");
        bad.put("name", "sb-bad");
        ConnectRestClient.Validation v = CONNECT.rest().validate(CONNECTOR, bad);
        assertEquals(2, v.errorCount(), v.response().toString());
        assertEquals(List.of(ConnectionString.ERROR_BAD_ENDPOINT), v.errors().get(DeliveryConfig.CONNECTION_STRING_CONFIG));
        assertEquals(List.of(ConnectionString.ERROR_NO_KEY), v.errors().get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG));

        HttpResponse<String> created = CONNECT.rest().request("PUT", "connectors/sb-bad/config", bad);
        assertEquals(400, created.statusCode(), created.body());
        assertTrue(created.body().contains(ConnectionString.ERROR_BAD_ENDPOINT), created.body());
        assertFalse(CONNECT.rest().connectors().contains("sb-bad"), "no connector, so no task");
    }

    @Test
    void theCanaryKeyNeverShowsInLogsStatusOrAnyTopic() throws Exception {
        String canary = "CANARY" + UUID.randomUUID().toString().replace("-", "");
        amqp.addKey("canary", canary);
        Files.writeString(secrets, "secondary=" + amqp.connectionString("canary", canary) + "\n");
        String topic = "twin.egress.canary";
        KAFKA.createTopic(topic, 1);
        // Primary refused, so the task fails over to the canary key and uses it for real.
        Map<String, String> config = config(topic, "canary", amqp.connectionString("canary", "wrong-" + canary.substring(0, 6)),
            "${file:" + secrets + ":secondary}");
        connectors.start("sb-canary", config);
        produce(routed(topic, "canary", 1, 0, 10, 10));
        amqp.awaitCount("canary", 10, DEADLINE);
        assertEquals("secondary", metric("sb-canary", "active-key").orElseThrow());

        // validate() with the canary inline and malformed: its answer must not echo it either
        Map<String, String> malformed = new HashMap<>(config);
        malformed.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, "SharedAccessKey=" + canary);
        HttpResponse<String> validation = CONNECT.rest().request("PUT", "connector-plugins/" + CONNECTOR + "/config/validate", malformed);
        assertFalse(validation.body().contains(canary), "validate response");
        assertTrue(validation.body().contains(ConnectionString.ERROR_NO_ENDPOINT), validation.body());

        assertFalse(CONNECT.rest().connectorConfig("sb-canary").toString().contains(canary), "REST shows the reference only");
        assertFalse(CONNECT.rest().connectorStatus("sb-canary").toString().contains(canary), "status and traces");
        String log = TestLogs.readAll();
        assertTrue(log.contains("Creating connector sb-canary of type ServiceBusSinkConnector"), "Connect logs at INFO here");
        assertTrue(log.contains("sb-canary: the endpoint refused the primary key"), "the failover was logged");
        assertFalse(log.contains(canary), "worker log");
        byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
        for (String t : KAFKA.topicNames()) {
            int partitions = KAFKA.admin().describeTopics(List.of(t)).allTopicNames().get().get(t).partitions().size();
            long end = 0;
            for (int p = 0; p < partitions; p++) {
                end += KAFKA.admin().listOffsets(Map.of(new TopicPartition(t, p), org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .all().get().values().iterator().next().offset();
            }
            if (end == 0) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> r : KAFKA.consume(t, (int) Math.min(end, 1), DEADLINE,
                org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED)) {
                assertFalse(contains(r.key(), needle) || contains(r.value(), needle), "topic " + t);
                for (Header h : r.headers()) {
                    assertFalse(contains(h.value(), needle), "topic " + t + " header " + h.key());
                }
            }
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null) {
            return false;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
