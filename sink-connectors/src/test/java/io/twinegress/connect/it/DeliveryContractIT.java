package io.twinegress.connect.it;

import static io.twinegress.connect.it.SinkIt.committed;
import static io.twinegress.connect.it.SinkIt.header;
import static io.twinegress.connect.it.SinkIt.metric;
import static io.twinegress.connect.it.SinkIt.metricLong;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.emulators.Received;
import io.twinegress.emulators.StandIn;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.testing.kafka.ConnectWorker;
import io.twinegress.testing.kafka.KafkaBroker;
import io.twinegress.testing.kafka.TestLogs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The delivery contract every connector keeps, run for each target by its IT against its stand-in,
 * in a real Connect worker on a real broker with the packaged plugin: failover, both keys refused
 * then fixed through REST, an outage (with what the worker logs meanwhile), throttling, and an
 * event too large for the target. A subclass gives its broker and worker (class-level extensions)
 * and a {@link Target}; what a connector does beyond the contract stays in its own IT.
 *
 * <p>The records are what the router writes: the event bytes, its headers (type, id, endpoint,
 * lineage), the key {@code sensor-<partition>}. Every arrival is matched to its record by the event
 * id, {@code <endpoint>-<index>-<random>}, whose index gives the record's partition and order.
 */
public abstract class DeliveryContractIT {

    protected static final Duration DEADLINE = Duration.ofSeconds(60);

    /** What the contract needs from one target. */
    public interface Target {
        /** The connector's simple class name. */
        String connector();

        /** The stand-in of the test class, started. */
        StandIn<?> standIn();

        /** A stand-in of its own (for the outage), serving {@code entity} and accepting {@code key}; closed by the caller. */
        StandIn<?> startAnother(String entity, String key);

        /** Adds an entity (topic, event hub) to {@code standIn}. */
        void addEntity(StandIn<?> standIn, String entity);

        /** A key in the target's format, distinct per label (an AMQP SAS key, an Event Grid access key). */
        String key(String label);

        /** The {@code connection.string} value for {@code key} on {@code standIn}, within the test's key scope. */
        String connectionString(StandIn<?> standIn, String keyName, String key);

        /** The {@code path} value for {@code entity} on {@code standIn}. */
        String path(StandIn<?> standIn, String entity);

        /** The event id an arrival carries. */
        String eventId(Received arrival);

        /** The stand-in and entity where a message of {@link #tooLargePadding()} characters is too large; fresh per call. */
        StandIn<?> tooLargeStandIn();

        String tooLargeEntity();

        int tooLargePadding();

        /** What the dead-letter reason of a message too large for the target starts with or contains. */
        String tooLargeReason();
    }

    private final KafkaBroker kafka;
    private final ConnectWorker connect;
    private final Target target;
    protected final SinkIt.Connectors connectors;

    /** The class's broker and worker (its static extensions) and the target; built per test, after {@code @BeforeAll}. */
    protected DeliveryContractIT(KafkaBroker kafka, ConnectWorker connect, Target target) {
        this.kafka = kafka;
        this.connect = connect;
        this.target = target;
        this.connectors = new SinkIt.Connectors(connect, DEADLINE);
    }

    protected final Target target() {
        return target;
    }

    protected final KafkaBroker kafka() {
        return kafka;
    }

    protected final ConnectWorker connect() {
        return connect;
    }

    /** What a test leaves on the stand-in to be undone: nothing by default. */
    protected void resetStandIn() {
    }

    /** A test's own endpoint on the class's stand-in: connector and entity name, egress topic, the keys it accepts. */
    protected record Endpoint(String name, String topic, List<String> keys) {
    }

    /** Creates the endpoint of {@code scenario}: its topic with {@code partitions}, its entity, one accepted key per label. */
    protected Endpoint endpoint(String scenario, int partitions, String... keyLabels) {
        String name = connectorName(scenario);
        String topic = "twin.egress." + name;
        kafka.createTopic(topic, partitions);
        target.addEntity(target.standIn(), name);
        List<String> keys = new ArrayList<>();
        for (String label : keyLabels) {
            String key = target.key(name + "-" + label);
            target.standIn().addKey(name, key);
            keys.add(key);
        }
        return new Endpoint(name, topic, keys);
    }

