package io.twinegress.reliability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connectrest.ConnectRest;
import io.twinegress.connectrest.ConnectRestException;
import io.twinegress.emulators.admin.AdminClient;
import io.twinegress.localstack.Layout;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.endpoints.StatusWatcher;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.reliability.fuzz.BadEndpoints;
import io.twinegress.reliability.fuzz.BadEvents;
import io.twinegress.reliability.ledger.Counts;
import io.twinegress.reliability.ledger.EgressReader;
import io.twinegress.reliability.ledger.Tally;
import io.twinegress.reliability.ledger.Traffic;
import io.twinegress.reliability.report.Results;
import io.twinegress.reliability.security.CanaryScan;
import io.twinegress.reliability.stack.FaultStack;
import io.twinegress.schemas.EventType;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Breaks the pipeline on purpose and counts every event by id (docs/reliability.md). One stack
 * (broker, stand-ins, Connect worker, router: child processes from the packaged artifacts) is
 * shared by every scenario; each scenario counts only its own event ids. The short versions run
 * in {@code verify}; {@code -P chaos} adds the long and chaos-only ones.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The conditions read whole topics and call the stand-ins: not more often than this. */
    private static final Duration POLL = Duration.ofMillis(200);

    private static FaultStack stack;
    private static AdminClient faults;
    private static Results results;
    /** Secrets put into the system by the scenarios (on top of the endpoints' keys). */
    private static final List<String> canaries = new ArrayList<>();
    /** Texts answered to the scenarios (REST answers) that the canary scan checks too. */
    private static final Map<String, String> answers = new LinkedHashMap<>();

    @BeforeAll
    static void start(TestReporter report) throws Exception {
        report.publishEntry("settings", Settings.describe());
        results = new Results(Settings.describe(), report::publishEntry);
        Layout layout = Layout.fromSystem();
        long t0 = System.nanoTime();
        stack = FaultStack.start(layout, layout.home().resolve("reliability/target/it-logs"));
        faults = stack.parts().standIns().admin();
        report.publishEntry("stack up", Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
    }

    @AfterAll
    static void stop(TestReporter report) throws Exception {
        ScenarioEnd.finish(results, ScenarioEnd.REPORT, stack, report);
    }

    @BeforeEach
    void freshRecordings() throws Exception {
        // the stand-ins list the newest 10,000 arrivals per entity: start each scenario empty
        faults.forgetRecorded();
    }

    // ---- bad input ----------------------------------------------------------------------------

    @Test
    @Order(1)
    void fuzzedEventsAreDeadLetteredWithTheirReasonGoodOnesRoutedAndTheRouterNeverRestarts() throws Exception {
        long t0 = System.nanoTime();
        long routerPid = stack.routerProcess().pid();
        long diedBefore = routerLogCount("A stream thread died");
        String prefix = "bad-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        BadEvents fuzz = new BadEvents(Settings.SEED, FaultStack.EVENT_MAX_BYTES);
        BadEvents.Damage[] kinds = BadEvents.Damage.values();
        Map<String, BadEvents.Damage> bad = new HashMap<>();
        try (Traffic good = new Traffic(stack.bootstrap());
             KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap(),
                     ProducerConfig.ACKS_CONFIG, "all",
                     ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(1024 * 1024)),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < Settings.FUZZ; i++) {
                BadEvents.Damage d = kinds[i % kinds.length];
                String key = prefix + i;
                bad.put(key, d);
                p.send(new ProducerRecord<>(Topics.EVENTS, key.getBytes(StandardCharsets.UTF_8),
                        fuzz.next(d, key).value()));
                good.sendNext();
                if (i % 50 == 0) {
                    // a big event under the limit is good input
                    String id = UUID.randomUUID().toString();
                    good.send(new ProducerRecord<>(Topics.EVENTS, ("twin-big-" + i).getBytes(StandardCharsets.UTF_8),
                            BadEvents.valid(id, "SensorChange", "y".repeat(FaultStack.EVENT_MAX_BYTES / 2))
                                    .getBytes(StandardCharsets.UTF_8)), id, EventType.SensorChange);
                }
            }
            p.flush();
            good.burst(0);
            assertEquals(0, good.failed(), "every good record acknowledged: " + good.lastError());

            // every bad one in the dead-letter topic, exactly once, with its reason
            Map<String, List<String>> reasons = new HashMap<>();
            waitFor("every bad event in " + Topics.ROUTER_DLQ, Settings.DELIVERY_DEADLINE).until(() -> {
                reasons.clear();
                EgressReader.readAll(stack.bootstrap(), Topics.ROUTER_DLQ, true, r -> {
                    String k = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (k.startsWith(prefix)) {
                        Header h = r.headers().lastHeader("twin-egress.dlq.reason");
                        reasons.computeIfAbsent(k, x -> new ArrayList<>())
                                .add(h == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
                    }
                });
                return reasons.keySet().containsAll(bad.keySet());
            });
            Map<BadEvents.Damage, Integer> byDamage = new EnumMap<>(BadEvents.Damage.class);
            for (Map.Entry<String, List<String>> e : reasons.entrySet()) {
                assertEquals(1, e.getValue().size(), e.getKey() + " (" + bad.get(e.getKey()) + ") dead-lettered exactly once");
                assertFalse(e.getValue().get(0).isBlank(), e.getKey() + " (" + bad.get(e.getKey()) + ") has a reason");
                byDamage.merge(bad.get(e.getKey()), 1, Integer::sum);
            }
            assertEquals(bad.keySet(), reasons.keySet(), "the dead-letter topic holds exactly the bad events");

            // every good one routed exactly once, at every matching endpoint; no bad one routed
            Map<SampleEndpoint, Counts> egress = Tally.egress(stack.bootstrap(), stack.parts().endpoints(), good);
            for (SampleEndpoint e : stack.parts().endpoints()) {
                EgressReader.readAll(stack.bootstrap(), Topics.egress(e.id()), false, r -> assertFalse(
                        r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix),
                        "a bad event was routed to " + e.id()));
            }
            Map<SampleEndpoint, Tally.Arrivals> arrived = Tally.awaitStandIns(stack.parts().standIns().admin(),
                    stack.parts().endpoints(), good, Settings.DELIVERY_DEADLINE);
            assertExactlyOnceAndComplete(egress, arrived);

            assertTrue(stack.routerProcess().isAlive(), "the router is still running");
            assertEquals(routerPid, stack.routerProcess().pid(), "the same router process");
            assertEquals(diedBefore, routerLogCount("A stream thread died"), "no stream thread died or was replaced");
            results.add(new Results.Row("fuzzed events (" + kinds.length + " kinds of damage)", good.acked() + bad.size(),
                    Tally.summary(egress.values()), Tally.summary(arrived.values().stream().map(Tally.Arrivals::counts).toList()),
                    bad.size() + " bad all dead-lettered once with a reason " + byDamage + "; " + good.acked()
                            + " good all routed; router pid unchanged, no thread replaced; seed " + Settings.SEED,
                    since(t0)));
        }
    }

    @Test
    @Order(2)
    void invalidEndpointRecordsAreRejectedWithTheirReasonNothingRoutedGoodEndpointsUnaffected() throws Exception {
        long t0 = System.nanoTime();
        String canary = canary();
        String prefix = "rel-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<BadEndpoints.Bad> bad = BadEndpoints.all(prefix, canary);
        String withSecret = prefix + "ok-with-secret";
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (BadEndpoints.Bad b : bad) {
                p.send(new ProducerRecord<>(Topics.ENDPOINTS, b.id(), b.value())).get(30, TimeUnit.SECONDS);
            }
            // a valid endpoint whose record carries the seed's connection strings: Active, secrets ignored
            p.send(new ProducerRecord<>(Topics.ENDPOINTS, withSecret, "{\"type\":\"ServiceBus\",\"eventTypes\":[\"UdfCustom\"],"
                    + "\"path\":\"t\",\"connectionString\":\"Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=" + canary
                    + "\",\"secondaryConnectionString\":\"" + canary + "\"}")).get(30, TimeUnit.SECONDS);
        }
        StatusWatcher statuses = stack.parts().statuses();
        for (BadEndpoints.Bad b : bad) {
            waitFor("status Rejected for " + b.id(), Duration.ofSeconds(60)).until(() -> {
                StatusWatcher.Status s = statuses.status(b.id());
                return s != null && s.state().equals("Rejected");
            });
            String reason = statuses.status(b.id()).reason();
            assertNotNull(reason, b.id());
            assertTrue(reason.contains(b.reasonContains()), b.id() + ": reason '" + reason + "' names '" + b.reasonContains() + "'");
            assertFalse(reason.contains(canary), b.id() + ": the reason never quotes a secret");
        }
        waitFor("status Active for " + withSecret, Duration.ofSeconds(60)).until(() -> {
            StatusWatcher.Status s = statuses.status(withSecret);
            return s != null && s.state().equals("Active");
        });
        List<String> warnings = new ArrayList<>();
        EgressReader.readAll(stack.bootstrap(), Topics.ENDPOINTS_STATUS, true, r -> {
            if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(withSecret) && r.value() != null) {
                warnings.add(new String(r.value(), StandardCharsets.UTF_8));
            }
        });
        assertTrue(warnings.stream().anyMatch(w -> w.contains("connectionString")), "the ignored secret is reported by name: " + warnings);

        // nothing routed to a rejected endpoint: its egress topic never existed
        Set<String> topics = stack.parts().admin().listTopics().names().get(30, TimeUnit.SECONDS);
        for (BadEndpoints.Bad b : bad) {
            assertFalse(topics.contains(Topics.egress(b.id())), "no egress topic for rejected " + b.id());
        }
        // the sample endpoints are still Active and deliver everything
        for (SampleEndpoint e : stack.parts().endpoints()) {
            assertEquals("Active", statuses.status(e.id()).state(), e.id());
        }
        try (Traffic t = new Traffic(stack.bootstrap())) {
            t.burst(Settings.EVENTS / 2);
            // delivered at the endpoints first: then the router has routed them all, and the egress count is final
            Map<SampleEndpoint, Tally.Arrivals> arrived = Tally.awaitStandIns(stack.parts().standIns().admin(), stack.parts().endpoints(), t,
                    Settings.DELIVERY_DEADLINE);
            Map<SampleEndpoint, Counts> egress = Tally.egress(stack.bootstrap(), stack.parts().endpoints(), t);
            assertExactlyOnceAndComplete(egress, arrived);
            results.add(new Results.Row("invalid endpoint records (" + bad.size() + ")", t.acked(), Tally.summary(egress.values()),
                    Tally.summary(arrived.values().stream().map(Tally.Arrivals::counts).toList()), bad.size() + " Rejected with the rule's reason, no egress topic; a record "
                            + "carrying connection strings Active with a warning; sample endpoints unaffected", since(t0)));
        } finally {
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap()), new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>(Topics.ENDPOINTS, withSecret, null)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(3)
    void malformedConnectorConfigsFailValidateOnTheirKeyAndNoTaskStarts() throws Exception {
        long t0 = System.nanoTime();
        String canary = canary();
        SampleEndpoint sb = stack.parts().endpoint("servicebus");
        SampleEndpoint dm = stack.parts().endpoint("devicemessages");
        SampleEndpoint eg = stack.parts().endpoint("eventgrid");
        record Case(String name, SampleEndpoint base, Map<String, String> change, Set<String> keys) {
        }
        List<Case> cases = List.of(
                new Case("sb-bad-endpoint", sb, Map.of("connection.string",
                        "Endpoint=https://127.0.0.1/;SharedAccessKeyName=send;SharedAccessKey=" + canary), Set.of("connection.string")),
                new Case("sb-no-key", sb, Map.of("secondary.connection.string", "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=send"),
                        Set.of("secondary.connection.string")),
                new Case("sb-garbage", sb, Map.of("connection.string", "SharedAccessKey=" + canary + ";;=;"),
                        Set.of("connection.string")),
                new Case("sb-missing", sb, Map.of("connection.string", ""), Set.of("connection.string")),
                new Case("dm-no-entity-path", dm, Map.of("connection.string",
                        "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=send;SharedAccessKey=" + canary
                                + ";UseDevelopmentEmulator=true"), Set.of("connection.string")),
                new Case("eg-missing-key", eg, Map.of("connection.string", ""), Set.of("connection.string")));
        List<String> seen = new ArrayList<>();
        for (Case c : cases) {
            Map<String, String> config = new LinkedHashMap<>(stack.connectorConfig(c.base()));
            config.putAll(c.change());
            config.put("name", c.name());
            config.put("topics", "twin.egress.rel-" + c.name());
            ConnectRest.Validation v = stack.parts().rest().validate(config.get("connector.class"), config);
            answers.put("validate " + c.name(), v.response().toString());
            Map<String, List<String>> errors = v.errors();
            assertEquals(c.keys(), errors.keySet(), c.name() + ": errors on exactly the right key(s): " + errors);
            assertFalse(v.response().toString().contains(canary), c.name() + ": validate never echoes the key");
            HttpResponse<String> put = stack.parts().rest().request("PUT", "connectors/" + c.name() + "/config", config);
            answers.put("PUT " + c.name(), put.body());
            assertEquals(400, put.statusCode(), c.name() + ": refused: " + put.body());
            seen.add(c.name() + " -> " + errors.keySet());
        }
        // an endpoint type no plugin implements
        Map<String, String> unknown = new LinkedHashMap<>(stack.connectorConfig(sb));
        unknown.put("connector.class", "KinesisSinkConnector");
        HttpResponse<String> put = stack.parts().rest().request("PUT", "connectors/rel-kinesis/config", unknown);
        answers.put("PUT rel-kinesis", put.body());
        assertTrue(put.statusCode() / 100 == 4, "unknown connector class refused: " + put.statusCode() + " " + put.body());
        seen.add("KinesisSinkConnector -> HTTP " + put.statusCode());

        List<String> connectors = stack.parts().rest().connectors();
        for (Case c : cases) {
            assertFalse(connectors.contains(c.name()), c.name() + ": no connector, so no task");
        }
        assertFalse(connectors.contains("rel-kinesis"));
        results.add(new Results.Row("malformed connector configs (" + (cases.size() + 1) + ")", 0, "-", "-",
                "validate() errors on the right key, PUT refused, no connector/task: " + seen, since(t0)));
    }

    // ---- faults (short in verify) ----------------------------------------------------------------

    @Test
    @Order(10)
    void connectWorkerKilledMidBatchAndRestartedDeliversEverythingAtLeastOnce() throws Exception {
        long t0 = System.nanoTime();
        try (Traffic t = new Traffic(stack.bootstrap())) {
            t.startPacing(Settings.RATE);
            SampleEndpoint sb = stack.parts().endpoint("servicebus");
            waitFor("deliveries under way", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS / 3
                    && sb.standIn(faults).count(sb.entity()) > 0);
            long pid = stack.connectProcess().pid();
            stack.killConnect();
            waitFor("events produced while Connect is down", Settings.DELIVERY_DEADLINE)
                    .until(() -> t.acked() >= 2L * Settings.EVENTS / 3);
            stack.restartConnect();
            assertNotEquals(pid, stack.connectProcess().pid());
            waitFor("all events produced", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS);
            t.stopPacing();
            finish("Connect worker kill -9 mid-batch + restart", t, t0, "killed once; duplicates are redeliveries "
                    + "(same event id; Service Bus MessageId = event id)");
        }
    }

    @Test
    @Order(11)
    void brokerKilledAndRestartedUnderLoadLosesNothing() throws Exception {
        long t0 = System.nanoTime();
        try (Traffic t = new Traffic(stack.bootstrap())) {
            t.startPacing(Settings.RATE);
            waitFor("events flowing", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS / 3);
            stack.crashAndRestartBroker();
            waitFor("all events produced", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS);
            t.stopPacing();
            assertEquals(0, t.failed(), "the producer rode out the restart: " + t.lastError());
            finish("broker kill -9 + restart under load", t, t0, "broker killed once and restarted on the same storage");
        }
    }

    @Test
    @Order(12)
    void twoRoutersAndTwoWorkersOneOfEachStoppedAndStartedMidStream() throws Exception {
        long t0 = System.nanoTime();
        CompletableFuture<Void> second = CompletableFuture.runAsync(stack::startSecondConnect);
        stack.startSecondRouter();
        second.join();
        try (Traffic t = new Traffic(stack.bootstrap())) {
            t.startPacing(Settings.RATE);
            waitFor("events flowing", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS / 3);
            CompletableFuture<Void> stopWorker = CompletableFuture.runAsync(stack::stopSecondConnect);
            stack.stopSecondRouter();
            stopWorker.join();
            waitFor("events produced with one of each", Settings.DELIVERY_DEADLINE)
                    .until(() -> t.acked() >= 2L * Settings.EVENTS / 3);
            CompletableFuture<Void> startWorker = CompletableFuture.runAsync(stack::startSecondConnect);
            stack.startSecondRouter();
            startWorker.join();
            waitFor("all events produced", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS);
            t.stopPacing();
            finish("2 routers + 2 Connect workers, one of each stopped and started", t, t0,
                    "SIGTERM then restart of the second router and the second worker mid-stream");
        } finally {
            CompletableFuture<Void> stopWorker = CompletableFuture.runAsync(stack::stopSecondConnect);
            stack.stopSecondRouter();
            stopWorker.join();
        }
    }

    // ---- chaos only: covered in verify by the module ITs named in docs/reliability.md -------------

    @Test
    @Order(20)
    @EnabledIf("io.twinegress.reliability.Settings#chaos")
    void routerKilledRepeatedlyWhileEventsFlowEveryEventExactlyOnce() throws Exception {
        long t0 = System.nanoTime();
        try (Traffic t = new Traffic(stack.bootstrap())) {
            t.startPacing(Settings.RATE);
            int rounds = Settings.ROUTER_KILLS;
            for (int i = 1; i <= rounds; i++) {
                long target = (long) Settings.EVENTS * i / (rounds + 1);
                waitFor("events flowing before kill " + i, Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= target);
                // kill a router that is routing: it has committed input since it (re)started
                long committed = routerCommitted();
                waitFor("the router committing before kill " + i, Settings.DELIVERY_DEADLINE)
                        .until(() -> routerCommitted() > committed);
                stack.killRouter();
                stack.restartRouter();
            }
            waitFor("all events produced", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS);
            t.stopPacing();
            finish("router kill -9 x" + rounds + " + restart", t, t0, "router killed " + rounds + " times mid-stream");
        }
    }

    @Test
    @Order(21)
    @EnabledIf("io.twinegress.reliability.Settings#chaos")
    void anEndpointUnreachableForAWhileThenBackLosesNothingAndAnotherKeepsDelivering() throws Exception {
        long t0 = System.nanoTime();
        SampleEndpoint eg = stack.parts().endpoint("eventgrid");
        try (Traffic t = new Traffic(stack.bootstrap())) {
            t.startPacing(Settings.RATE);
            waitFor("events flowing", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS / 4);
            faults.amqp().unreachable(true);
            int[] egChecks = {0};
            try {
                // during the outage, Event Grid gets what was produced during the outage
                FaultWindow.hold(Settings.OUTAGE, () -> {
                    Set<String> now = t.expectedIds(eg);
                    waitFor("Event Grid keeps delivering during the outage", Settings.DELIVERY_DEADLINE).until(() ->
                            Tally.standIn(stack.parts().standIns().admin(), eg, t).counts().delivered() >= now.size());
                    egChecks[0]++;
                });
            } finally {
                faults.amqp().unreachable(false);
            }
            waitFor("all events produced", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS);
            t.stopPacing();
            finish("AMQP endpoints unreachable " + Settings.OUTAGE.toSeconds() + " s", t, t0, "Service Bus + both Event Hubs "
                    + "unreachable; Event Grid caught up with everything produced " + egChecks[0] + " times during the outage");
        }
    }

    @Test
    @Order(22)
    @EnabledIf("io.twinegress.reliability.Settings#chaos")
    void bothKeysRevokedThenACorrectedKeyThroughRestLosesNothing() throws Exception {
        long t0 = System.nanoTime();
        SampleEndpoint sb = stack.parts().endpoint("servicebus");
        String corrected = canary();
        try (Traffic t = new Traffic(stack.bootstrap())) {
            t.startPacing(Settings.RATE);
            waitFor("events flowing", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS / 4);
            // a key regeneration on both keys: only a new key works
            faults.amqp().setKeys(sb.keyName(), List.of(corrected));
            FaultWindow.hold(Settings.OUTAGE);
            Files.writeString(stack.parts().secretsFile(), "servicebus.corrected=" + sb.connectionString(corrected) + "\n",
                    StandardOpenOption.APPEND);
            Map<String, String> config = new LinkedHashMap<>(stack.connectorConfig(sb));
            config.put("connection.string", "${file:" + stack.parts().secretsFile().toAbsolutePath() + ":servicebus.corrected}");
            HttpResponse<String> put = stack.parts().rest().send("PUT", "connectors/" + sb.id() + "/config", config);
            answers.put("PUT corrected key", put.body());
            assertEquals(200, put.statusCode(), put.body());
            waitFor("all events produced", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS);
            t.stopPacing();
            finish("both keys revoked " + Settings.OUTAGE.toSeconds() + " s, corrected key via REST", t, t0,
                    "Service Bus keys replaced at the stand-in, then PUT /connectors/servicebus/config with the new key");
        }
    }

    @Test
    @Order(23)
    @EnabledIf("io.twinegress.reliability.Settings#chaos")
    void aThrottlingStormLosesNothing() throws Exception {
        long t0 = System.nanoTime();
        try (Traffic t = new Traffic(stack.bootstrap())) {
            t.startPacing(Settings.RATE);
            waitFor("events flowing", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS / 4);
            faults.amqp().throttle(true);
            faults.eventGrid().throttle(429, Duration.ofSeconds(1));
            try {
                FaultWindow.hold(Settings.OUTAGE);
            } finally {
                faults.amqp().throttle(false);
                faults.eventGrid().throttle(false);
            }
            waitFor("all events produced", Settings.DELIVERY_DEADLINE).until(() -> t.acked() >= Settings.EVENTS);
            t.stopPacing();
            finish("throttling storm " + Settings.OUTAGE.toSeconds() + " s (server-busy + 429)", t, t0,
                    "every endpoint throttled at once");
        }
    }

    // ---- security: last, after everything above ran --------------------------------------------

    @Test
    @Order(99)
    void noSecretAppearsInAnyLogStatusRecordMetricRestAnswerOrTopic() throws Exception {
        long t0 = System.nanoTime();
        List<String> secrets = new ArrayList<>(stack.keys());
        secrets.addAll(canaries);
        CanaryScan scan = new CanaryScan(secrets);
        // live processes: every JMX attribute of the router and the Connect worker
        scan.jmx("router", stack.routerProcess().pid());
        scan.jmx("connect", stack.connectProcess().pid());
        // REST: connectors with their configs and task states (traces hold exception messages)
        HttpResponse<String> all = stack.parts().rest().send("GET", "connectors?expand=status&expand=info", null);
        scan.text("GET /connectors?expand=status&expand=info", all.body());
        answers.forEach(scan::text);
        // every topic; twin.endpoints is the operator's own input (the bad-endpoint scenario wrote secrets there)
        scan.topics(stack.bootstrap(), stack.parts().admin(), Set.of(Topics.ENDPOINTS));
        // every log line of every child process, and of this JVM's clients
        scan.files(stack.parts().logDir());
        scan.files(Path.of("target/reliability-test.log"));
        assertEquals(List.of(), scan.findings(), "no secret anywhere");
        results.add(new Results.Row("canary scan", 0, "-", "-", secrets.size() + " secrets, " + scan.scanned()
                + " log lines / records / JMX attributes / REST answers scanned, 0 found", since(t0)));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static void finish(String scenario, Traffic t, long t0, String notes) throws Exception {
        // A task that FAILED never recovers by itself (a bug, reported): restart it as an operator
        // would, so the count still says whether anything was lost, then fail the scenario.
        Map<String, String> failed = new LinkedHashMap<>();
        Map<SampleEndpoint, Tally.Arrivals> arrived = Tally.awaitStandIns(stack.parts().standIns().admin(), stack.parts().endpoints(), t,
                Settings.DELIVERY_DEADLINE, () -> {
                    restartFailedTasks(failed);
                    return null;
                });
        Map<SampleEndpoint, Counts> egress = Tally.egress(stack.bootstrap(), stack.parts().endpoints(), t);
        String failures = failed.isEmpty() ? "" : " **FAILED tasks needed a manual restart: " + failed + "**";
        results.add(new Results.Row(scenario, t.acked(), Tally.summary(egress.values()), Tally.summary(arrived.values().stream().map(Tally.Arrivals::counts).toList()), notes + failures,
                since(t0)));
        assertEquals(0, t.failed(), "every produced record acknowledged: " + t.lastError());
        assertExactlyOnceAndComplete(egress, arrived);
        assertEquals(Map.of(), failed, "no sink task failed (each recovers by itself from the fault)");
    }

    /** Restarts the failed tasks of the sample connectors, noting each connector and the first line of its trace. */
    private static void restartFailedTasks(Map<String, String> failed) throws Exception {
        for (SampleEndpoint e : stack.parts().endpoints()) {
            Optional<ConnectRest.ConnectorStatus> s;
            try {
                s = stack.parts().rest().connectorStatus(e.id());
            } catch (ConnectRestException restDown) {
                return;
            }
            if (s.isPresent() && s.get().hasFailed()) {
                failed.merge(e.id(), causeOf(s.get(), s.get().problem().orElse("?")), (a, b) -> a);
                stack.parts().rest().send("POST", "connectors/" + e.id() + "/restart?includeTasks=true&onlyFailed=true", null);
            }
        }
    }

    /** The innermost "Caused by" of a failed task's trace (its first line says only that the task exits). */
    private static String causeOf(ConnectRest.ConnectorStatus status, String fallback) {
        String cause = fallback;
        for (ConnectRest.State task : status.sortedTasks().values()) {
            if ("FAILED".equals(task.state()) && task.trace() != null) {
                for (String line : task.trace().split("\n")) {
                    if (line.startsWith("Caused by: ")) {
                        cause = line.substring("Caused by: ".length());
                    }
                }
                return cause;
            }
        }
        return cause;
    }

    private static void assertExactlyOnceAndComplete(Map<SampleEndpoint, Counts> egress, Map<SampleEndpoint, Tally.Arrivals> arrived) {
        for (Counts c : egress.values()) {
            assertEquals(Set.of(), c.lost(), c + ": nothing lost");
            assertEquals(0, c.duplicated(), c + ": exactly once (read_committed)");
            assertEquals(Set.of(), c.unexpected(), c + ": nothing it does not subscribe to");
        }
        for (Tally.Arrivals a : arrived.values()) {
            assertEquals(Set.of(), a.counts().lost(), a.counts() + ": at least once");
            assertEquals(Set.of(), a.counts().unexpected(), a.counts() + ": nothing it does not subscribe to");
            assertEquals(0, a.messageIdMismatches(), a.counts() + ": a redelivery carries the event id as MessageId");
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static String canary() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        String c = "CANARY" + Base64.getEncoder().encodeToString(b).replace('/', 'x').replace('+', 'y');
        canaries.add(c);
        return c;
    }

    /** Input offsets the router's group has committed (all input partitions). */
    private static long routerCommitted() throws Exception {
        return stack.parts().admin().listConsumerGroupOffsets(io.twinegress.localstack.router.RouterProcess.APPLICATION_ID)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).values().stream()
                .filter(Objects::nonNull).mapToLong(o -> o.offset()).sum();
    }

    private static long routerLogCount(String needle) throws Exception {
        Path log = stack.parts().logDir().resolve("router.log");
        if (!Files.exists(log)) {
            return 0;
        }
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(needle)).count();
    }

    /** A wait on a condition of the running stack: a failed poll (a part restarting) counts as "not yet". */
    private static ConditionFactory waitFor(String what, Duration deadline) {
        return await(what).atMost(deadline).pollInterval(POLL).ignoreExceptions();
    }
}
