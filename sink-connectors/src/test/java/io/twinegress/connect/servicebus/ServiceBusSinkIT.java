package io.twinegress.connect.servicebus;

import static io.twinegress.connect.it.SinkIt.committed;
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
import io.twinegress.emulators.amqp.AmqpEntity;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.testing.kafka.ConnectRestClient;
import io.twinegress.testing.kafka.ConnectWorker;
import io.twinegress.testing.kafka.KafkaBroker;
import io.twinegress.testing.kafka.TestLogs;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Service Bus connector from the packaged plugin directory in a real Connect worker on a real
 * KRaft broker, delivering through the real Service Bus SDK to the AMQP stand-in: the delivery
 * contract ({@link DeliveryContractIT}) and what is Service Bus's own (the message a record becomes,
 * a slow namespace at the defaults, connection-string errors over REST, the canary key). One broker,
 * worker and stand-in for the class; every test has its own topics, entities and key names. The
 * module's own classes are not on this test's class path (see the pom): only compile-time
 * constants of the connector's classes are used here.
 */
class ServiceBusSinkIT extends DeliveryContractIT {

    static final String CONNECTOR = "ServiceBusSinkConnector";

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final ConnectWorker CONNECT = SinkIt.worker(KAFKA);

    static Path secrets;
    static AmqpEmulator amqp;

    @BeforeAll
    static void standIn() throws Exception {
        amqp = AmqpEmulator.builder()
            .serviceBusTopic("deliver")
            .serviceBusTopic("small", 64 * 1024)
            .serviceBusTopic("canary")
            .key("send", "send-key")
            .start();
        secrets = Files.createTempFile("twin-egress-secrets", ".properties");
    }

    @AfterAll
    static void stopStandIn() throws Exception {
        if (amqp != null) {
            amqp.assertNoHandlerErrors();
            amqp.close();
        }
        Files.deleteIfExists(secrets);
    }

    ServiceBusSinkIT() {
        super(KAFKA, CONNECT, new AmqpTarget(CONNECTOR, amqp, AmqpEmulator.Builder::serviceBusTopic, AmqpEmulator::addServiceBusTopic,
            ReceivedMessage::messageId, "small", 100 * 1024, // the topic takes 64 KiB
            "larger than the largest message the Service Bus entity accepts"));
    }

    // ---------------------------------------------------------------------------------------------

    static Map<String, String> config(String topic, String entity, String primary, String secondary) {
        return SinkIt.config(CONNECTOR, topic, entity, primary, secondary);
    }

