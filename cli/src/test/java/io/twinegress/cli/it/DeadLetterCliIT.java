package io.twinegress.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.cli.Cli;
import io.twinegress.cli.dlq.DeadLetterHeaders;
import io.twinegress.cli.output.Console;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.testing.kafka.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code dlq list|show|replay} against a real broker and the packaged router (a child process):
 * an endpoint's dead letters (shaped as Kafka Connect's reporter writes them: the egress record
 * byte for byte plus its {@code __connect.errors.*} headers) are replayed into its egress topic
 * exactly once, also when the packaged CLI is killed in the middle; the router's are routed again
 * through its endpoint table. Everything is counted by event id.
 */
class DeadLetterCliIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker()
            .withBrokerProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");

    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final Path ROUTER_JAR = Path.of("..", "streams-app", "target", "twin-egress-router.jar");
    static final Path CLI_JAR = Path.of("target", "twin-egress.jar");
    /** The router starts with small events only, so larger ones are dead-lettered as oversized until it is restarted. */
    static final int SMALL_EVENTS = 2_000;

    static Path dir;
    static Child router;
    static String nowhere;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("dlq-cli-it");
        try (ServerSocket s = new ServerSocket(0)) {
            nowhere = "http://127.0.0.1:" + s.getLocalPort();
        }
        router = startRouter(SMALL_EVENTS);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (router != null) {
            router.close();
        }
    }

    static Child startRouter(int maxEventBytes) throws IOException {
        Properties p = new Properties();
        p.put("bootstrap.servers", KAFKA.bootstrapServers());
        p.put("application.id", "dlq-cli-it-router");
        p.put("state.dir", dir.resolve("state").toString());
        p.put("twin.event.max.bytes", String.valueOf(maxEventBytes));
        Path file = dir.resolve("router-" + maxEventBytes + ".properties");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "DeadLetterCliIT");
        }
        Child child = Child.start(ROUTER_JAR, Path.of("target", "dlq-it-router-" + maxEventBytes + ".log"), file.toString());
        await("router RUNNING").atMost(DEADLINE).until(() -> {
            if (!child.alive()) {
                throw new AssertionError("the router exited:\n" + child.output());
            }
            return child.output().contains("to RUNNING");
        });
        return child;
    }

    record Run(int exit, String output) {
    }

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-server", KAFKA.bootstrapServers(), "--connect-url", nowhere, "--timeout", "30"));
        int exit = new Cli(new Console(ps, ps), Map.of()).run(all.toArray(String[]::new));
        String output = out.toString(StandardCharsets.UTF_8);
        System.out.println("$ twin-egress " + String.join(" ", args) + "\n" + output + "(exit " + exit + ")");
        return new Run(exit, output);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(ConsumerRecord<?, ?> r, String header) {
        return DeadLetterHeaders.text(r.headers(), header);
    }

    static byte[] event(String id, int padding) {
        return utf8("{\"id\":\"" + id + "\",\"subject\":\"SensorChange\",\"data\":{\"pad\":\"" + "x".repeat(padding) + "\"},"
                + "\"eventType\":\"SensorChange\",\"eventTime\":\"2018-04-17T17:46:18.5452993Z\",\"dataVersion\":\"1\"}");
    }

    /** Registers an endpoint straight on twin.endpoints and waits for the router's Active. */
    static void activeEndpoint(String id) {
        KAFKA.produce("twin.endpoints", utf8(id), utf8("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"p\"}"));
        awaitState(id, "Active");
    }

    static void awaitState(String id, String state) {
        await(id + " " + state).atMost(DEADLINE).until(() -> KAFKA.consumeStrings("twin.endpoints.status", 0, DEADLINE).stream()
                .filter(r -> id.equals(r.key())).reduce((a, b) -> b).map(r -> r.value().contains("\"" + state + "\"")).orElse(false));
    }

    /**
     * A dead letter as Kafka Connect's reporter writes one for our connectors: the egress record
     * (key, value, timestamp, the router's headers and a producer's own) plus {@code __connect.errors.*}.
     */
    static ProducerRecord<byte[], byte[]> deadLetter(String dlq, int partition, String endpoint, int i, String reason) {
        List<Header> h = new ArrayList<>();
        h.add(new RecordHeader("app-header", utf8("007")));
        h.add(new RecordHeader(EgressHeaders.EVENT_TYPE, utf8("SensorChange")));
        h.add(new RecordHeader(EgressHeaders.EVENT_ID, utf8("d-" + i)));
        h.add(new RecordHeader(EgressHeaders.ENDPOINT_ID, utf8(endpoint)));
        h.add(new RecordHeader(EgressHeaders.SOURCE_TOPIC, utf8("twin.events")));
        h.add(new RecordHeader(EgressHeaders.SOURCE_PARTITION, utf8("0")));
        h.add(new RecordHeader(EgressHeaders.SOURCE_OFFSET, utf8(String.valueOf(1000 + i))));
        h.add(new RecordHeader(DeadLetterHeaders.CONNECT_TOPIC, utf8("twin.egress." + endpoint)));
        h.add(new RecordHeader(DeadLetterHeaders.CONNECT_PARTITION, utf8("0")));
        h.add(new RecordHeader(DeadLetterHeaders.CONNECT_OFFSET, utf8(String.valueOf(i))));
        h.add(new RecordHeader("__connect.errors.connector.name", utf8(endpoint)));
        h.add(new RecordHeader("__connect.errors.stage", utf8("TASK_PUT")));
        h.add(new RecordHeader(DeadLetterHeaders.CONNECT_EXCEPTION, utf8("io.twinegress.connect.core.UndeliverableRecordException")));
        h.add(new RecordHeader(DeadLetterHeaders.CONNECT_MESSAGE, utf8(reason)));
        h.add(new RecordHeader("__connect.errors.exception.stacktrace", utf8("io.twinegress.connect.core.UndeliverableRecordException: ...")));
        return new ProducerRecord<>(dlq, partition, BASE_TIME + i, utf8("k-" + (i % 8)), event("d-" + i, 10), h);
    }

    /** An hour ago: well inside the broker's retention (older records would be deleted under the test's feet). */
    static final long BASE_TIME = System.currentTimeMillis() - 3_600_000L;
    static final String DEADLINE_REASON = "not delivered within delivery.deadline.ms (86400000 ms); last failure: endpoint unavailable";
    static final String SIZE_REASON = "The event is 1300012 bytes, over the 1048576 bytes the endpoint takes";

    @Test
    void anEndpointsDeadLettersAreListedShownAndReplayedOnceIntoItsEgressTopicOnly() {
        activeEndpoint("sb-dlq");
        String dlq = "twin.egress.sb-dlq.dlq";
        KAFKA.createTopic(dlq, 2);
        List<ProducerRecord<byte[], byte[]>> letters = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            letters.add(deadLetter(dlq, i % 2, "sb-dlq", i, i < 20 ? DEADLINE_REASON : SIZE_REASON));
        }
        ProducerRecord<byte[], byte[]> tombstone = deadLetter(dlq, 0, "sb-dlq", 99, "The record has no value (a tombstone)");
        letters.add(new ProducerRecord<>(dlq, 0, tombstone.timestamp(), tombstone.key(), null, tombstone.headers()));
        KAFKA.produce(letters);
        String[] topic = {"--dlq-topic", dlq};

        Run list = cli(with(topic, "dlq", "list", "sb-dlq"));
        assertEquals(Cli.OK, list.exit(), list.output());
        assertTrue(list.output().contains("dead letters of endpoint sb-dlq (" + dlq + "): 31"), list.output());
        assertTrue(list.output().contains("      20         0  not delivered within delivery.deadline.ms (# ms); last failure: endpoint unavailable"),
                list.output());
        assertTrue(list.output().contains("      10         0  The event is # bytes, over the # bytes the endpoint takes"), list.output());

        Run show = cli(with(topic, "dlq", "show", "sb-dlq", "--reason", "BYTES, over", "--limit", "3"));
        assertEquals(Cli.OK, show.exit(), show.output());
        assertTrue(show.output().contains("3 of 10 shown (--limit for more)"), show.output());
        assertTrue(show.output().contains("event d-20 SensorChange  from twin.egress.sb-dlq 0/20"), show.output());
        assertFalse(show.output().contains("\"pad\""), "never a payload without --payload: " + show.output());
        assertTrue(cli(with(topic, "dlq", "show", "sb-dlq", "--limit", "1", "--payload")).output().contains("\"pad\":\"xxxxxxxxxx\""));

        Run dry = cli(with(topic, "dlq", "replay", "sb-dlq", "--reason", "deadline", "--dry-run"));
        assertEquals(Cli.OK, dry.exit(), dry.output());
        assertTrue(dry.output().contains("selected 20: 20 would be copied, 0 replayed before, 0 cannot be replayed"), dry.output());
        assertTrue(KAFKA.consume("twin.egress.sb-dlq", 0, DEADLINE).isEmpty(), "a dry run writes nothing");

        Run some = cli(with(topic, "dlq", "replay", "sb-dlq", "--reason", "deadline"));
        assertEquals(Cli.OK, some.exit(), some.output());
        assertTrue(some.output().contains("selected 20: 20 copied, 0 replayed before, 0 cannot be replayed"), some.output());
        assertTrue(some.output().contains("20 into twin.egress.sb-dlq"), some.output());

        Run rest = cli(with(topic, "dlq", "replay", "sb-dlq"));
        assertTrue(rest.output().contains("selected 31: 10 copied, 20 replayed before, 1 cannot be replayed"), rest.output());
        assertTrue(rest.output().contains("not replayable: 1 (a tombstone (no value): there is nothing to deliver)"), rest.output());
        Run again = cli(with(topic, "dlq", "replay", "sb-dlq"));
        assertTrue(again.output().contains("selected 31: 0 copied, 30 replayed before"), again.output());
        assertTrue(cli(with(topic, "dlq", "list", "sb-dlq")).output().contains(": 31 (30 replayed already)"));

        // Each dead letter once in the egress topic, byte for byte, original headers, plus the lineage.
        List<ConsumerRecord<byte[], byte[]>> egress = KAFKA.consume("twin.egress.sb-dlq", 30, DEADLINE);
        assertEquals(30, egress.size());
        Map<String, ProducerRecord<byte[], byte[]>> byId = new HashMap<>();
        letters.forEach(l -> byId.put(new String(l.headers().lastHeader(EgressHeaders.EVENT_ID).value(), StandardCharsets.UTF_8), l));
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : egress) {
            String id = text(r, EgressHeaders.EVENT_ID);
            assertTrue(seen.add(id), "duplicate " + id);
            ProducerRecord<byte[], byte[]> original = byId.get(id);
            assertArrayEquals(original.value(), r.value(), id);
            assertArrayEquals(original.key(), r.key(), id);
            assertEquals(original.timestamp(), r.timestamp(), id);
            assertEquals("007", text(r, "app-header"));
            assertEquals("sb-dlq", text(r, EgressHeaders.ENDPOINT_ID));
            assertEquals(String.valueOf(1000 + Integer.parseInt(id.substring(2))), text(r, EgressHeaders.SOURCE_OFFSET));
            for (Header h : r.headers()) {
                assertFalse(h.key().startsWith("__connect.errors."), "Connect's own header copied: " + h.key());
            }
            assertEquals(dlq, text(r, DeadLetterHeaders.REPLAY_DEAD_LETTER_TOPIC));
            assertEquals(original.partition().toString(), text(r, DeadLetterHeaders.REPLAY_DEAD_LETTER_PARTITION));
            assertEquals(Integer.parseInt(id.substring(2)) < 20 ? DEADLINE_REASON : SIZE_REASON, text(r, DeadLetterHeaders.REPLAY_REASON));
            assertTrue(text(r, DeadLetterHeaders.REPLAY_RUN) != null && text(r, DeadLetterHeaders.REPLAY_AT) != null);
        }
        // Only the endpoint that failed gets them again.
        assertFalse(KAFKA.topicNames().stream().anyMatch(t -> t.startsWith("twin.egress.") && !t.startsWith("twin.egress.sb-")),
                KAFKA.topicNames().toString());

        // Not Active: refused, nothing written.
        activeEndpoint("sb-gone");
        KAFKA.produce("twin.endpoints", utf8("sb-gone"), null);
        awaitState("sb-gone", "Deleted");
        Run refused = cli("dlq", "replay", "sb-gone", "--dlq-topic", dlq);
        assertEquals(Cli.INVALID, refused.exit(), refused.output());
        assertTrue(refused.output().contains("endpoint sb-gone is Deleted: nothing routes to or delivers from twin.egress.sb-gone"),
                refused.output());
    }

    @Test
    void theRoutersDeadLettersAreRoutedAgainThroughItsCurrentEndpointTableOnce() throws Exception {
        activeEndpoint("sb-routed");
        // Three events too large for the router as it runs now (their value is left out of the dead letter), two invalid ones.
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            input.add(new ProducerRecord<>("twin.events", null, utf8("big-" + i), event("big-" + i, SMALL_EVENTS),
                    List.of(new RecordHeader("app-header", utf8("b" + i)))));
        }
        input.add(new ProducerRecord<>("twin.events", utf8("bad-0"), utf8("not json")));
        input.add(new ProducerRecord<>("twin.events", utf8("bad-1"), utf8("{\"id\":\"bad-1\"}")));
        KAFKA.produce(input);
        await("5 dead letters of the router").atMost(DEADLINE).until(() -> KAFKA.consume("twin.events.dlq", 0, DEADLINE).size() >= 5);

        Run list = cli("dlq", "list", "router");
        assertEquals(Cli.OK, list.exit(), list.output());
        assertTrue(list.output().contains("dead letters of the router (twin.events.dlq): 5"), list.output());
        assertTrue(cli("dlq", "show", "router", "--reason", "twin.event.max.bytes").output().contains("(value left out)"));

        // The fix: a router that takes larger events. Then the replay sends them back onto twin.events.
        router.terminate();
        router = startRouter(1_048_576);
        Run replay = cli("dlq", "replay", "router");
        assertEquals(Cli.OK, replay.exit(), replay.output());
        assertTrue(replay.output().contains("selected 5: 5 copied, 0 replayed before, 0 cannot be replayed"), replay.output());
        assertTrue(replay.output().contains("5 into twin.events"), replay.output());

        List<ConsumerRecord<byte[], byte[]>> routed = await("the three large events routed").atMost(DEADLINE)
                .until(() -> KAFKA.consume("twin.egress.sb-routed", 0, DEADLINE).stream()
                        .filter(r -> String.valueOf(text(r, EgressHeaders.EVENT_ID)).startsWith("big-")).toList(), all -> all.size() >= 3);
        assertEquals(3, routed.size());
        for (ConsumerRecord<byte[], byte[]> r : routed) {
            String id = text(r, EgressHeaders.EVENT_ID);
            assertArrayEquals(event(id, SMALL_EVENTS), r.value(), "the original value, from the input topic");
            assertEquals("b" + id.substring(4), text(r, "app-header"), "the original headers");
            assertEquals("twin.events.dlq", text(r, DeadLetterHeaders.REPLAY_DEAD_LETTER_TOPIC), "lineage reaches the endpoint");
            assertNull(text(r, DeadLetterHeaders.ROUTER_REASON), "the router's dead-letter headers are not copied");
        }
        // The invalid two fail again, as new dead letters that say they were replayed; replaying again copies only those.
        await("the invalid two dead-lettered again").atMost(DEADLINE).until(() -> KAFKA.consume("twin.events.dlq", 0, DEADLINE).size() >= 7);
        assertTrue(KAFKA.consume("twin.events.dlq", 0, DEADLINE).stream().skip(5)
                .allMatch(r -> text(r, DeadLetterHeaders.REPLAY_DEAD_LETTER_TOPIC) != null));
        Run again = cli("dlq", "replay", "router", "--dry-run");
        assertTrue(again.output().contains("selected 7: 2 would be copied, 5 replayed before"), again.output());
    }

    @Test
    void aKillNineOfTheReplayInTheMiddleThenARunAgainCopiesEachDeadLetterOnce() throws Exception {
        activeEndpoint("sb-kill");
        String dlq = "twin.egress.sb-kill.dlq";
        KAFKA.createTopic(dlq, 2);
        int total = 4000;
        for (int start = 0; start < total; start += 1000) {
            List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
            for (int i = start; i < start + 1000; i++) {
                batch.add(deadLetter(dlq, i % 2, "sb-kill", i, DEADLINE_REASON));
            }
            KAFKA.produce(batch);
        }
        assertTrue(Files.isRegularFile(CLI_JAR), "packaged before the ITs run: " + CLI_JAR.toAbsolutePath());
        Child slow = Child.start(CLI_JAR, Path.of("target", "dlq-it-replay-killed.log"), "dlq", "replay", "sb-kill", "--dlq-topic", dlq,
                "--rate", "400", "--batch", "50", "--bootstrap-server", KAFKA.bootstrapServers(), "--connect-url", nowhere, "--timeout", "30");
        await("the replay under way").atMost(DEADLINE).until(() -> {
            if (!slow.alive()) {
                throw new AssertionError("the replay ended before it was killed:\n" + slow.output());
            }
            return KAFKA.consume("twin.egress.sb-kill", 0, DEADLINE, IsolationLevel.READ_UNCOMMITTED).size() >= 600;
        });
        slow.kill();
        int committedAtKill = KAFKA.consume("twin.egress.sb-kill", 0, DEADLINE).size();
        assertTrue(committedAtKill < total, "killed in the middle: " + committedAtKill);

        Run resume = cli("dlq", "replay", "sb-kill", "--dlq-topic", dlq);
        assertEquals(Cli.OK, resume.exit(), resume.output());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("selected 4000: (\\d+) copied, (\\d+) replayed before").matcher(resume.output());
        assertTrue(m.find(), resume.output());
        assertEquals(total, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)));
        assertTrue(Integer.parseInt(m.group(2)) >= committedAtKill, "what the killed run committed counts as replayed: " + resume.output());

        List<ConsumerRecord<byte[], byte[]>> egress = KAFKA.consume("twin.egress.sb-kill", total, DEADLINE);
        Set<String> seen = new HashSet<>();
        Map<String, Integer> lastPerKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : egress) {
            String id = text(r, EgressHeaders.EVENT_ID);
            assertTrue(seen.add(id), "duplicate " + id);
            int seq = Integer.parseInt(id.substring(2));
            Integer last = lastPerKey.put(new String(r.key(), StandardCharsets.UTF_8), seq);
            assertTrue(last == null || last < seq, "per-key order: " + id + " after d-" + last);
        }
        assertEquals(total, egress.size(), "each dead letter exactly once, across the kill");
        double seconds = Double.parseDouble(resume.output().replaceAll("(?s).*done in ([0-9.]+) s.*", "$1"));
        System.out.printf("[figure] dlq replay: %s copied by the resumed run in %.1f s; %d committed by the killed run%n",
                m.group(1), seconds, committedAtKill);
    }

    static String[] with(String[] extra, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }
}
