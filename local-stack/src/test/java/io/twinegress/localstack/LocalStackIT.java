package io.twinegress.localstack;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.twinegress.emulators.admin.AdminClient;
import io.twinegress.localstack.dashboard.Deliveries;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.localstack.traffic.Kind;
import io.twinegress.localstack.traffic.Ledger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The local stack end to end, wired exactly as {@code ./twin-egress-local} wires it (same classes,
 * same packaged artifacts, child processes): events of all five types and raw device messages go
 * in; every one must arrive at every endpoint that subscribes to its type and at no other, checked
 * by id in the stand-ins; halfway through, one endpoint's primary key is revoked and its connector
 * must carry on with the secondary, losing nothing. The stack starts only when the packaged plugin
 * has all three connectors.
 */
class LocalStackIT {

    private static final int PER_KIND = 15;
    private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(90);
    private static final String FAILOVER_ENDPOINT = "servicebus";

    private static LocalStack stack;
    private static Path dataDir;

    @BeforeAll
    static void start(TestReporter report) throws Exception {
        Layout layout = Layout.fromSystem();
        Path logs = layout.home().resolve("local-stack/target/it-logs");
        // the launcher's progress lines, as ./twin-egress-local prints them
        stack = LocalStack.start(layout, Ports.free(), logs, line -> System.out.println("[LocalStackIT] " + line));
        dataDir = stack.dataDir();
        stack.startupTimes().forEach((part, took) -> report.publishEntry("startup " + part, took.toMillis() + " ms"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
            assertFalse(Files.exists(dataDir), "the data directory is removed on close");
            assertFalse(stack.connect().process().isAlive() || stack.standIns().process().isAlive(),
                    "every child process stopped");
        }
    }

    @Test
    void everyEventReachesEveryMatchingEndpointAndNoOtherAcrossAKeyFailover(TestReporter report) throws Exception {
        Ledger ledger = stack.traffic().ledger();
        SampleEndpoint failover = stack.endpoint(FAILOVER_ENDPOINT);
        List<SampleEndpoint> delivering = stack.endpoints();

        // before the fault: the primary key carries everything
        stack.traffic().sendEach(PER_KIND);
        assertEquals(PER_KIND * Kind.values().length, ledger.total(), "every record acknowledged");
        awaitComplete(delivering);
        int beforeFault = Deliveries.check(stack.standIns().admin(), failover, ledger).keyFingerprints().size();
        Deliveries.check(stack.standIns().admin(), failover, ledger).keyFingerprints()
                .forEach(fp -> assertEquals(AdminClient.fingerprint(failover.primaryKey()), fp, "before the fault: primary"));

        // the fault: the primary key is revoked in the stand-in; the connector must move to the secondary
        failover.standIn(stack.standIns().admin()).revokeKey(failover.keyName(), failover.primaryKey());
        stack.traffic().sendEach(PER_KIND);
        assertEquals(2L * PER_KIND * Kind.values().length, ledger.total(), "every record acknowledged");
        Map<SampleEndpoint, Deliveries.Check> checks = awaitComplete(delivering);

        for (Deliveries.Check c : checks.values()) {
            report.publishEntry(c.endpoint().id(), c.summary());
            assertEquals(Set.of(), c.missing(), c.endpoint().id() + ": every matching event arrived");
            assertEquals(Set.of(), c.unexpected(), c.endpoint().id() + ": nothing it does not subscribe to");
            // devicemessages: DeviceMessage events and raw telemetry; eventhub: its filter passes the SensorChange and
            // TopologyOperation samples, not the SpaceChange one; the others: all three types. Two rounds each.
            int expectedKinds = switch (c.endpoint().id()) {
                case "devicemessages", "eventhub" -> 2;
                default -> 3;
            };
            assertEquals(2 * expectedKinds * PER_KIND, c.expected(), c.endpoint().id() + ": expected count");
        }
        List<String> fps = checks.get(failover).keyFingerprints();
        List<String> afterFault = fps.subList(beforeFault, fps.size());
        assertFalse(afterFault.isEmpty());
        afterFault.forEach(fp -> assertEquals(AdminClient.fingerprint(failover.secondaryKey()), fp,
                "after the revocation every message is sent with the secondary key"));
        assertEquals("secondary", stack.monitor().activeKey(failover), "the connector reports the secondary key");

        // bad input goes to the router's dead-letter topic, and the table counts it (records, not offsets)
        assertEquals(0, stack.monitor().routerDeadLettered(), "all sample input was valid");
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.ports().kafkaBootstrap()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.EVENTS, "twin-1".getBytes(StandardCharsets.UTF_8),
                    "not json".getBytes(StandardCharsets.UTF_8))).get();
        }
        await("the bad event counted as dead-lettered").atMost(DELIVERY_DEADLINE).ignoreExceptions()
                .until(() -> stack.monitor().routerDeadLettered() == 1);
    }

    private static Map<SampleEndpoint, Deliveries.Check> awaitComplete(List<SampleEndpoint> endpoints) {
        AtomicReference<Map<SampleEndpoint, Deliveries.Check>> last = new AtomicReference<>();
        await("every event at every matching endpoint").atMost(DELIVERY_DEADLINE).ignoreExceptions().until(() -> {
            Map<SampleEndpoint, Deliveries.Check> checks = new LinkedHashMap<>();
            for (SampleEndpoint e : endpoints) {
                checks.put(e, Deliveries.check(stack.standIns().admin(), e, stack.traffic().ledger()));
            }
            last.set(checks);
            return checks.values().stream().allMatch(c -> c.missing().isEmpty());
        });
        return last.get();
    }
}