    /** {@code e}'s connector config with these keys (accepted or not; {@code secondary} may be null). */
    protected Map<String, String> config(Endpoint e, String primary, String secondary) {
        StandIn<?> s = target.standIn();
        return config(e.topic(), s, e.name(), target.connectionString(s, e.name(), primary),
            secondary == null ? null : target.connectionString(s, e.name(), secondary));
    }

    @AfterEach
    void deleteContractConnectors() {
        connectors.deleteAll();
        resetStandIn();
    }

    @AfterAll
    static void closeProducer() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }

    // ------------------------------------------------------------------ helpers for every IT

    /** One endpoint's connector config for {@link #target()}: test-short backoff, a dead-letter topic. */
    protected Map<String, String> config(String topic, StandIn<?> standIn, String entity, String primary, String secondary) {
        return SinkIt.config(target().connector(), topic, target().path(standIn, entity), primary, secondary);
    }

    /** Records as the router writes them, {@code n} from index {@code from}, spread over {@code partitions}. */
    protected static List<ProducerRecord<byte[], byte[]>> routed(String topic, String endpoint, int partitions, int from,
                                                                  int n, int padding) {
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
                SinkIt.event(id, type, i, padding).getBytes(StandardCharsets.UTF_8), headers));
        }
        return out;
    }

    private static KafkaProducer<byte[], byte[]> producer;

    /**
     * Produces and waits for every ack. A producer of its own, not idempotent, one request in flight:
     * the idempotent one was once seen stuck for 120 s in OUT_OF_ORDER_SEQUENCE_NUMBER retries on a
     * loaded machine.
     */
    protected void produce(List<ProducerRecord<byte[], byte[]>> records) {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(kafka().producerConfig());
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            producer = new KafkaProducer<>(config);
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        records.forEach(r -> acks.add(producer.send(r)));
        producer.flush();
        for (Future<RecordMetadata> f : acks) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("produce failed", e);
            }
        }
    }

    protected static String id(ProducerRecord<byte[], byte[]> r) {
        return new String(r.headers().lastHeader(EgressHeaders.EVENT_ID).value(), StandardCharsets.UTF_8);
    }

    protected static List<String> ids(List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream().map(DeliveryContractIT::id).toList();
    }

    protected List<String> arrivedIds(List<? extends Received> arrivals) {
        return arrivals.stream().map(target()::eventId).toList();
    }

    /**
     * Every record arrived exactly once, and the records of one partition in their order (the index
     * in the event id: partition = index mod {@code partitions}).
     */
    protected void assertEachOnceInOrderPerPartition(List<ProducerRecord<byte[], byte[]>> records,
                                                     List<? extends Received> arrivals, int partitions) {
        List<String> got = arrivedIds(arrivals);
        assertEquals(ids(records).stream().sorted().toList(), got.stream().sorted().toList(), "each record once");
        Map<Integer, Integer> last = new HashMap<>();
        for (String id : got) {
            int index = Integer.parseInt(id.split("-")[id.split("-").length - 6]);
            Integer before = last.put(index % partitions, index);
            assertTrue(before == null || before < index, "order within partition " + index % partitions + ": " + before
                + " then " + index);
        }
    }

    /** How many lines logged since {@code mark} contain {@code text}. */
    protected static long lines(long mark, String text) {
        return TestLogs.readSince(mark).lines().filter(l -> l.contains(text)).count();
    }

    /** The lines logged at ERROR since {@code mark}, stack traces left out. */
    protected static List<String> errorLines(long mark) {
        return TestLogs.readSince(mark).lines().filter(l -> l.matches("^\\S+ \\S+ ERROR .*")).toList();
    }

    // ------------------------------------------------------------------ the contract

    @Test
    void aRefusedPrimaryFailsOverToTheSecondaryAndNothingIsLost(TestReporter reporter) {
        Target t = target();
        StandIn<?> s = t.standIn();
        Endpoint e = endpoint("failover", 2, "primary", "secondary");
        String name = e.name();
        String topic = e.topic();
        String primary = e.keys().get(0);
        String secondary = e.keys().get(1);
        connectors.start(name, config(e, primary, secondary));
        List<ProducerRecord<byte[], byte[]>> first = routed(topic, name, 2, 0, 50, 100);
        produce(first);
        s.awaitCount(name, 50, DEADLINE);
        await("the first records committed").atMost(DEADLINE).until(() -> committed(kafka(), name) == 50);

        long mark = TestLogs.mark();
        s.revokeKey(name, primary); // like regenerating the primary key in the portal
        Instant revoked = Instant.now();
        List<ProducerRecord<byte[], byte[]>> second = routed(topic, name, 2, 50, 50, 100);
        produce(second);
        List<? extends Received> got = s.awaitCount(name, 100, DEADLINE);

        List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>(first);
        all.addAll(second);
        assertEachOnceInOrderPerPartition(all, got, 2);
        assertEquals(StandIn.fingerprint(secondary), got.get(99).keyFingerprint(), "the secondary key signed the last");
        Pattern took = Pattern.compile(name + ": delivering with the secondary key, (\\d+) ms after the endpoint refused a key");
        String measured = await("the task says which key it delivers with now").atMost(DEADLINE).until(() -> {
            Matcher m = took.matcher(TestLogs.readSince(mark));
            return m.find() ? Optional.of(m.group(1)) : Optional.<String>empty();
        }, Optional::isPresent).orElseThrow();
        assertEquals(1, lines(mark, name + ": the endpoint refused the primary key"), "one line per switch");
        reporter.publishEntry("figure", t.connector() + ": failover 401 -> first send with the secondary " + measured
            + " ms (task's measure); revoke -> first delivery " + Duration.between(revoked, got.get(50).receivedAt()).toMillis() + " ms");
        assertEquals(1, metricLong(name, "failovers-total"));
        assertEquals("secondary", metric(name, "active-key").orElseThrow());
        assertEquals(0, metricLong(name, "backing-off"), "failover needs no backoff");
        await("committed").atMost(DEADLINE).until(() -> committed(kafka(), name) == 100);
    }

    @Test
    void bothKeysRefusedBacksOffHoldsEverythingAndACorrectedKeyDeliversAll(TestReporter reporter) {
        Target t = target();
        StandIn<?> s = t.standIn();
        Endpoint e = endpoint("refused", 2, "good");
        String name = e.name();
        String topic = e.topic();
        Map<String, String> config = config(e, t.key(name + "-wrong-1"), t.key(name + "-wrong-2"));
        connectors.start(name, config);
        List<ProducerRecord<byte[], byte[]>> records = routed(topic, name, 2, 0, 40, 100);
        produce(records);

        await("the task backs off").atMost(DEADLINE).until(() -> metricLong(name, "backing-off") == 1);
        await("and keeps trying both keys").atMost(DEADLINE).until(() -> metricLong(name, "failovers-total") >= 3);
        assertEquals(0, s.count(name));
        assertTrue(connect().rest().connectorStatus(name).orElseThrow().isRunning(), "the task holds, it does not fail");
        assertEquals(0, committed(kafka(), name), "nothing committed while held");

        Map<String, String> fixed = new HashMap<>(config);
        fixed.put(DeliveryConfig.CONNECTION_STRING_CONFIG, t.connectionString(s, name, e.keys().get(0)));
        Instant put = Instant.now();
        connect().rest().putConnector(name, fixed);
        List<? extends Received> got = s.awaitCount(name, 40, DEADLINE);
        reporter.publishEntry("figure", t.connector() + ": PUT corrected key -> first delivery "
            + Duration.between(put, got.get(0).receivedAt()).toMillis() + " ms, -> all 40 delivered "
            + Duration.between(put, got.get(39).receivedAt()).toMillis() + " ms");
        assertEachOnceInOrderPerPartition(records, got, 2);
        await("offsets committed once delivered").atMost(DEADLINE).until(() -> committed(kafka(), name) == 40);
    }

    /**
     * An unreachable endpoint holds its records (nothing committed past them), another endpoint on
     * the same worker keeps delivering meanwhile, and once the endpoint is back every record arrives
     * once. What the worker logs meanwhile: no ERROR line, one line when the backoff starts and one
     * when it ends, none per retry. The outage lasts until the task has retried at least
     * {@value #RETRIES_DURING_OUTAGE} times: with the test's 200 ms initial backoff capped at 2 s and
     * 2 s attempts that is about 15 s, where the connector's defaults (1 s, capped at 30 minutes) take
     * 31 s of backoff alone for as many retries, about the 60 s outage with the attempts.
     * What is counted is lines per retry, so a longer outage with more retries would show nothing
     * the count does not.
     */
    @Test
    void anUnreachableEndpointIsHeldWithoutAnErrorPerRetryWhileAnotherKeepsDelivering(TestReporter reporter) {
        Target t = target();
        String name = connectorName("down");
        String steady = connectorName("steady");
        String downKey = t.key(name);
        try (StandIn<?> down = t.startAnother(name, downKey)) {
            String downTopic = "twin.egress." + name;
            kafka().createTopic(downTopic, 2);
            StandIn<?> s = t.standIn();
            Endpoint other = endpoint("steady", 2, "key");
            Map<String, String> downConfig = config(downTopic, down, name, t.connectionString(down, name, downKey), null);
            // an attempt against an endpoint that does not answer takes the try timeout (the base
            // plus the time batch.max.bytes takes on a slow link): 2 s here, not up to 19 s
            downConfig.put(DeliveryConfig.CLIENT_TRY_TIMEOUT_MS_CONFIG, "1000");
            downConfig.put(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, "65536");
            connectors.start(name, downConfig);
            connectors.start(steady, config(other, other.keys().get(0), null));
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(routed(downTopic, name, 2, 0, 20, 50));
            produce(records);
            down.awaitCount(name, 20, DEADLINE);
            // the task has seen the endpoint's answers (an answer cut off by the outage would be
            // sent again: delivery is at least once, and Event Grid has no duplicate detection)
            await("the first records committed").atMost(DEADLINE).until(() -> committed(kafka(), name) == 20);

            long mark = TestLogs.mark();
            down.goUnreachable();
            Instant wentDown = Instant.now();
            List<ProducerRecord<byte[], byte[]>> held = routed(downTopic, name, 2, 20, 30, 50);
            records.addAll(held);
            produce(held);
            await("the unreachable endpoint backs off").atMost(DEADLINE).until(() -> metricLong(name, "backing-off") == 1);
            Instant backingOff = Instant.now();
            List<ProducerRecord<byte[], byte[]>> meanwhile = routed(other.topic(), steady, 2, 0, 30, 50);
            produce(meanwhile);
            Instant produced = Instant.now();
            List<? extends Received> steadyGot = s.awaitCount(steady, 30, DEADLINE);
            await("retries during the outage").atMost(DEADLINE)
                .until(() -> metricLong(name, "backoff-attempts") >= RETRIES_DURING_OUTAGE);
            assertEquals(20, down.count(name));
            assertTrue(committed(kafka(), name) <= 20, "nothing committed past a held record");

            down.comeBack();
            Instant back = Instant.now();
            List<? extends Received> downGot = down.awaitCount(name, 50, DEADLINE);
            await("backoff over").atMost(DEADLINE).until(() -> metricLong(name, "backing-off") == 0);
            await("the end of the backoff is logged").atMost(DEADLINE)
                .until(() -> lines(mark, name + ": endpoint accepts records again") == 1);
            assertEachOnceInOrderPerPartition(records, downGot, 2);
            assertTrue(metricLong(name, "backoff-time-ms-total") > 0);
            await("committed").atMost(DEADLINE).until(() -> committed(kafka(), name) == 50);

            assertEquals(List.of(), errorLines(mark), "no ERROR line during the outage");
            assertEquals(1, lines(mark, name + ": endpoint unavailable"), "one line when the backoff starts");
            assertEquals(1, lines(mark, name + ": endpoint accepts records again"), "one line when it ends");
            assertEquals(0, lines(mark, "RetriableException"), "Connect logs no retry");
            reporter.publishEntry("figure", t.connector() + ": unreachable -> backing off "
                + Duration.between(wentDown, backingOff).toMillis() + " ms; meanwhile the other endpoint got 30 events "
                + Duration.between(produced, steadyGot.get(29).receivedAt()).toMillis() + " ms after they were produced; back -> "
                + "all held delivered " + Duration.between(back, downGot.get(49).receivedAt()).toMillis() + " ms; "
                + metricLong(name, "backoff-time-ms-total") + " ms of backoff, " + lines(mark, " WARN ") + " WARN lines");
            down.assertNoHandlerErrors();
        }
    }

    /** Retries the outage test waits for: enough that one line per retry could not go unseen. */
    static final int RETRIES_DURING_OUTAGE = 5;

    @Test
    void aThrottlingEndpointGetsEverythingAfterBackoffInOrder() {
        StandIn<?> s = target().standIn();
        Endpoint e = endpoint("throttled", 1, "key");
        String name = e.name();
        String topic = e.topic();
        Map<String, String> config = config(e, e.keys().get(0), null);
        config.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "10");
        connectors.start(name, config);
        long mark = TestLogs.mark();
        s.throttleNext(3);
        List<ProducerRecord<byte[], byte[]>> records = routed(topic, name, 1, 0, 60, 100);
        produce(records);
        List<? extends Received> got = s.awaitCount(name, 60, DEADLINE);
        assertEquals(ids(records), arrivedIds(got), "each once, in order");
        // the task logs the end of the backoff after the send returned, so possibly after the arrival
        await("the end of the backoff is logged").atMost(DEADLINE)
            .until(() -> lines(mark, name + ": endpoint accepts records again") == 1);
        assertEquals(1, lines(mark, name + ": endpoint unavailable"), "and its start, once");
        await("committed").atMost(DEADLINE).until(() -> committed(kafka(), name) == 60);
    }

    @Test
    void anEventTooLargeForTheTargetIsDeadLetteredWithTheReasonAndTheRestDelivered() {
        Target t = target();
        StandIn<?> s = t.tooLargeStandIn();
        String entity = t.tooLargeEntity();
        String name = connectorName("too-large");
        String topic = "twin.egress." + name;
        kafka().createTopic(topic, 1);
        String key = t.key(name);
        s.addKey(name, key);
        List<ProducerRecord<byte[], byte[]>> rest = new ArrayList<>(routed(topic, name, 1, 0, 4, 100));
        ProducerRecord<byte[], byte[]> big = routed(topic, name, 1, 4, 1, t.tooLargePadding()).get(0);
        rest.addAll(routed(topic, name, 1, 5, 5, 100));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(rest.subList(0, 4));
        records.add(big);
        records.addAll(rest.subList(4, 9));
        produce(records);
        connectors.start(name, config(topic, s, entity, t.connectionString(s, name, key), null));

        List<? extends Received> got = s.awaitCount(entity, 9, DEADLINE);
        assertEquals(ids(rest), arrivedIds(got), "the rest, in order");
        List<ConsumerRecord<byte[], byte[]>> dead = kafka().consume(topic + ".dlq", 1, DEADLINE);
        assertEquals(1, dead.size());
        assertArrayEquals(big.value(), dead.get(0).value(), "the original record");
        String reason = new String(dead.get(0).headers().lastHeader("__connect.errors.exception.message").value(),
            StandardCharsets.UTF_8);
        assertTrue(reason.contains(t.tooLargeReason()), reason);
        await("committed past the dead-lettered record").atMost(DEADLINE).until(() -> committed(kafka(), name) == 10);
        assertEquals(1, metricLong(name, "dead-lettered-records-total"));
        assertEquals(9, s.count(entity), "nothing twice");
    }

    /**
     * Two connectors sending to one entity with one primary key share the worker's connection (on
     * the AMQP stand-in: one connection for both), and each still keeps its own keys and backoff:
     * deleting one leaves the other delivering on the shared connection; when the shared primary is
     * revoked each fails over to its own secondary; when one's secondary is refused too, that one
     * backs off and holds its records while the other keeps delivering, undisturbed; once its key is
     * back it delivers all it held. Each record once, in order.
     */
    @Test
    void twoConnectorsSharingAConnectionFailOverAndBackOffEachOnItsOwn() {
        Target t = target();
        StandIn<?> s = t.standIn();
        Endpoint a = endpoint("shared-a", 1, "primary", "secondary-a", "secondary-b");
        String entity = a.name();
        String b = connectorName("shared-b");
        String bTopic = "twin.egress." + b;
        kafka().createTopic(bTopic, 1);
        String primary = a.keys().get(0);
        String secondaryA = a.keys().get(1);
        String secondaryB = a.keys().get(2);
        Map<String, String> bConfig = config(bTopic, s, entity, t.connectionString(s, entity, primary),
            t.connectionString(s, entity, secondaryB));
        connectors.start(a.name(), config(a.topic(), s, entity, t.connectionString(s, entity, primary),
            t.connectionString(s, entity, secondaryA)));
        connectors.start(b, bConfig);
        List<ProducerRecord<byte[], byte[]>> toA = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> toB = new ArrayList<>();
        produceMore(toA, a.topic(), a.name(), 10);
        produceMore(toB, bTopic, b, 10);
        awaitArrivals(s, entity, a.name(), 10);
        awaitArrivals(s, entity, b, 10);
        if (s instanceof io.twinegress.emulators.amqp.AmqpEmulator amqp) {
            await("both connectors on one AMQP connection").atMost(DEADLINE).until(() -> amqp.openConnections() == 1);
        }

        // deleting one connector closes its client, not the connection the other one uses
        await("b committed").atMost(DEADLINE).until(() -> committed(kafka(), b) == 10);
        connect().rest().deleteConnector(b);
        await("b is gone").atMost(DEADLINE).until(() -> connect().rest().connectorStatus(b).isEmpty());
        produceMore(toA, a.topic(), a.name(), 10);
        awaitArrivals(s, entity, a.name(), 20);
        connectors.start(b, bConfig);

        // the shared primary is revoked: each fails over to its own secondary
        s.revokeKey(entity, primary);
        produceMore(toA, a.topic(), a.name(), 10);
        produceMore(toB, bTopic, b, 10);
        List<Received> gotA = awaitArrivals(s, entity, a.name(), 30);
        List<Received> gotB = awaitArrivals(s, entity, b, 20);
        assertEquals(StandIn.fingerprint(secondaryA), gotA.get(29).keyFingerprint(), "a on its own secondary");
        assertEquals(StandIn.fingerprint(secondaryB), gotB.get(19).keyFingerprint(), "b on its own secondary");
        assertEquals(1, metricLong(a.name(), "failovers-total"));
        assertEquals(1, metricLong(b, "failovers-total"));

        // b's secondary is refused too: b backs off and holds; a keeps delivering, undisturbed
        s.revokeKey(entity, secondaryB);
        produceMore(toB, bTopic, b, 10);
        await("b backs off").atMost(DEADLINE).until(() -> metricLong(b, "backing-off") == 1);
        produceMore(toA, a.topic(), a.name(), 10);
        gotA = awaitArrivals(s, entity, a.name(), 40);
        assertEquals(StandIn.fingerprint(secondaryA), gotA.get(39).keyFingerprint());
        assertEquals(0, metricLong(a.name(), "backing-off"), "a never waited for b");
        assertEquals(1, metricLong(a.name(), "failovers-total"), "a stayed on its key");
        assertEquals(20, arrivals(s, entity, b).size(), "b held its records");
        assertTrue(committed(kafka(), b) <= 20, "nothing committed past a held record");

        // b's key is back: it delivers everything it held
        s.addKey(entity, secondaryB);
        gotB = awaitArrivals(s, entity, b, 30);
        await("b's backoff over").atMost(DEADLINE).until(() -> metricLong(b, "backing-off") == 0);
        assertEachOnceInOrderPerPartition(toA, gotA, 1);
        assertEachOnceInOrderPerPartition(toB, gotB, 1);
        await("both committed").atMost(DEADLINE).until(() -> committed(kafka(), a.name()) == 40 && committed(kafka(), b) == 30);
    }

    /** Produces {@code n} more routed records for {@code endpoint}, numbered on from those in {@code sent}. */
    private void produceMore(List<ProducerRecord<byte[], byte[]>> sent, String topic, String endpoint, int n) {
        List<ProducerRecord<byte[], byte[]>> more = routed(topic, endpoint, 1, sent.size(), n, 50);
        produce(more);
        sent.addAll(more);
    }

    /** What arrived at {@code entity} from {@code endpoint}'s connector (its event ids start with its name). */
    private List<Received> arrivals(StandIn<?> s, String entity, String endpoint) {
        List<Received> out = new ArrayList<>();
        for (Received r : s.received(entity)) {
            if (target().eventId(r).startsWith(endpoint + "-")) {
                out.add(r);
            }
        }
        return out;
    }

    private List<Received> awaitArrivals(StandIn<?> s, String entity, String endpoint, int n) {
        await(endpoint + ": " + n + " arrived").atMost(DEADLINE).until(() -> arrivals(s, entity, endpoint).size() >= n);
        List<Received> got = arrivals(s, entity, endpoint);
        assertEquals(n, got.size(), endpoint + ": nothing twice");
        return got;
    }

    /** A connector (and entity, topic, key scope) name unique to this test and target. */
    private String connectorName(String scenario) {
        return target().connector().replace("SinkConnector", "").toLowerCase() + "-" + scenario;
    }
}
