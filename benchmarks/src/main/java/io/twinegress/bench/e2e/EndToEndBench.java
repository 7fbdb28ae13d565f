package io.twinegress.bench.e2e;

import io.twinegress.bench.Ctx;
import io.twinegress.bench.connect.BenchWorker;
import io.twinegress.bench.connect.StandIns;
import io.twinegress.bench.infra.Topics;
import io.twinegress.bench.load.Events;
import io.twinegress.bench.report.Measure;
import io.twinegress.bench.streams.StreamsBench;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.eventgrid.ReceivedEvent;
import io.twinegress.localstack.connect.ConnectWorker;
import io.twinegress.localstack.router.RouterProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Figure 11, the whole pipeline: events produced to the router's input topics → the router
 * (exactly_once_v2, default commit interval) → one sink connector per endpoint in a Connect worker
 * (their defaults, one task each) → arrival at the stand-in. The four sample endpoints of the seed
 * ({@code servicebus}, {@code eventgrid}, {@code eventhub} taking SensorChange, SpaceChange and
 * TopologyOperation; {@code devicemessages} an Event Hub taking raw telemetry), registered through
 * {@code twin.endpoints} as an operator does. Three of every four input records are events (each
 * delivered three times: one per event endpoint), the fourth a device message (delivered once).
 *
 * <ul>
 *   <li>maximum rate: a burst of input records produced as fast as the producer goes (faster than
 *       the pipeline), rate = input records ÷ (last arrival at any stand-in − first produce);</li>
 *   <li>latency at half of that rate: each delivery's stand-in arrival − the moment its input record
 *       was produced (one clock: the stand-ins run in the suite's JVM), per target, after a warm-up.</li>
 * </ul>
 */
public final class EndToEndBench implements AutoCloseable {

    private static final String PREFIX = "bench.e2e.";
    private static final String EVENTS = PREFIX + "events";
    private static final String DEVICE = PREFIX + "device-messages";
    private static final String EGRESS = PREFIX + "egress.";
    private static final String SB = "e2e-sb";
    private static final String EH = "e2e-eh";
    private static final String EH_DM = "e2e-eh-dm";
    private static final String EG = "e2e-eg";
    private static final String[] TYPES = {"SensorChange", "SpaceChange", "TopologyOperation"};

    /** The four sample endpoints, in the order of the report. */
    public enum Target {
        SERVICE_BUS("servicebus", "Service Bus"), EVENT_GRID("eventgrid", "Event Grid"), EVENT_HUBS("eventhub", "Event Hubs"),
        DEVICE_MESSAGES("devicemessages", "Event Hubs, raw telemetry");

        public final String id;
        public final String label;

        Target(String id, String label) {
            this.id = id;
            this.label = label;
        }
    }

    /** What one latency run showed per target, and the rate it ran at. */
    public record Latency(Map<Target, Measure> byTarget, double inputRate) {
    }

    private final Ctx ctx;
    private final AmqpEmulator amqp;
    private final EventGridEmulator eventGrid;
    private final String key;
    private ConnectWorker worker;
    private RouterProcess router;
    /** When input record {@code seq} was produced (epoch ms), for every seq produced so far. */
    private long[] sentAt = new long[1 << 16];
    private long seq;

    public EndToEndBench(Ctx ctx) {
        this.ctx = ctx;
        this.key = StandIns.newKey();
        this.amqp = AmqpEmulator.builder().serviceBusTopic(SB).eventHub(EH, 4).eventHub(EH_DM, 4)
            .key(StandIns.KEY_NAME, key).start();
        this.eventGrid = EventGridEmulator.builder().topic(EG).key(key).start();
    }

    /** Starts the router and the worker, registers the four endpoints and their connectors, and waits until each delivers. */
    public void start(StreamsBench streams) throws Exception {
        Topics.create(ctx.admin(), List.of(EVENTS, DEVICE), ctx.sizes().partitions(), Map.of());
        Topics.create(ctx.admin(), List.of(PREFIX + "endpoints", PREFIX + "status", PREFIX + "replay"), 1, Topics.COMPACTED);
        Map<String, String> p = streams.streamsProps(PREFIX, "exactly_once_v2");
        p.put("twin.input.topics", EVENTS);
        p.put("twin.device.messages.topic", DEVICE);
        p.put("twin.endpoints.topic", PREFIX + "endpoints");
        p.put("twin.endpoints.status.topic", PREFIX + "status");
        p.put("twin.endpoints.replay.topic", PREFIX + "replay");
        p.put("twin.dlq.topic", PREFIX + "dlq");
        p.put("twin.egress.topic.prefix", EGRESS);
        p.put("twin.egress.topic.partitions", Integer.toString(ctx.sizes().partitions()));
        router = streams.startRouter("router-e2e", p, List.of());
        worker = BenchWorker.start(ctx, List.of());
        String events = "[\"SensorChange\",\"SpaceChange\",\"TopologyOperation\"]";
        try (KafkaProducer<byte[], byte[]> producer = Events.producer(ctx.bootstrap(), 0)) {
            endpoint(producer, Target.SERVICE_BUS, "{\"type\":\"ServiceBus\",\"eventTypes\":" + events + ",\"path\":\"" + SB + "\"}");
            endpoint(producer, Target.EVENT_GRID, "{\"type\":\"EventGrid\",\"eventTypes\":" + events + ",\"path\":\"e2e.eventgrid.local\"}");
            endpoint(producer, Target.EVENT_HUBS, "{\"type\":\"EventHub\",\"eventTypes\":" + events + ",\"path\":\"" + EH + "\"}");
            endpoint(producer, Target.DEVICE_MESSAGES, "{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"" + EH_DM + "\"}");
        }
        awaitTopics();
        connector(Target.SERVICE_BUS, "ServiceBusSinkConnector", amqp.connectionString(StandIns.KEY_NAME, key), SB);
        connector(Target.EVENT_GRID, "EventGridSinkConnector", key, eventGrid.endpoint(EG));
        connector(Target.EVENT_HUBS, "EventHubsSinkConnector", amqp.connectionString(StandIns.KEY_NAME, key, EH), EH);
        connector(Target.DEVICE_MESSAGES, "EventHubsSinkConnector", amqp.connectionString(StandIns.KEY_NAME, key, EH_DM), EH_DM);
        // Warm the whole path: a trickle until every target has received something.
        try (KafkaProducer<byte[], byte[]> producer = Events.producer(ctx.bootstrap(), 0)) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!everyTargetReceived()) {
                for (int i = 0; i < 4; i++) {
                    send(producer);
                }
                Thread.sleep(50);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not every target received an event in 3 minutes: " + counts() + "; see "
                        + worker.process().log() + " and " + router.process().log());
                }
            }
        }
        awaitDeliveries(deliveries(seq), Duration.ofMinutes(1));   // nothing of the warm-up left in flight
    }

    private void endpoint(KafkaProducer<byte[], byte[]> producer, Target t, String json) throws Exception {
        producer.send(new ProducerRecord<>(PREFIX + "endpoints", t.id.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)))
            .get(30, TimeUnit.SECONDS);
    }

    private void awaitTopics() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            var names = ctx.admin().listTopics().names().get(10, TimeUnit.SECONDS);
            boolean all = true;
            for (Target t : Target.values()) {
                all &= names.contains(EGRESS + t.id);
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the router did not create the egress topics in a minute, see " + router.process().log());
            }
            Thread.sleep(50);
        }
    }

    /** Each connector's config as {@link #start} PUT it, to be PUT again with extra keys. */
    private final Map<Target, Map<String, String>> configs = new LinkedHashMap<>();

    /**
     * PUTs every connector's config again with {@code extra} on top of the defaults (empty: the defaults
     * again) and waits until every target receives once more (the tasks restart).
     */
    public void reconfigure(Map<String, String> extra) throws Exception {
        for (Map.Entry<Target, Map<String, String>> e : configs.entrySet()) {
            Map<String, String> c = new HashMap<>(e.getValue());
            c.putAll(extra);
            worker.rest().putConnector("e2e-" + e.getKey().id, c);
        }
        clear();
        try (KafkaProducer<byte[], byte[]> producer = Events.producer(ctx.bootstrap(), 0)) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!everyTargetReceived()) {
                for (int i = 0; i < 4; i++) {
                    send(producer);
                }
                Thread.sleep(50);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("after a reconfiguration not every target received in 2 minutes: " + counts());
                }
            }
        }
        awaitDeliveries(deliveries(seq) - deliveries(seqAtClear), Duration.ofMinutes(1));
    }

    private void connector(Target t, String connectorClass, String connectionString, String path) throws Exception {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", connectorClass);
        c.put("tasks.max", "1");
        c.put("topics", EGRESS + t.id);
        c.put("connection.string", connectionString);
        c.put("path", path);
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", PREFIX + t.id + ".dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        configs.put(t, Map.copyOf(c));
        worker.rest().putConnector("e2e-" + t.id, c);
    }

    /** Input record {@code seq}: three events of every four (types in turn), the fourth a device message (same JSON, raw). */
    private void send(KafkaProducer<byte[], byte[]> producer) {
        long s = seq++;
        if (s >= sentAt.length) {
            sentAt = java.util.Arrays.copyOf(sentAt, sentAt.length * 2);
        }
        long now = System.currentTimeMillis();
        sentAt[(int) s] = now;
        String topic = s % 4 == 3 ? DEVICE : EVENTS;
        byte[] value = Events.event(TYPES[(int) (s % 4) % 3], s, Events.RECORD_BYTES);
        producer.send(new ProducerRecord<>(topic, null, now, Events.key(s), value));
    }

    private static int deliveries(long inputRecords) {
        long events = inputRecords / 4 * 3 + Math.min(3, inputRecords % 4);
        return (int) (events * 3 + (inputRecords - events));
    }

    /**
     * The maximum rate: {@code n} input records as fast as the producer sends them; input records ÷
     * (last arrival − first produce). Returns {input records/s, deliveries/s}.
     */
    public double[] maxRate(int n) throws Exception {
        clear();
        long first;
        long from = seq;
        try (KafkaProducer<byte[], byte[]> producer = Events.producer(ctx.bootstrap(), 5)) {
            first = System.currentTimeMillis();
            for (int i = 0; i < n; i++) {
                send(producer);
            }
            producer.flush();
        }
        int expected = deliveries(seq) - deliveries(from);
        awaitDeliveries(expected, Duration.ofMinutes(5));
        long last = lastArrival();
        double seconds = Math.max(1, last - first) / 1000.0;
        return new double[] {n / seconds, expected / seconds};
    }

    /** Latency at {@code rate} input records/s: a warm-up window, then {@code windows} windows; all their deliveries count. */
    public Latency latency(double rate, int windowSeconds, int windows) throws Exception {
        clear();
        long measuredFrom;
        try (KafkaProducer<byte[], byte[]> producer = Events.producer(ctx.bootstrap(), 5)) {
            long startNs = System.nanoTime();
            long startMs = System.currentTimeMillis();
            measuredFrom = Long.MAX_VALUE;
            long end = startMs + (long) (windows + 1) * windowSeconds * 1000;
            long n = 0;
            while (System.currentTimeMillis() < end) {
                long due = (long) ((System.nanoTime() - startNs) / 1e9 * rate);
                while (n < due) {
                    if (measuredFrom == Long.MAX_VALUE && System.currentTimeMillis() >= startMs + windowSeconds * 1000L) {
                        measuredFrom = seq;
                    }
                    send(producer);
                    n++;
                }
                Thread.sleep(1);
            }
            producer.flush();
        }
        // Every delivery of the records sent in this run (the counts were cleared at its start).
        awaitDeliveries(deliveries(seq) - deliveries(seqAtClear), Duration.ofMinutes(2));
        Map<Target, Measure> out = new LinkedHashMap<>();
        for (Target t : Target.values()) {
            Measure m = new Measure("ms");
            for (long[] a : arrivals(t)) {
                if (a[0] >= measuredFrom) {
                    m.add(a[1] - sentAt[(int) a[0]]);
                }
            }
            out.put(t, m);
        }
        return new Latency(out, rate);
    }

    private long seqAtClear;

    private void clear() {
        amqp.clear();
        eventGrid.clear();
        seqAtClear = seq;
    }

    /** Per delivery to {@code t}: {input seq, arrival epoch ms}. */
    private List<long[]> arrivals(Target t) {
        List<long[]> out = new ArrayList<>();
        switch (t) {
            case EVENT_GRID -> {
                for (ReceivedEvent e : eventGrid.received(EG)) {
                    out.add(new long[] {Events.seqOf(e.id()), e.receivedAt().toEpochMilli()});
                }
            }
            default -> {
                for (ReceivedMessage m : amqp.received(entity(t))) {
                    out.add(new long[] {Events.seqOf(idInBody(m.body())), m.receivedAt().toEpochMilli()});
                }
            }
        }
        return out;
    }

    /** The id of an event written by {@link Events#event}: its first field. */
    private static String idInBody(byte[] body) {
        String head = new String(body, 0, Math.min(body.length, 64), StandardCharsets.UTF_8);
        int from = head.indexOf("\"id\":\"") + 6;
        return head.substring(from, head.indexOf('"', from));
    }

    private static String entity(Target t) {
        return switch (t) {
            case SERVICE_BUS -> SB;
            case EVENT_HUBS -> EH;
            case DEVICE_MESSAGES -> EH_DM;
            case EVENT_GRID -> EG;
        };
    }

    private boolean everyTargetReceived() {
        return amqp.count(SB) > 0 && amqp.count(EH) > 0 && amqp.count(EH_DM) > 0 && eventGrid.count(EG) > 0;
    }

    private long delivered() {
        return (long) amqp.count(SB) + amqp.count(EH) + amqp.count(EH_DM) + eventGrid.count(EG);
    }

    private String counts() {
        return "Service Bus " + amqp.count(SB) + ", Event Hubs " + amqp.count(EH) + ", raw telemetry " + amqp.count(EH_DM)
            + ", Event Grid " + eventGrid.count(EG);
    }

    private void awaitDeliveries(long expected, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (delivered() < expected) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("only " + delivered() + " of " + expected + " deliveries (" + counts() + "); see "
                    + worker.process().log() + " and " + router.process().log());
            }
            if (!router.process().isAlive() || !worker.process().isAlive()) {
                throw new IllegalStateException("the router or the worker exited; see " + worker.process().log() + " and "
                    + router.process().log());
            }
            Thread.sleep(20);
        }
    }

    private long lastArrival() {
        long last = 0;
        for (Target t : Target.values()) {
            for (long[] a : arrivals(t)) {
                last = Math.max(last, a[1]);
            }
        }
        return last;
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.process().stop(Duration.ofSeconds(20));
        }
        if (router != null) {
            router.process().stop(Duration.ofSeconds(20));
        }
        amqp.close();
        eventGrid.close();
        Topics.deleteByPrefix(ctx.admin(), PREFIX);
        Topics.deleteGroupsByPrefix(ctx.admin(), PREFIX);
        Topics.deleteGroupsByPrefix(ctx.admin(), "connect-e2e-");
    }
}
