package io.twinegress.router.it;

import static io.twinegress.router.Fixtures.event;
import static io.twinegress.router.Fixtures.string;
import static io.twinegress.router.Fixtures.utf8;
import static io.twinegress.router.it.EgressReader.header;
import static io.twinegress.schemas.EventType.SensorChange;
import static io.twinegress.schemas.EventType.SpaceChange;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.router.config.RouterConfig;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.JsonSerdes;
import io.twinegress.schemas.ReplayStatus;
import io.twinegress.testing.kafka.KafkaBroker;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replayFrom} end to end: the packaged router against a real broker backfills a new
 * endpoint from the input topics' retention beside the live stream, and every event reaches the
 * endpoint's egress topic exactly once (counted by event id), the replayed ones in per-key order,
 * also across a kill -9 of the router in the middle of the backfill.
 */
class ReplayIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker()
            // A killed router's open transactions are aborted when they time out; check every second, not every 10.
            .withBrokerProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final int KEYS = 16;

    @TempDir
    Path dir;

    private Map<String, String> config(String name) {
        Map<String, String> config = RouterProcess.config(KAFKA.bootstrapServers(), "replay-it-" + name, name, dir);
        config.put(RouterConfig.REPLAY_TOPIC_CONFIG, name + ".endpoints.replay");
        config.put(RouterConfig.EGRESS_PARTITIONS_CONFIG, "3");
        // A crashed member must leave the groups (routing and backfill) quickly for the restart to get its partitions.
        config.put("session.timeout.ms", "6000");
        config.put("heartbeat.interval.ms", "1000");
        config.put("producer.transaction.timeout.ms", "5000");
        return config;
    }

    private static byte[] endpoint(String path, Instant replayFrom, EventType... types) {
        StringBuilder t = new StringBuilder();
        for (EventType type : types) {
            t.append(t.length() == 0 ? "" : ",").append('"').append(type).append('"');
        }
        return utf8("{\"type\":\"ServiceBus\",\"eventTypes\":[" + t + "],\"path\":\"" + path + "\""
                + (replayFrom == null ? "" : ",\"replayFrom\":\"" + replayFrom + "\"") + "}");
    }

    /** Events {@code <prefix><i>}, i in [from, to): SensorChange for even i, SpaceChange for odd, key k-(i % KEYS). */
    private static List<ProducerRecord<byte[], byte[]>> events(String topic, String prefix, int from, int to) {
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            batch.add(new ProducerRecord<>(topic, utf8("k-" + (i % KEYS)), event(i % 2 == 0 ? SensorChange : SpaceChange, prefix + i)));
        }
        return batch;
    }

    private static void produce(String topic, String prefix, int count) {
        for (int start = 0; start < count; start += 1000) {
            KAFKA.produce(events(topic, prefix, start, Math.min(count, start + 1000)));
        }
    }

    /**
     * Waits until the router has committed its way to the end of the input topic: the history is
     * then behind the live routing, and a new endpoint gets all of it from the backfill (records the
     * router has not processed yet when the endpoint becomes Active are routed live, as they should).
     */
    private static void awaitRouterCaughtUp(String applicationId, String topic) {
        await("router " + applicationId + " caught up with " + topic).atMost(DEADLINE).until(() -> {
            Map<TopicPartition, Long> committed = KAFKA.committedOffsets(applicationId);
            try {
                var partitions = KAFKA.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
                Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
                partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest()));
                var ends = KAFKA.admin().listOffsets(latest).all().get();
                return ends.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue().offset());
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** The latest status record of an endpoint, once it satisfies {@code until}. */
    private static EndpointStatus awaitStatus(String topic, String id, java.util.function.Predicate<EndpointStatus> until, Duration deadline,
                                              String what) {
        return await(what).atMost(deadline).until((java.util.concurrent.Callable<Optional<EndpointStatus>>) () -> {
            EndpointStatus latest = null;
            for (ConsumerRecord<byte[], byte[]> r : KAFKA.consume(topic, 0, Duration.ofSeconds(10))) {
                if (id.equals(string(r.key()))) {
                    latest = JsonSerdes.endpointStatus().deserializer().deserialize(topic, r.value());
                }
            }
            return latest != null && until.test(latest) ? Optional.of(latest) : Optional.<EndpointStatus>empty();
        }, Optional::isPresent).get();
    }

    /**
     * Every SensorChange event produced (ids {@code prefix + even i}) is in the egress topic exactly once,
     * nothing else is, and the backfilled ones ({@code twin.replay} header) are in per-key order.
     *
     * @return how many were backfilled
     */
    private static int assertExactlyOnce(List<ConsumerRecord<byte[], byte[]>> records, Map<String, Integer> produced, Instant from,
                                         Set<String> gone) {
        Set<String> seen = new HashSet<>();
        Map<String, Integer> lastReplayedPerKey = new HashMap<>();
        int replayed = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String id = header(r, EgressHeaders.EVENT_ID);
            assertTrue(seen.add(id), "duplicate " + id);
            assertEquals("SensorChange", header(r, EgressHeaders.EVENT_TYPE), id);
            assertFalse(gone.contains(id), id + " was deleted by retention before the backfill, yet routed");
            String replay = header(r, EgressHeaders.REPLAY);
            if (replay != null) {
                replayed++;
                assertEquals(from.toString(), replay);
                int seq = Integer.parseInt(id.substring(id.indexOf('-') + 1));
                String key = string(r.key());
                Integer last = lastReplayedPerKey.put(id.substring(0, id.indexOf('-')) + key, seq);
                assertTrue(last == null || last < seq, "per-key order among replayed events: " + id + " after " + last);
            }
        }
        produced.forEach((prefix, count) -> {
            for (int i = 0; i < count; i += 2) {
                String id = prefix + i;
                assertEquals(!gone.contains(id), seen.contains(id), id);
            }
        });
        assertEquals(produced.entrySet().stream().mapToInt(e -> (e.getValue() + 1) / 2).sum() - gone.size(), seen.size());
        return replayed;
    }

    @Test
    void aNewEndpointGetsTheHistoryOnceBesideTheLiveStreamAndWhatRetentionTookIsReported() throws Exception {
        String name = "bf";
        Map<String, String> config = config(name);
        String input = name + ".events";
        String status = name + ".endpoints.status";
        try (RouterProcess router = RouterProcess.start(dir, name, config)) {
            router.awaitRunning(DEADLINE);
            Instant from = Instant.now().minusSeconds(60);
            int history = 3000;
            produce(input, "h-", history);
            // Retention took the first 50 records of the partition that holds SensorChange h-0, before anyone asked for them.
            List<ConsumerRecord<byte[], byte[]>> all = KAFKA.consume(input, history, DEADLINE);
            int trimmed = all.stream().filter(r -> idOf(r.value()).equals("h-0")).findFirst().orElseThrow().partition();
            Set<String> gone = new HashSet<>();
            all.stream().filter(r -> r.partition() == trimmed && r.offset() < 50).forEach(r -> {
                String id = idOf(r.value());
                if (Integer.parseInt(id.substring(2)) % 2 == 0) {
                    gone.add(id);
                }
            });
            assertFalse(gone.isEmpty(), "SensorChange events among the deleted ones");
            KAFKA.admin().deleteRecords(Map.of(new TopicPartition(input, trimmed), RecordsToDelete.beforeOffset(50))).all().get();
            awaitRouterCaughtUp("replay-it-" + name, input);

            // The live stream goes on while the endpoint is created with replayFrom and backfilled.
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger live = new AtomicInteger();
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
                while (!stop.get() && live.get() < 20_000) {
                    int at = live.get();
                    KAFKA.produce(events(input, "l-", at, at + 100));
                    live.addAndGet(100);
                }
            });
            KAFKA.produce(name + ".endpoints", utf8("late"), endpoint("p", from, SensorChange));
            EndpointStatus done = awaitStatus(status, "late", s -> s.replay() != null && s.replay().done(), DEADLINE, "backfill done");
            stop.set(true);
            producing.get(1, TimeUnit.MINUTES);

            ReplayStatus replay = done.replay();
            assertEquals(from, replay.from());
            assertEquals(3, replay.partitionCount(), "one input topic of 3 partitions");
            assertEquals(50, replay.partitions().get(input + "-" + trimmed).start(), "from the oldest record left");
            assertNotNull(replay.partitions().get(input + "-" + trimmed).oldestRetained(), "what retention took is reported");
            assertTrue(done.warnings().stream().anyMatch(w -> w.startsWith("replay: the oldest record still in " + input + "-" + trimmed
                    + " is from")), done.warnings().toString());
            replay.partitions().values().forEach(p -> assertNotNull(p.until(), "every partition has its takeover offset"));

            // Wait for the last live events, then count every event by id.
            int liveCount = live.get();
            Map<String, Integer> produced = Map.of("h-", history, "l-", liveCount);
            int expected = (history + 1) / 2 + (liveCount + 1) / 2 - gone.size();
            List<ConsumerRecord<byte[], byte[]>> egress = KAFKA.consume(name + ".egress.late", expected, DEADLINE);
            int replayed = assertExactlyOnce(egress, produced, from, gone);
            assertEquals(replay.routed(), replayed, "the status counts what the backfill routed");
            long historyReplayed = egress.stream().filter(r -> header(r, EgressHeaders.EVENT_ID).startsWith("h-")
                    && header(r, EgressHeaders.REPLAY) != null).count();
            assertEquals((history + 1) / 2 - gone.size(), historyReplayed, "every history event left came from the backfill");
            System.out.printf("[figure] backfill beside the live stream: %d routed by the backfill, %d live, %d past retention reported%n",
                    replayed, egress.size() - replayed, gone.size());

            // The same record again: no second backfill.
            KAFKA.produce(name + ".endpoints", utf8("late"), endpoint("p", from, SensorChange));
            KAFKA.produce(input, utf8("k-0"), event(SensorChange, "after-0"));
            EndpointStatus again = awaitStatus(status, "late", s -> s.updatedAt() > done.updatedAt(), DEADLINE, "answer to the re-sent record");
            assertEquals(replay.until(), again.replay().until(), "the same backfill");
            assertTrue(again.replay().done());
            List<ConsumerRecord<byte[], byte[]>> after = KAFKA.consume(name + ".egress.late", egress.size() + 1, DEADLINE);
            assertEquals(egress.size() + 1, after.size(), "only the live event");
            assertNull(header(after.stream().filter(r -> "after-0".equals(header(r, EgressHeaders.EVENT_ID))).findFirst().orElseThrow(),
                    EgressHeaders.REPLAY), "routed live");
            int exit = router.terminate(DEADLINE);
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
            assertTrue(router.output().contains("backfill from " + from + " done"), router.output());
        }
    }

    @Test
    void aKillNineOfTheRouterInTheMiddleOfTheBackfillLosesAndDuplicatesNothing() throws Exception {
        String name = "bfkill";
        Map<String, String> config = config(name);
        // Slow enough to be killed in the middle.
        config.put(RouterConfig.REPLAY_RATE_CONFIG, "2000");
        config.put(RouterConfig.REPLAY_BATCH_CONFIG, "200");
        String input = name + ".events";
        String status = name + ".endpoints.status";
        RouterProcess first = RouterProcess.start(dir, name + "-1", config);
        RouterProcess second = null;
        try {
            first.awaitRunning(DEADLINE);
            Instant from = Instant.now().minusSeconds(60);
            int history = 16_000;
            produce(input, "h-", history);
            awaitRouterCaughtUp("replay-it-" + name, input);
            KAFKA.produce(name + ".endpoints", utf8("late"), endpoint("p", from, SensorChange, SpaceChange));
            long started = System.nanoTime();
            awaitStatus(status, "late", s -> s.replay() != null && s.replay().routed() >= 2000, DEADLINE, "backfill under way");
            first.kill();
            int beforeKill = KAFKA.consume(name + ".egress.late", 0, DEADLINE, IsolationLevel.READ_UNCOMMITTED).size();
            second = RouterProcess.start(dir, name + "-2", config);
            KAFKA.produce(events(input, "l-", 0, 200));   // the live stream after the restart
            EndpointStatus done = awaitStatus(status, "late", s -> s.replay() != null && s.replay().done(), Duration.ofMinutes(3),
                    "backfill done after the restart");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(beforeKill < history, "killed in the middle: " + beforeKill + " written before the kill");

            List<ConsumerRecord<byte[], byte[]>> egress = KAFKA.consume(name + ".egress.late", history + 200, DEADLINE);
            Set<String> seen = new HashSet<>();
            Map<String, Integer> lastPerKey = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : egress) {
                String id = header(r, EgressHeaders.EVENT_ID);
                assertTrue(seen.add(id), "duplicate " + id);
                if (id.startsWith("h-")) {
                    assertEquals(from.toString(), header(r, EgressHeaders.REPLAY), id);
                    int seq = Integer.parseInt(id.substring(2));
                    Integer last = lastPerKey.put(string(r.key()), seq);
                    assertTrue(last == null || last < seq, "per-key order: " + id + " after h-" + last);
                }
            }
            for (int i = 0; i < history; i++) {
                assertTrue(seen.contains("h-" + i), "h-" + i);
            }
            for (int i = 0; i < 200; i++) {
                assertTrue(seen.contains("l-" + i), "l-" + i);
            }
            assertEquals(history + 200, egress.size());
            assertEquals(history, done.replay().routed(), "routed counted once, across the crash");
            System.out.printf("[figure] backfill of %d events at twin.replay.max.records.per.second=2000 across a kill -9: "
                    + "%d written before the kill (uncommitted included), done %d ms after the endpoint record%n", history, beforeKill, ms);
            int exit = second.terminate(DEADLINE);
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    /**
     * Figures, opt-in ({@code -Dreplay.figures=true}; sizes {@code -Dreplay.figures.history},
     * {@code -Dreplay.figures.live}): the backfill's throughput, and the live routing's throughput
     * while a backfill runs vs while none does, interleaved, first with the default rate bound, then
     * with a router whose bound is out of reach. Printed, never asserted.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "replay.figures", matches = "true")
    void figures() throws Exception {
        String name = "fig";
        Map<String, String> config = config(name);
        String input = name + ".events";
        String status = name + ".endpoints.status";
        String egress = name + ".egress.live";
        int history = Integer.getInteger("replay.figures.history", 150_000);
        int live = Integer.getInteger("replay.figures.live", 30_000);
        Instant from = Instant.now().minusSeconds(60);
        List<String> figures = new ArrayList<>();
        try (RouterProcess router = RouterProcess.start(dir, name, config)) {
            router.awaitRunning(DEADLINE);
            produce(input, "h-", history);   // SensorChange and SpaceChange: the history
            KAFKA.produce(name + ".endpoints", utf8("live"), endpoint("p", null, EventType.UdfCustom));
            awaitStatus(status, "live", EndpointStatus::isActive, DEADLINE, "live Active");
            awaitRouterCaughtUp("replay-it-" + name, input);
            double without1 = liveRate(input, egress, "a1-", live);
            KAFKA.produce(name + ".endpoints", utf8("late-1"), endpoint("p", from, SensorChange, SpaceChange));
            double during = liveRate(input, egress, "b-", live);
            String backfill = backfillRate(status, "late-1");
            double without2 = liveRate(input, egress, "a2-", live);
            figures.add(String.format("[figure] default bound (%s=%d): backfill %s; live routing %.0f events/s during it, %.0f and %.0f "
                    + "without (ratio %.2f)", RouterConfig.REPLAY_RATE_CONFIG, RouterConfig.REPLAY_RATE_DEFAULT, backfill, during, without1,
                    without2, during / ((without1 + without2) / 2)));
            router.terminate(DEADLINE);
        }
        config.put(RouterConfig.REPLAY_RATE_CONFIG, "100000000");
        config.put("application.id", "replay-it-" + name + "-unbounded");
        try (RouterProcess router = RouterProcess.start(dir, name + "-unbounded", config)) {
            router.awaitRunning(DEADLINE);
            awaitRouterCaughtUp("replay-it-" + name + "-unbounded", input);
            double without1 = liveRate(input, egress, "c1-", live);
            KAFKA.produce(name + ".endpoints", utf8("late-2"), endpoint("p", from, SensorChange, SpaceChange));
            double during = liveRate(input, egress, "d-", live);
            String backfill = backfillRate(status, "late-2");
            double without2 = liveRate(input, egress, "c2-", live);
            figures.add(String.format("[figure] no bound: backfill %s; live routing %.0f events/s during it, %.0f and %.0f without "
                    + "(ratio %.2f)", backfill, during, without1, without2, during / ((without1 + without2) / 2)));
            router.terminate(DEADLINE);
        }
        figures.forEach(System.out::println);
    }

    /** Waits for the backfill of {@code id} and says how fast it went (from Active to its done status record). */
    private static String backfillRate(String status, String id) {
        EndpointStatus done = awaitStatus(status, id, s -> s.replay() != null && s.replay().done(), Duration.ofMinutes(5), "backfill " + id);
        double seconds = (done.updatedAt() - done.replay().until().toEpochMilli()) / 1000.0;
        return String.format("%d events in %.1f s = %.0f events/s", done.replay().routed(), seconds, done.replay().routed() / seconds);
    }

    /** Produces {@code count} UdfCustom events (only endpoint "live" takes them) and measures how fast they reach its egress topic. */
    private static double liveRate(String input, String egress, String prefix, int count) {
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(new ProducerRecord<>(input, utf8("u-" + (i % KEYS)), event(EventType.UdfCustom, prefix + i)));
        }
        // A batching producer: the burst arrives faster than the router routes it, so the router's rate is what is measured.
        Map<String, Object> producerConfig = new HashMap<>(KAFKA.producerConfig());
        producerConfig.put("linger.ms", 10);
        producerConfig.put("batch.size", 131_072);
        try (EgressReader reader = new EgressReader(KAFKA.bootstrapServers(), egress);
             var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(producerConfig)) {
            int before = reader.poll(Duration.ofSeconds(2)).size();
            long start = System.nanoTime();
            batch.forEach(producer::send);
            producer.flush();
            await(count + " live events routed").atMost(Duration.ofMinutes(3)).until(() -> reader.poll(Duration.ofMillis(200)).size() >= before + count);
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static String idOf(byte[] event) {
        String s = string(event);
        int at = s.indexOf("\"id\":\"") + 6;
        return s.substring(at, s.indexOf('"', at));
    }
}