    static Set<String> messageIds(List<ReceivedMessage> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.messageId()));
        return ids;
    }

    static Set<String> eventIds(List<ProducerRecord<byte[], byte[]>> records) {
        return new HashSet<>(ids(records));
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
    void everyEventBecomesOneMessageWithItsBodyIdSubjectAndPropertiesInOrderPerPartition(TestReporter reporter) {
        String topic = "twin.egress.deliver";
        KAFKA.createTopic(topic, 3);
        List<ProducerRecord<byte[], byte[]>> records = routed(topic, "deliver", 3, 0, 300, 200);
        produce(records);
        long t0 = System.nanoTime();
        connectors.start("sb-deliver", config(topic, "deliver", amqp.connectionString("send", "send-key"), null));

        List<ReceivedMessage> got = amqp.awaitCount("deliver", 300, DEADLINE);
        reporter.publishEntry("figure", "300 events delivered " + (System.nanoTime() - t0) / 1_000_000 + " ms after the connector was created");
        assertEquals(300, got.size());
        assertEquals(eventIds(records), messageIds(got));

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

        await("offsets committed up to the end").atMost(DEADLINE).until(() -> committed(KAFKA, "sb-deliver") == 300);
        await("delivered metric on JMX").atMost(DEADLINE).until(() -> metricLong("sb-deliver", "delivered-records-total") == 300);
        assertEquals("primary", metric("sb-deliver", "active-key").orElseThrow());
        reporter.publishEntry("metrics MBeans", mbeans("sb-deliver").toString());
        assertTrue(metricLong("sb-deliver", "batches-total") >= 1);
        assertEquals(0, metricLong("sb-deliver", "backing-off"));
        assertEquals(0, metricLong("sb-deliver", "dead-lettered-records-total"));
    }

    /**
     * A namespace that takes 6 s to answer every disposition and token, with the connector's default
     * client settings: the per-try timeout covers a full batch and the SDK's own retry fits in the
     * wait, so every event is delivered and each arrives at most twice (the 5 s try timeout used to
     * fail every attempt: nothing delivered, the same batch sent again every backoff round).
     */
    @Test
    void aSlowButAcceptingNamespaceGetsEveryEventABoundedNumberOfTimesAtTheDefaults(TestReporter reporter) {
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
            await("every event delivered and committed").atMost(wait).until(() -> committed(KAFKA, "sb-slow") == 20);
            Map<String, Long> perId = new HashMap<>();
            slow.received("slow").forEach(m -> perId.merge(m.messageId(), 1L, Long::sum));
            assertEquals(eventIds(records), perId.keySet(), "every event");
            assertTrue(perId.values().stream().allMatch(n -> n <= 2), "each at most twice: " + perId);
            reporter.publishEntry("figure", "6 s answers at the defaults: " + slow.transfersAccepted() + " transfers for 20 events");
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

    // ---------------------------------------------------------------- the message model, on a queue

    /** Records keyed {@code sensor-<i % 3>}, with the headers the message model reads; see the test. */
    static List<ProducerRecord<byte[], byte[]>> modelRecords(String topic, int n) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = topic + "-" + i;
            List<Header> headers = new ArrayList<>(List.of(
                SinkIt.header(EgressHeaders.EVENT_TYPE, "SensorChange"),
                SinkIt.header(EgressHeaders.EVENT_ID, id),
                SinkIt.header(EgressHeaders.SOURCE_OFFSET, Integer.toString(i)),
                SinkIt.header("corr", "c-" + i),
                SinkIt.header("reply", "replies"),
                SinkIt.header("app.code", "007")));
            if (i % 2 == 0) {
                headers.add(SinkIt.header("at", i == 12 ? "tomorrow" : "2026-12-03T15:00:00Z"));
            }
            byte[] key = i == 7 ? null : ("sensor-" + (i % 3)).getBytes(StandardCharsets.UTF_8);
            out.add(new ProducerRecord<>(topic, 0, key, SinkIt.event(id, "SensorChange", i, 10).getBytes(StandardCharsets.UTF_8),
                headers));
        }
        return out;
    }

    /**
     * A session-enabled, partitioned queue with every message-model key on: each message carries the
     * record key as SessionId (and PartitionKey), the TimeToLive, CorrelationId, ReplyTo and
     * ScheduledEnqueueTime from their headers, and only the headers the lists let through, one session
     * per batch in record order. The record without a key (no SessionId) and the one whose
     * ScheduledEnqueueTime is not RFC 3339 are dead-lettered with the reason; nothing is lost.
     */
    @Test
    void aSessionQueueGetsEveryEventWithTheWholeMessageModelAndTheUnsendableOnesAreDeadLettered() {
        amqp.addEntity(AmqpEntity.serviceBusQueue("orders").withSessions().withPartitioning());
        String topic = "twin.egress.sb-orders";
        KAFKA.createTopic(topic, 1);
        KAFKA.createTopic(topic + ".dlq", 1); // else Connect's reporter creates it on the first dead letter, slowly
        List<ProducerRecord<byte[], byte[]>> records = modelRecords(topic, 20);
        produce(records);
        Map<String, String> config = config(topic, "orders", amqp.connectionString("send", "send-key"), null);
        config.put("session.id.source", "record-key");
        config.put("time.to.live.ms", "600000");
        config.put("correlation.id.header", "corr");
        config.put("reply.to.header", "reply");
        config.put("scheduled.enqueue.time.header", "at");
        config.put("properties.exclude", "corr,reply,at,twin-egress.endpoint*");
        config.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "4");
        Map<String, String> headerless = new HashMap<>(config);
        headerless.put("session.id.source", "header");
        headerless.put("name", "sb-orders");
        ConnectRestClient.Validation v = CONNECT.rest().validate(CONNECTOR, headerless);
        assertEquals(1, v.errorCount(), v.response().toString());
        assertEquals(List.of("With session.id.source=header, name the header that carries the SessionId."),
            v.errors().get("session.id.header"), "validate over REST names the key");
        connectors.start("sb-orders", config);

        List<ReceivedMessage> got = amqp.awaitCount("orders", 18, DEADLINE);
        await("offsets committed past the dead-lettered records").atMost(DEADLINE).until(() -> committed(KAFKA, "sb-orders") == 20);
        assertEquals(18, amqp.count("orders"), "nothing twice");
        Map<String, Integer> lastSeq = new HashMap<>();
        Map<Long, Set<String>> sessionsPerTransfer = new HashMap<>();
        for (ReceivedMessage m : got) {
            int i = Integer.parseInt(m.property(EgressHeaders.SOURCE_OFFSET));
            assertEquals("sensor-" + (i % 3), m.sessionId(), "offset " + i);
            assertEquals(m.sessionId(), m.partitionKey(), "PartitionKey = SessionId");
            assertEquals(Duration.ofMinutes(10), m.timeToLive(), "TTL recorded");
            assertTrue(m.expiresAt().isAfter(m.receivedAt().plus(Duration.ofMinutes(9))), m.expiresAt().toString());
            assertEquals("c-" + i, m.correlationId());
            assertEquals("replies", m.replyTo());
            assertEquals(i % 2 == 0 ? java.time.Instant.parse("2026-12-03T15:00:00Z") : null, m.scheduledEnqueueTime(), "offset " + i);
            assertEquals(Set.of(EgressHeaders.EVENT_TYPE, EgressHeaders.EVENT_ID, EgressHeaders.SOURCE_OFFSET, "app.code"),
                m.applicationProperties().keySet(), "the headers the lists let through");
            assertEquals("007", m.property("app.code"));
            Integer before = lastSeq.put(m.sessionId(), i);
            assertTrue(before == null || before < i, "order per session: " + before + " then " + i);
            sessionsPerTransfer.computeIfAbsent(m.transferId(), t -> new HashSet<>()).add(m.sessionId());
        }
        assertTrue(sessionsPerTransfer.values().stream().allMatch(sessions -> sessions.size() == 1), "one session per batch");
        assertTrue(got.stream().anyMatch(m -> m.transferSize() > 1), "in batches");

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.consume(topic + ".dlq", 2, DEADLINE);
        assertEquals(2, dead.size());
        Map<String, String> reasons = new HashMap<>();
        dead.forEach(d -> reasons.put(new String(d.headers().lastHeader(EgressHeaders.EVENT_ID).value(), StandardCharsets.UTF_8),
            new String(d.headers().lastHeader("__connect.errors.exception.message").value(), StandardCharsets.UTF_8)));
        assertTrue(reasons.get(topic + "-7").contains("session.id.source=record-key") && reasons.get(topic + "-7").contains("no key"),
            reasons.toString());
        assertTrue(reasons.get(topic + "-12").contains("Header 'at' is not an RFC 3339 date-time"), reasons.toString());
        assertEquals(2, metricLong("sb-orders", "dead-lettered-records-total"));
    }

    /**
     * A session queue refuses every message without a SessionId (the stand-in as the service): a
     * connector not set for sessions fails its task with the service's reason and commits nothing;
     * set to take the SessionId from the record key, the same records are all delivered.
     */
    @Test
    void aSessionQueueRefusesAConnectorWithoutSessionsAndOnceConfiguredEveryEventArrives() {
        amqp.addEntity(AmqpEntity.serviceBusQueue("sessions-only").withSessions());
        String topic = "twin.egress.sb-sessions-only";
        KAFKA.createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> records = routed(topic, "sessions-only", 1, 0, 5, 10);
        produce(records);
        Map<String, String> config = config(topic, "sessions-only", amqp.connectionString("send", "send-key"), null);
        String name = "sb-sessions-only";
        try {
            CONNECT.rest().putConnector(name, config);
            await("the task fails with the service's reason").atMost(DEADLINE).until(() -> CONNECT.rest()
                .connectorStatus(name).map(st -> st.tasks().values().stream().anyMatch(t -> "FAILED".equals(t.state())
                    && t.trace() != null && t.trace().contains("The SessionId was not set on a message"))).orElse(false));
            assertEquals(0, amqp.count("sessions-only"), "refused, not stored");
            assertEquals(0, committed(KAFKA, name), "nothing committed: nothing lost");

            config.put("session.id.source", "record-key");
            CONNECT.rest().putConnector(name, config);
            // the failed task stays failed until restarted; restarted, it reads the new config
            await("running with sessions").atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                var st = CONNECT.rest().connectorStatus(name).orElseThrow();
                if (st.hasFailed()) {
                    CONNECT.rest().restartConnector(name);
                }
                return st.isRunning();
            });
            List<ReceivedMessage> got = amqp.awaitCount("sessions-only", 5, DEADLINE);
            assertEquals(eventIds(records), messageIds(got));
            assertTrue(got.stream().allMatch(m -> "sensor-0".equals(m.sessionId())), got.toString());
            await("committed").atMost(DEADLINE).until(() -> committed(KAFKA, name) == 5);
        } finally {
            CONNECT.rest().deleteConnector(name);
        }
    }

    /** A plain queue takes the connector's messages as a topic does (the entity is named by path alike). */
    @Test
    void aQueueGetsEveryEventAsATopicDoes() {
        amqp.addServiceBusQueue("jobs");
        String topic = "twin.egress.sb-jobs";
        KAFKA.createTopic(topic, 2);
        List<ProducerRecord<byte[], byte[]>> records = routed(topic, "jobs", 2, 0, 40, 50);
        produce(records);
        connectors.start("sb-jobs", config(topic, "jobs", amqp.connectionString("send", "send-key"), null));
        List<ReceivedMessage> got = amqp.awaitCount("jobs", 40, DEADLINE);
        assertEquals(eventIds(records), messageIds(got));
        assertTrue(got.stream().allMatch(m -> m.sessionId() == null && m.timeToLive() == null && m.correlationId() == null),
            "nothing of the message model at the defaults");
        assertTrue(got.stream().allMatch(m -> m.property("app.code") != null), "every header, as today");
        await("committed").atMost(DEADLINE).until(() -> committed(KAFKA, "sb-jobs") == 40);
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
