package io.twinegress.router.it;

import static io.twinegress.router.Fixtures.endpoint;
import static io.twinegress.router.Fixtures.event;
import static io.twinegress.router.Fixtures.seedEvent;
import static io.twinegress.router.Fixtures.string;
import static io.twinegress.router.Fixtures.utf8;
import static io.twinegress.router.it.EgressReader.header;
import static io.twinegress.schemas.EventType.DeviceMessage;
import static io.twinegress.schemas.EventType.SensorChange;
import static io.twinegress.schemas.EventType.SpaceChange;
import static io.twinegress.schemas.EventType.TopologyOperation;
import static io.twinegress.schemas.EventType.UdfCustom;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.router.app.RouterApp;
import io.twinegress.router.config.RouterConfig;
import io.twinegress.router.deadletter.DeadLetters;
import io.twinegress.router.metrics.RouterMBeans;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.schemas.EndpointRule;
import io.twinegress.schemas.EventType;
import io.twinegress.testing.kafka.KafkaBroker;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router against a real KRaft broker: the packaged jar end to end, exactly-once across a
 * crash, and endpoint activation while running (with the time it takes).
 */
class RouterIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker()
            // The crashed router's open transaction is aborted when it times out; check every second, not every 10.
            .withBrokerProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** A config with every topic name under its own prefix, so tests sharing the broker do not meet. */
    private Map<String, String> config(String name) {
        Map<String, String> config = RouterProcess.config(KAFKA.bootstrapServers(), "router-it-" + name, name, dir);
        // -Drouter.it.group.protocol=streams runs these tests on the KIP-1071 rebalance protocol.
        String protocol = System.getProperty("router.it.group.protocol");
        if (protocol != null && !protocol.isBlank()) {
            config.put("group.protocol", protocol);
        }
        return config;
    }

    /**
     * Produces probe events (ids {@code probe-*}) until one reaches the endpoint's egress topic:
     * the routing side has seen the endpoint. Probes sent before that are unmatched, so tests
     * count only the records that are not probes ({@link #events}).
     */
    private static final AtomicInteger PROBES = new AtomicInteger();

    private static void awaitRouting(String inputTopic, String egressTopic, EventType type) {
        try (EgressReader reader = new EgressReader(KAFKA.bootstrapServers(), egressTopic)) {
            await("a probe routed to " + egressTopic).atMost(DEADLINE).until(() -> {
                KAFKA.produce(inputTopic, "probe", string(event(type, "probe-" + PROBES.incrementAndGet())));
                return !reader.poll(Duration.ofMillis(100)).isEmpty();
            });
        }
    }

    /** The records of a topic that are not probes. */
    private static List<ConsumerRecord<byte[], byte[]>> events(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().filter(r -> !String.valueOf(header(r, EgressHeaders.EVENT_ID)).startsWith("probe-")).toList();
    }

    /** Reads a topic (read_committed) until it holds at least {@code n} records that are not probes; returns all its records. */
    private static List<ConsumerRecord<byte[], byte[]>> awaitEvents(String topic, int n, Duration deadline, IsolationLevel isolation) {
        return await(n + " events (not probes) in " + topic).atMost(deadline)
                .until(() -> KAFKA.consume(topic, 0, deadline, isolation), all -> events(all).size() >= n);
    }

    @Test
    void theJarRoutesEndToEndWithDefaultTopicNamesAndStopsCleanlyOnSigterm() throws Exception {
        String canary = "CANARY-KEY-7d1e";
        // The minimal runnable configuration: only the broker (and a state dir for the test).
        try (RouterProcess router = RouterProcess.start(dir, "defaults", Map.of(
                "bootstrap.servers", KAFKA.bootstrapServers(), "state.dir", dir.resolve("state").toString()))) {
            router.awaitRunning(DEADLINE);
            assertTrue(KAFKA.topicNames().containsAll(List.of("twin.events", "twin.device-messages", "twin.endpoints",
                    "twin.endpoints.status", "twin.events.dlq")), "the router created its topics: " + KAFKA.topicNames());

            KAFKA.produce("twin.endpoints", utf8("sb"), utf8("{\"type\":\"ServiceBus\",\"connectionString\":\"Endpoint=sb://x/;"
                    + "SharedAccessKeyName=k;SharedAccessKey=" + canary + "\",\"eventTypes\":[\"SensorChange\",\"SpaceChange\","
                    + "\"TopologyOperation\"],\"path\":\"my-topic\"}"));
            KAFKA.produce("twin.endpoints", utf8("hub"), endpoint("EventHub", "telemetry", DeviceMessage));
            KAFKA.produce("twin.endpoints", utf8("bad"), endpoint("ServiceBus", "t", DeviceMessage));
            Map<String, String> status = new HashMap<>();
            KAFKA.consumeStrings("twin.endpoints.status", 3, DEADLINE).forEach(r -> status.put(r.key(), r.value()));
            assertTrue(status.get("sb").contains("\"state\":\"Active\""), status.get("sb"));
            assertTrue(status.get("sb").contains("connectionString found in the endpoint record and ignored"));
            assertFalse(status.get("sb").contains(canary));
            assertTrue(status.get("hub").contains("\"state\":\"Active\""), status.get("hub"));
            assertTrue(status.get("bad").contains("\"state\":\"Rejected\""), status.get("bad"));
            assertTrue(status.get("bad").contains(EndpointRule.DEVICE_MESSAGE_ONLY_EVENT_HUB.message()), status.get("bad"));

            awaitRouting("twin.events", "twin.egress.sb", SensorChange);
            byte[] raw = {1, 2, 3, (byte) 0xfe, 0};
            KAFKA.produce(List.of(
                    new ProducerRecord<>("twin.events", utf8("space-1"), seedEvent(TopologyOperation)),
                    new ProducerRecord<>("twin.events", utf8("space-1"), seedEvent(UdfCustom)),
                    new ProducerRecord<>("twin.events", utf8("sensor-1"), seedEvent(SensorChange)),
                    new ProducerRecord<>("twin.events", utf8("space-1"), seedEvent(SpaceChange)),
                    new ProducerRecord<>("twin.events", utf8("bad-1"), utf8("not json")),
                    new ProducerRecord<>("twin.events", utf8("bad-2"), utf8(string(event(SensorChange, "x"))
                            .replace("SensorChange\",\"eventTime", "Sensorchange\",\"eventTime"))),
                    new ProducerRecord<>("twin.device-messages", null, utf8("dev-1"), raw,
                            List.of(new RecordHeader("iothub-connection-device-id", utf8("dev-1"))))));

            List<ConsumerRecord<byte[], byte[]>> routed = events(awaitEvents("twin.egress.sb", 3, DEADLINE,
                    IsolationLevel.READ_COMMITTED));
            assertEquals(3, routed.size());
            assertArrayEquals(seedEvent(TopologyOperation), routed.stream()
                    .filter(r -> "TopologyOperation".equals(header(r, EgressHeaders.EVENT_TYPE))).findFirst().orElseThrow().value());
            assertArrayEquals(seedEvent(SensorChange), routed.stream()
                    .filter(r -> "SensorChange".equals(header(r, EgressHeaders.EVENT_TYPE))).findFirst().orElseThrow().value());
            assertArrayEquals(seedEvent(SpaceChange), routed.stream()
                    .filter(r -> "SpaceChange".equals(header(r, EgressHeaders.EVENT_TYPE))).findFirst().orElseThrow().value());
            routed.forEach(r -> {
                assertEquals("sb", header(r, EgressHeaders.ENDPOINT_ID));
                assertEquals("twin.events", header(r, EgressHeaders.SOURCE_TOPIC));
            });

            List<ConsumerRecord<byte[], byte[]>> hub = KAFKA.consume("twin.egress.hub", 1, DEADLINE);
            assertEquals(1, hub.size());
            assertArrayEquals(raw, hub.get(0).value());
            assertEquals("dev-1", string(hub.get(0).key()));
            assertEquals("dev-1", header(hub.get(0), "iothub-connection-device-id"));
            assertEquals("DeviceMessage", header(hub.get(0), EgressHeaders.EVENT_TYPE));

            List<ConsumerRecord<byte[], byte[]>> dlq = KAFKA.consume("twin.events.dlq", 2, DEADLINE);
            assertEquals(2, dlq.size());
            assertEquals(List.of("bad-1", "bad-2"), dlq.stream().map(r -> string(r.key())).toList());
            assertEquals("$", header(dlq.get(0), DeadLetters.FIELD));
            assertEquals("eventType", header(dlq.get(1), DeadLetters.FIELD));
            assertTrue(header(dlq.get(1), DeadLetters.REASON).contains("unknown event type \"Sensorchange\""));
            assertFalse(KAFKA.topicNames().contains("twin.egress.bad"), "no egress topic for a rejected endpoint");

            long stopping = System.nanoTime();
            int exit = router.terminate(DEADLINE);
            System.out.printf("[figure] jar stopped %d ms after SIGTERM, exit code %d%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping), exit);
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
            String output = router.output();
            assertTrue(output.contains("stopped cleanly"), output);
            assertTrue(output.contains("Endpoint sb Active"), output);
            assertTrue(output.contains("Endpoint bad Rejected"), output);
            assertFalse(output.contains(canary), "the connection string never reaches the log");
            assertFalse(output.contains("not json"), "no payload in the log");
        }
    }

    @Test
    void everyEventLandsInEveryMatchingEgressTopicExactlyOnceAcrossACrashMidStream() throws Exception {
        String name = "eos";
        Map<String, String> config = config(name);
        // A crashed member must leave the group quickly for the restart to get its partitions.
        config.put("session.timeout.ms", "6000");
        config.put("heartbeat.interval.ms", "1000");
        // Longer transactions: the crash is all but certain to abort one with records in it.
        config.put("commit.interval.ms", "1000");
        // Egress readers wait for the crashed transaction to be aborted: 5 s rather than Streams' 10 s.
        config.put("producer.transaction.timeout.ms", "5000");
        String input = name + ".events";
        String egressA = name + ".egress.a";
        String egressB = name + ".egress.b";

        RouterProcess first = RouterProcess.start(dir, name + "-1", config);
        RouterProcess second = null;
        try {
            first.awaitRunning(DEADLINE);
            KAFKA.produce(name + ".endpoints", utf8("a"), endpoint("ServiceBus", "a", SensorChange));
            KAFKA.produce(name + ".endpoints", utf8("b"), endpoint("EventGrid", "b.example", SensorChange, SpaceChange));
            KAFKA.consume(name + ".endpoints.status", 2, DEADLINE);
            awaitRouting(input, egressA, SensorChange);
            awaitRouting(input, egressB, SensorChange);

            int total = 6000;
            int keys = 16;
            EventType[] types = {SensorChange, SpaceChange, UdfCustom};
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
                for (int start = 0; start < total; start += 100) {
                    List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
                    for (int i = start; i < start + 100; i++) {
                        batch.add(new ProducerRecord<>(input, utf8("k-" + (i % keys)), event(types[i % 3], "e-" + i)));
                    }
                    KAFKA.produce(batch);
                }
            });
            // Crash (SIGKILL) once routing is well under way and the stream is still flowing.
            int sensor = (total + 2) / 3;   // i % 3 == 0
            int space = (total + 1) / 3;    // i % 3 == 1
            awaitEvents(egressA, 200, DEADLINE, IsolationLevel.READ_UNCOMMITTED);
            first.kill();
            int writtenBeforeCrash = events(KAFKA.consume(egressA, 0, DEADLINE, IsolationLevel.READ_UNCOMMITTED)).size();
            int committedBeforeCrash = events(KAFKA.consume(egressA, 0, DEADLINE)).size();
            long restarting = System.nanoTime();
            second = RouterProcess.start(dir, name + "-2", config);
            producing.get(2, TimeUnit.MINUTES);
            List<ConsumerRecord<byte[], byte[]>> a = awaitEvents(egressA, sensor, Duration.ofSeconds(90), IsolationLevel.READ_COMMITTED);
            System.out.printf("[figure] restart after SIGKILL: all of egress a committed %d ms after the new process started%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarting));
            List<ConsumerRecord<byte[], byte[]>> b = awaitEvents(egressB, sensor + space, DEADLINE, IsolationLevel.READ_COMMITTED);
            assertTrue(writtenBeforeCrash < sensor, "the crash happened mid-stream: " + writtenBeforeCrash);
            assertExactlyOnce(a, total, keys, Set.of(SensorChange));
            assertExactlyOnce(b, total, keys, Set.of(SensorChange, SpaceChange));
            assertEquals(sensor, events(a).size());
            assertEquals(sensor + space, events(b).size());

            int uncommitted = events(KAFKA.consume(egressA, a.size(), DEADLINE, IsolationLevel.READ_UNCOMMITTED)).size();
            System.out.printf("[figure] egress a at the crash: %d written, %d committed; at the end %d committed, %d "
                    + "including aborted records%n", writtenBeforeCrash, committedBeforeCrash, events(a).size(), uncommitted);
            int exit = second.terminate(DEADLINE);
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    private static void assertExactlyOnce(List<ConsumerRecord<byte[], byte[]>> records, int total, int keys, Set<EventType> types) {
        Set<String> seen = new HashSet<>();
        Map<String, Integer> lastPerKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String id = header(r, EgressHeaders.EVENT_ID);
            assertTrue(seen.add(id), "duplicate " + id + " in " + r.topic());
            if (id.startsWith("probe-")) {
                continue;
            }
            assertTrue(types.contains(EventType.valueOf(header(r, EgressHeaders.EVENT_TYPE))), id);
            int seq = Integer.parseInt(id.substring(2));
            String key = string(r.key());
            assertEquals("k-" + (seq % keys), key);
            Integer last = lastPerKey.put(key, seq);
            assertTrue(last == null || last < seq, "per-key order: " + id + " after e-" + last);
        }
        for (int i = 0; i < total; i++) {
            EventType type = new EventType[] {SensorChange, SpaceChange, UdfCustom}[i % 3];
            assertEquals(types.contains(type), seen.contains("e-" + i), "e-" + i);
        }
    }

    @Test
    void aNewOrChangedEndpointRoutesTheNextEventsWhileTheRouterRuns() throws Exception {
        String name = "live";
        Map<String, Object> props = new HashMap<>(config(name));
        String input = name + ".events";
        try (RouterApp app = RouterApp.start(new RouterConfig(props))) {
            await("router RUNNING").atMost(DEADLINE).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
            List<Long> activations = new ArrayList<>();
            for (int n = 1; n <= 3; n++) {
                String id = "new-" + n;
                activations.add(measureActivation(name, id, endpoint("ServiceBus", "p", SensorChange), input, SensorChange));
            }
            // A change to an endpoint whose topic exists: add SpaceChange to new-1.
            long change = measureActivation(name, "new-1", endpoint("ServiceBus", "p", SensorChange, SpaceChange), input, SpaceChange);
            System.out.printf("[figure] endpoint activation (record produced -> first routed event readable, read_committed): "
                    + "new endpoints %s ms, changed endpoint %d ms%n", activations, change);

            Object routed = ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(RouterMBeans.name("type=endpoint,id=\"new-1\""), "RoutedTotal");
            assertTrue(((Long) routed) >= 2, "JMX RoutedTotal of new-1: " + routed);
            Object unmatched = ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(RouterMBeans.name("type=router"), "UnmatchedTotal");
            assertTrue(((Long) unmatched) >= 0);
        }
        // A clean stop leaves the group, so a restarted router does not wait out the old member's session.
        assertTrue(KAFKA.admin().describeConsumerGroups(List.of("router-it-" + name)).all().get()
                .get("router-it-" + name).members().isEmpty(), "the stopped router left its consumer group");
    }

    @Test
    void anEgressTopicThatAlreadyExistedIsSizedForTheLargestEvent() throws Exception {
        String name = "big";
        Map<String, Object> props = new HashMap<>(config(name));
        String input = name + ".events";
        String egress = name + ".egress.small";
        // Someone created the egress topic beforehand, with a small record limit.
        KAFKA.createTopic(egress, 1, Map.of("max.message.bytes", "2000"));
        try (RouterApp app = RouterApp.start(new RouterConfig(props))) {
            await("router RUNNING").atMost(DEADLINE).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
            KAFKA.produce(name + ".endpoints", utf8("small"), endpoint("ServiceBus", "p", UdfCustom));
            awaitRouting(input, egress, UdfCustom);
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, egress);
            assertEquals(String.valueOf(RouterConfig.EVENT_MAX_BYTES_DEFAULT + RouterConfig.RECORD_OVERHEAD_BYTES),
                    KAFKA.admin().describeConfigs(List.of(topic)).all().get().get(topic).get("max.message.bytes").value());
            byte[] big = utf8(string(event(UdfCustom, "big-1")).replace("{\"n\":1}", "{\"pad\":\"" + "x".repeat(100_000) + "\"}"));
            KAFKA.produce(List.of(new ProducerRecord<>(input, utf8("k"), big),
                    new ProducerRecord<>(input, utf8("k"), event(UdfCustom, "after-big"))));
            List<ConsumerRecord<byte[], byte[]>> out = events(awaitEvents(egress, 2, DEADLINE, IsolationLevel.READ_COMMITTED));
            assertEquals(List.of("big-1", "after-big"), out.stream().map(r -> header(r, EgressHeaders.EVENT_ID)).toList());
            assertEquals(KafkaStreams.State.RUNNING, app.streams().state());
        }
    }

    @Test
    void theJarRefusesToStartWhenTheStatusTopicIsNotCompacted() throws Exception {
        String name = "status-delete";
        // As created by hand, by IaC with defaults, or by broker auto-creation: records age out after retention.ms.
        KAFKA.createTopic(name + ".endpoints.status", 1, Map.of("cleanup.policy", "delete"));
        try (RouterProcess router = RouterProcess.start(dir, name, config(name))) {
            int exit = router.awaitExit(DEADLINE);
            String output = router.output();
            assertEquals(io.twinegress.router.app.Main.EXIT_FAILED, exit, output);
            assertTrue(output.contains("Topic " + name + ".endpoints.status has cleanup.policy=delete; it must be "
                    + "cleanup.policy=compact"), output);
        }
    }

    @Test
    void theRouterRefusesToStartWhenTheEndpointsTopicAlsoDeletes() {
        String name = "endpoints-compact-delete";
        KAFKA.createTopic(name + ".endpoints", 1, Map.of("cleanup.policy", "compact,delete"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.twinegress.router.app.TopicBootstrap.TopicSetupException.class,
                () -> RouterApp.start(new RouterConfig(new HashMap<>(config(name)))).close());
        assertTrue(e.getMessage().contains("Topic " + name + ".endpoints has cleanup.policy=compact,delete; it must be "
                + "cleanup.policy=compact"), e.getMessage());
    }

    @Test
    void aTopicTheBrokerDoesNotKnowYetIsWaitedForAtStartNotFatal() {
        // Right after a topic is created, a broker may still answer "unknown topic" (its metadata is published
        // asynchronously): start-up waits that out instead of failing. The first describeConfigs answers so here.
        String name = "not-yet-known";
        AtomicInteger calls = new AtomicInteger();
        try (org.apache.kafka.clients.admin.Admin admin = new org.apache.kafka.clients.admin.ForwardingAdmin(
                Map.of("bootstrap.servers", KAFKA.bootstrapServers())) {
            @Override
            public org.apache.kafka.clients.admin.DescribeConfigsResult describeConfigs(
                    java.util.Collection<ConfigResource> resources, org.apache.kafka.clients.admin.DescribeConfigsOptions options) {
                if (calls.getAndIncrement() > 0) {
                    return super.describeConfigs(resources, options);
                }
                return new org.apache.kafka.clients.admin.DescribeConfigsResult(Map.of(resources.iterator().next(),
                        org.apache.kafka.common.KafkaFuture.<org.apache.kafka.clients.admin.Config>completedFuture(null).thenApply(c -> {
                            throw new org.apache.kafka.common.errors.UnknownTopicOrPartitionException("not yet");
                        }))) {
                };
            }
        }) {
            io.twinegress.router.app.TopicBootstrap.ensure(admin, new RouterConfig(new HashMap<>(config(name))));
        }
        assertTrue(calls.get() >= 2, "describeConfigs asked again after the retriable answer: " + calls.get());
    }

    /** A JSON event of exactly {@code size} bytes. */
    private static byte[] eventOfSize(EventType type, String id, int size) {
        String head = "{\"id\":\"" + id + "\",\"subject\":\"s\",\"data\":{\"pad\":\"";
        String tail = "\"},\"eventType\":\"" + type + "\",\"eventTime\":\"2018-04-17T17:46:18.5452993Z\",\"dataVersion\":\"1\"}";
        byte[] event = utf8(head + "x".repeat(size - head.length() - tail.length()) + tail);
        assertEquals(size, event.length);
        return event;
    }

    @Test
    void anEventWhoseRoutedCopyIsOverTheRequestLimitIsDeadLetteredOnceUnderExactlyOnceAndRoutingGoesOn() throws Exception {
        String name = "huge-headers";
        String input = name + ".events";
        String egress = name + ".egress.big";
        // An input topic someone else created, taking records larger than the router may write.
        KAFKA.createTopic(input, 1, Map.of("max.message.bytes", "3000000"));
        Map<String, Object> props = new HashMap<>(config(name));
        long mark = io.twinegress.testing.kafka.TestLogs.mark();
        try (RouterApp app = RouterApp.start(new RouterConfig(props));
             org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer = bigProducer()) {
            await("router RUNNING").atMost(DEADLINE).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
            Set<String> threads = streamThreads(app);
            KAFKA.produce(name + ".endpoints", utf8("big"), endpoint("ServiceBus", "p", SensorChange));
            awaitRouting(input, egress, SensorChange);

            // The value is exactly twin.event.max.bytes (allowed); ~100 KB of headers take the copy past max.request.size.
            byte[] value = eventOfSize(SensorChange, "huge", RouterConfig.EVENT_MAX_BYTES_DEFAULT);
            List<org.apache.kafka.common.header.Header> headers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                headers.add(new RecordHeader("trace-" + i, new byte[10_240]));
            }
            long hugeOffset = producer.send(new ProducerRecord<>(input, null, utf8("k"), value, headers)).get().offset();
            for (int i = 1; i <= 3; i++) {
                producer.send(new ProducerRecord<>(input, utf8("k"), event(SensorChange, "after-" + i))).get();
            }

            List<ConsumerRecord<byte[], byte[]>> routed = events(awaitEvents(egress, 3, DEADLINE, IsolationLevel.READ_COMMITTED));
            assertEquals(List.of("after-1", "after-2", "after-3"), routed.stream().map(r -> header(r, EgressHeaders.EVENT_ID)).toList());
            // Committed with (or before) the events after it: the dead-letter record is there, once.
            List<ConsumerRecord<byte[], byte[]>> dlq = KAFKA.consume(name + ".dlq", 1, DEADLINE).stream()
                    .filter(r -> String.valueOf(hugeOffset).equals(header(r, EgressHeaders.SOURCE_OFFSET))).toList();
            assertEquals(1, dlq.size(), "dead-lettered exactly once");
            assertEquals("oversized", header(dlq.get(0), DeadLetters.ERROR));
            assertEquals(null, dlq.get(0).value());
            assertEquals(threads, streamThreads(app), "no stream thread was replaced");
            assertEquals(KafkaStreams.State.RUNNING, app.streams().state());
            assertFalse(io.twinegress.testing.kafka.TestLogs.readSince(mark).contains("A stream thread died"));
        }
    }

    private static org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> bigProducer() {
        Map<String, Object> producer = KAFKA.producerConfig();
        producer.put("max.request.size", 3_000_000);
        return new org.apache.kafka.clients.producer.KafkaProducer<>(producer);
    }

    private static Set<String> streamThreads(RouterApp app) {
        Set<String> names = new HashSet<>();
        app.streams().metadataForLocalThreads().forEach(t -> names.add(t.threadName()));
        return names;
    }

    /**
     * Not a performance test: it prints the routing latency of a steady event stream before and
     * while 50 endpoints are registered at once (each one's egress topic is created on the stream
     * thread that also routes), and checks that every event arrived and every endpoint is Active.
     */
    @Test
    void routingLatencyWhileFiftyEndpointsAreRegisteredAtOnce() throws Exception {
        String name = "bulk";
        String input = name + ".events";
        String egress = name + ".egress.steady";
        Map<String, Object> props = new HashMap<>(config(name));
        try (RouterApp app = RouterApp.start(new RouterConfig(props))) {
            await("router RUNNING").atMost(DEADLINE).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
            KAFKA.produce(name + ".endpoints", utf8("steady"), endpoint("ServiceBus", "p", SensorChange));
            awaitRouting(input, egress, SensorChange);

            Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
            Map<String, Long> latencyMs = new java.util.concurrent.ConcurrentHashMap<>();
            // Set when the last event is sent: the reader stops once everything arrived, or at this deadline.
            java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicLong stopBy = new java.util.concurrent.atomic.AtomicLong();
            CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
                try (EgressReader reader = new EgressReader(KAFKA.bootstrapServers(), egress)) {
                    int seen = 0;
                    while (sending.get() || (latencyMs.size() < sentAt.size() && System.nanoTime() - stopBy.get() < 0)) {
                        List<ConsumerRecord<byte[], byte[]>> all = reader.poll(Duration.ofMillis(20));
                        long now = System.nanoTime();
                        for (ConsumerRecord<byte[], byte[]> r : all.subList(seen, all.size())) {
                            Long sent = sentAt.get(header(r, EgressHeaders.EVENT_ID));
                            if (sent != null) {
                                latencyMs.put(header(r, EgressHeaders.EVENT_ID), TimeUnit.NANOSECONDS.toMillis(now - sent));
                            }
                        }
                        seen = all.size();
                    }
                }
            });
            AtomicInteger n = new AtomicInteger();
            Runnable sendOne = () -> {
                String id = "m-" + n.incrementAndGet();
                sentAt.put(id, System.nanoTime());
                KAFKA.produce(input, "k", string(event(SensorChange, id)));
            };
            // Baseline: about 2 s of events, one every 20 ms.
            long phaseEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < phaseEnd) {
                sendOne.run();
                pause(20);
            }
            int baselineEnd = n.get();
            // 50 endpoint records at once, while events keep coming.
            List<ProducerRecord<byte[], byte[]>> bulk = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                bulk.add(new ProducerRecord<>(name + ".endpoints", utf8("bulk-" + i), endpoint("ServiceBus", "p", SpaceChange)));
            }
            long registering = System.nanoTime();
            KAFKA.produce(bulk);
            Set<String> active = java.util.concurrent.ConcurrentHashMap.newKeySet();
            CompletableFuture<Long> allActive = CompletableFuture.supplyAsync(() -> {
                await("50 bulk endpoints Active").atMost(DEADLINE).until(() -> {
                    KAFKA.consumeStrings(name + ".endpoints.status", 51, DEADLINE).stream()
                            .filter(r -> r.key().startsWith("bulk-") && r.value().contains("\"state\":\"Active\"")).forEach(r -> active.add(r.key()));
                    return active.size() == 50;
                });
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - registering);
            });
            while (!allActive.isDone()) {
                sendOne.run();
                pause(20);
            }
            int bulkEnd = n.get();
            for (int i = 0; i < 50; i++) {
                sendOne.run();
                pause(20);
            }
            stopBy.set(System.nanoTime() + DEADLINE.toNanos());
            sending.set(false);
            reading.get(2, TimeUnit.MINUTES);
            long registrationMs = allActive.get();

            assertEquals(sentAt.keySet(), latencyMs.keySet(), "every event routed");
            List<Long> baseline = latencies(latencyMs, 1, baselineEnd);
            List<Long> during = latencies(latencyMs, baselineEnd + 1, bulkEnd);
            System.out.printf("[figure] bulk registration: 50 endpoints Active %d ms after their records were acknowledged; "
                    + "routing latency (produce -> readable, read_committed) before: p50 %d ms, p99 %d ms, max %d ms (%d events); "
                    + "during: p50 %d ms, p99 %d ms, max %d ms (%d events)%n", registrationMs,
                    percentile(baseline, 50), percentile(baseline, 99), percentile(baseline, 100), baseline.size(),
                    percentile(during, 50), percentile(during, 99), percentile(during, 100), during.size());
            assertEquals(50, active.size());
        }
    }

    private static List<Long> latencies(Map<String, Long> latencyMs, int from, int to) {
        List<Long> values = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            Long v = latencyMs.get("m-" + i);
            if (v != null) {
                values.add(v);
            }
        }
        values.sort(null);
        return values;
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** Paces the measurement's producer (not synchronisation: nothing waits on a condition here). */
    private static void pause(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    /**
     * Produces the endpoint record, then events of {@code type} one after another until one
     * is readable in the endpoint's egress topic; returns the milliseconds from the endpoint
     * record's ack to that moment.
     */
    private static long measureActivation(String name, String id, byte[] endpoint, String input, EventType type) {
        String egress = name + ".egress." + id;
        try (EgressReader reader = new EgressReader(KAFKA.bootstrapServers(), egress)) {
            int before = reader.poll(Duration.ofMillis(200)).size();
            long start = System.nanoTime();
            KAFKA.produce(name + ".endpoints", utf8(id), endpoint);
            AtomicInteger sent = new AtomicInteger();
            await("an event routed to " + egress).atMost(DEADLINE).until(() -> {
                KAFKA.produce(input, "k", string(event(type, id + "-" + type + "-" + sent.incrementAndGet())));
                return reader.poll(Duration.ofMillis(20)).stream().skip(before)
                        .anyMatch(r -> type.name().equals(header(r, EgressHeaders.EVENT_TYPE)));
            });
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
    }
}
