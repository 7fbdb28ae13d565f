package io.twinegress.bench.connect;

import io.twinegress.bench.Ctx;
import io.twinegress.bench.infra.OutputWatch;
import io.twinegress.bench.infra.PeakRss;
import io.twinegress.bench.infra.Topics;
import io.twinegress.bench.load.Events;
import io.twinegress.bench.report.Measure;
import io.twinegress.emulators.Received;
import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.emulators.eventgrid.ReceivedEvent;
import io.twinegress.localstack.connect.ConnectWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Figure 5 (each connector in a real Connect worker vs the raw SDK loop, same records, same stand-in),
 * the Connect half of figure 7 (the worker's peak RSS per connector run) and figure 6's failover and
 * key-update times. Delivery throughput on both sides = records / (stand-in arrival time of the last −
 * that of the first).
 */
public final class ConnectBench implements AutoCloseable {

    public record Throughput(double recordsPerSec, double workerPeakRssMib, double readAlonePerSec) {
    }

    private final Ctx ctx;
    private final StandIns standIns;
    private final ConnectWorker worker;
    private final String primary;
    private final String secondary;
    private int seq;

    private ConnectBench(Ctx ctx, StandIns standIns, ConnectWorker worker, String primary, String secondary) {
        this.ctx = ctx;
        this.standIns = standIns;
        this.worker = worker;
        this.primary = primary;
        this.secondary = secondary;
    }

    public static ConnectBench start(Ctx ctx, List<String> extraWorkerJvmArgs) throws Exception {
        String k1 = StandIns.newKey();
        String k2 = StandIns.newKey();
        StandIns s = StandIns.start(k1, k2);
        try {
            return new ConnectBench(ctx, s, BenchWorker.start(ctx, extraWorkerJvmArgs), k1, k2);
        } catch (Exception e) {
            s.close();
            throw e;
        }
    }

    /**
     * Figure 14's bench: the stand-ins over TLS with a local identity provider ({@link StandIns#startOverTls}),
     * and a worker of its own (its own group and topics) that trusts their certificate. {@link #connector}
     * then sends with the keys to the TLS listeners, {@link #connectorWithIdentity} as the service principal.
     */
    public static ConnectBench startOverTls(Ctx ctx, List<String> extraWorkerJvmArgs) throws Exception {
        String k1 = StandIns.newKey();
        String k2 = StandIns.newKey();
        StandIns s = StandIns.startOverTls(k1, k2);
        try {
            List<String> jvm = new ArrayList<>(extraWorkerJvmArgs);
            jvm.addAll(s.trustJvmFlags());
            return new ConnectBench(ctx, s, BenchWorker.start(ctx, jvm, "bench-connect-tls"), k1, k2);
        } catch (Exception e) {
            s.close();
            throw e;
        }
    }

    public StandIns standIns() {
        return standIns;
    }

    public ConnectWorker worker() {
        return worker;
    }

    /** The connector config: production defaults (batching, backoff, client retries), one task, a dead-letter topic. */
    Map<String, String> config(StandIns.Target t, String topic, String primaryKey, String secondaryKey) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", t.connectorClass);
        c.put("tasks.max", "1");
        c.put("topics", topic);
        c.put("connection.string", standIns.connectionString(t, primaryKey));
        c.put("secondary.connection.string", standIns.connectionString(t, secondaryKey));
        c.put("path", standIns.path(t));
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", topic + ".dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        if (Boolean.getBoolean(MESSAGE_MODEL_PROPERTY)) {
            c.putAll(messageModel(t));
        }
        return c;
    }

    /** Set by {@code Suite --message-model}: the connector runs with every message-model option on. */
    public static final String MESSAGE_MODEL_PROPERTY = "twin-egress.bench.message-model";

    /**
     * Every Service Bus message-model key on, reading the router's headers (SessionId from the key,
     * so batches stay per key as without; the ScheduledEnqueueTime header is looked up and absent);
     * Event Hubs' partition id header, looked up and absent (every header the events carry has one
     * value or one per record, which would change the batching being compared).
     */
    static Map<String, String> messageModel(StandIns.Target t) {
        return switch (t) {
            case SERVICE_BUS -> Map.of(
                "session.id.source", "record-key",
                "time.to.live.ms", "3600000",
                "correlation.id.header", "twin-egress.event-id",
                "reply.to.header", "twin-egress.endpoint-id",
                "scheduled.enqueue.time.header", "bench.not-before",
                "properties.include", "twin-egress.*",
                "properties.exclude", "twin-egress.source-*");
            case EVENT_HUBS -> Map.of("partition.id.header", "bench.partition");
            case EVENT_GRID -> Map.of();
        };
    }

    /**
     * Figure 6's config: the defaults except {@code client.max.retries=0} (as the connector ITs use).
     * With the default (1), a Service Bus send in flight when the stand-in drops the connection of a
     * revoked key fails inside the SDK's retry with {@code IllegalArgumentException: bound must be
     * greater than origin} (reactor's RetryBackoffSpec), which the connector does not classify as
     * transient: the task dies (FAILED) instead of failing over. Reported in docs/benchmarks.md.
     */
    Map<String, String> timingConfig(StandIns.Target t, String topic, String primaryKey, String secondaryKey) {
        Map<String, String> c = config(t, topic, primaryKey, secondaryKey);
        c.put("client.max.retries", "0");
        return c;
    }

    /** One connector run: a fresh topic filled with {@code n} egress records, a fresh connector, until all arrived. */
    public Throughput connector(StandIns.Target t) throws Exception {
        return connector(t, false);
    }

    /**
     * As {@link #connector(StandIns.Target)}, with {@code event.format=cloudevents} when {@code cloudEvents}
     * (Service Bus and Event Hubs in the default binary mode; Event Grid to a CloudEvents-schema topic).
     */
    public Throughput connector(StandIns.Target t, boolean cloudEvents) throws Exception {
        return connector(t, cloudEvents, config -> {
        });
    }

    /**
     * As {@link #connector(StandIns.Target)} with {@code auth.mode=entra-id}: no connection string, the
     * stand-ins' service principal (client secret) against their identity provider, to the same TLS
     * listener the keys use on this bench ({@link #startOverTls}).
     */
    public Throughput connectorWithIdentity(StandIns.Target t) throws Exception {
        return connector(t, false, config -> {
            config.remove("connection.string");
            config.remove("secondary.connection.string");
            config.putAll(standIns.identityConfig(t));
        });
    }

    private Throughput connector(StandIns.Target t, boolean cloudEvents, Consumer<Map<String, String>> auth) throws Exception {
        int n = ctx.sizes().connectorRecords();
        String name = "bench-c" + (seq++) + "-" + t.name().toLowerCase().replace('_', '-');
        String topic = "bench.connect." + name;
        Topics.create(ctx.admin(), topic, ctx.sizes().partitions(), Map.of());
        Events.fill(ctx.bootstrap(), topic, n, "SensorChange", true);
        standIns.clear();
        PeakRss.reset(worker.process().pid());
        try {
            double rate;
            double peak;
            Map<String, String> config = config(t, topic, primary, secondary);
            if (cloudEvents) {
                config.put("event.format", "cloudevents");
                config.put("path", standIns.cloudEventsPath(t));
            }
            auth.accept(config);
            worker.rest().putConnector(name, config);
            try {
                awaitCount(t, cloudEvents, n, Duration.ofMinutes(5), name);
                peak = PeakRss.mib(worker.process().pid());
                List<? extends Received> arrivals = standIns.arrivals(t, cloudEvents);
                if (standIns.overTls()) {
                    requireTls(t, arrivals, name);
                }
                rate = n / spanSeconds(arrivals);
            } finally {
                worker.rest().deleteConnector(name); // before the read-alone run, so it competes with nothing
            }
            return new Throughput(rate, peak, readAlone(topic, n));
        } finally {
            Topics.deleteByPrefix(ctx.admin(), topic);
        }
    }

    /**
     * What reading the connector's input costs on this machine, without Connect or an endpoint: a
     * plain consumer (read_committed, Connect's default of 500 records per poll) reads the same
     * topic from its beginning; records / (last poll − first poll with records). The raw SDK loop
     * never reads from Kafka; the connector must, on the same cores.
     */
    double readAlone(String topic, int n) {
        // Connect's default of 500 records per poll
        try (KafkaConsumer<byte[], byte[]> consumer = OutputWatch.consumer(ctx.bootstrap(), 500)) {
            List<TopicPartition> tps = OutputWatch.partitions(consumer, List.of(topic));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long count = 0;
            long first = 0;
            long last = 0;
            long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (count < n) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("read alone: only " + count + " of " + n + " records of " + topic);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    long now = System.nanoTime();
                    if (count == 0) {
                        first = now;
                    }
                    last = now;
                    count += records.count();
                }
            }
            return n / (Math.max(1_000_000L, last - first) / 1e9);
        }
    }

    /** One raw-loop run: the same {@code n} records through the plain SDK loop. */
    public double raw(StandIns.Target t) throws Exception {
        int n = ctx.sizes().connectorRecords();
        List<RawSdkLoop.Rec> records = RawSdkLoop.records(n, "SensorChange", "bench.raw");
        try (RawSdkLoop.Sender sender = RawSdkLoop.sender(t, standIns, primary)) {
            standIns.clear();
            sender.send(records);
            awaitCount(t, n, Duration.ofMinutes(5), "raw loop");
            return n / spanSeconds(standIns.arrivals(t));
        }
    }

    /** One run of the async SDK client with up to {@code inFlight} batches on the wire, the same records and batches. */
    public double async(StandIns.Target t, int inFlight) throws Exception {
        int n = ctx.sizes().connectorRecords();
        List<RawSdkLoop.Rec> records = RawSdkLoop.records(n, "SensorChange", "bench.raw");
        try (RawSdkLoop.Sender sender = AsyncSdkLoop.sender(t, standIns, primary, inFlight)) {
            standIns.clear();
            sender.send(records);
            awaitCount(t, n, Duration.ofMinutes(5), "async SDK loop");
            return n / spanSeconds(standIns.arrivals(t));
        }
    }

    /** The stand-in's ingest ceiling: every batch built before the timed part, {@code inFlight} on the wire at once. */
    public double limit(StandIns.Target t, int inFlight) throws Exception {
        int n = ctx.sizes().connectorRecords();
        List<RawSdkLoop.Rec> records = RawSdkLoop.records(n, "SensorChange", "bench.raw");
        try (AsyncSdkLoop.Prepared sender = AsyncSdkLoop.limit(t, standIns, primary, inFlight)) {
            sender.prepare(records);
            standIns.clear();
            sender.send(records);
            awaitCount(t, n, Duration.ofMinutes(5), "stand-in limit");
            return n / spanSeconds(standIns.arrivals(t));
        }
    }

    private void awaitCount(StandIns.Target t, int n, Duration deadline, String what) throws InterruptedException {
        awaitCount(t, false, n, deadline, what);
    }

    private void awaitCount(StandIns.Target t, boolean cloudEvents, int n, Duration deadline, String what) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (standIns.count(t, cloudEvents) < n) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(what + ": only " + standIns.count(t, cloudEvents) + " of " + n + " arrived at the " + t.label
                    + " stand-in; connector status " + status(what) + ", worker log " + worker.process().log());
            }
            Thread.sleep(20);
        }
    }

    /** What the comparison rests on: every record of the run came in over TLS (keys and identity alike). */
    private static void requireTls(StandIns.Target t, List<? extends Received> arrivals, String name) {
        long plain = arrivals.stream().filter(r -> !(r instanceof ReceivedEvent e ? e.overTls() : ((ReceivedMessage) r).overTls())).count();
        if (plain > 0) {
            throw new IllegalStateException(name + ": " + plain + " of " + arrivals.size() + " records reached the " + t.label
                + " stand-in without TLS");
        }
    }

    /** The connector's and its tasks' states, for an error message. */
    private String status(String name) {
        try {
            return worker.rest().connectorStatus(name).map(s -> s.summary()).orElse("no connector");
        } catch (Exception e) {
            return "unknown (" + e + ")";
        }
    }

    private static double spanSeconds(List<? extends Received> arrivals) {
        Instant first = arrivals.stream().map(Received::receivedAt).min(Instant::compareTo).orElseThrow();
        Instant last = arrivals.stream().map(Received::receivedAt).max(Instant::compareTo).orElseThrow();
        return Math.max(1, Duration.between(first, last).toMillis()) / 1000.0;
    }

    /**
     * Figure 6 for one connector: with a trickle of records flowing, the key in use is revoked
     * ({@code trials + 1} times, alternating, the first a warm-up) — failover = first arrival signed
     * with the other key − the stand-in's first refusal after the revocation; then the keys are
     * replaced by new ones and the connector's config PUT with them — key update = first arrival
     * signed with a new key − the PUT.
     */
    public Measure[] failoverAndKeyUpdate(StandIns.Target t, int trials) throws Exception {
        Measure failover = new Measure("ms");
        Measure keyUpdate = new Measure("ms");
        String name = "bench-fo" + (seq++) + "-" + t.name().toLowerCase().replace('_', '-');
        String topic = "bench.connect." + name;
        Topics.create(ctx.admin(), topic, 1, Map.of());
        standIns.setKeys(t, primary, secondary);
        standIns.clear();
        AtomicBoolean stop = new AtomicBoolean();
        Thread trickle = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> p = Events.producer(ctx.bootstrap(), 0)) {
                long i = 0;
                while (!stop.get()) {
                    p.send(new ProducerRecord<>(topic, null, Events.key(i), Events.event("SensorChange", i, Events.RECORD_BYTES),
                        Events.egressHeaders("SensorChange", i, topic)));
                    i++;
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "failover-trickle");
        trickle.start();
        String a = primary;
        String b = secondary;
        try {
            worker.rest().putConnector(name, timingConfig(t, topic, a, b));
            awaitCount(t, 1, Duration.ofMinutes(2), name);
            String inUse = a;
            for (int k = 0; k <= trials; k++) {
                String other = inUse.equals(a) ? b : a;
                long refusedBefore = standIns.refusals(t);
                Instant t0 = Instant.now();
                standIns.setKeys(t, other);
                Instant refused = null;
                Instant ok = null;
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                String fp = StandIn.fingerprint(other);
                while (ok == null) {
                    if (refused == null && standIns.refusals(t) > refusedBefore) {
                        refused = Instant.now();
                    }
                    ok = firstArrival(t, fp, t0);
                    if (System.nanoTime() > end) {
                        throw new IllegalStateException(name + ": no delivery with the other key within 60 s; " + status(name));
                    }
                    Thread.sleep(1);
                }
                Instant from = refused == null || refused.isAfter(ok) ? t0 : refused;
                double ms = Duration.between(from, ok).toNanos() / 1e6;
                ctx.progress("fig 6 failover %s trial %d: %.0f ms (key refused → first send on the other key)%s", t.label, k, ms,
                    k == 0 ? " (warm-up)" : "");
                if (k > 0) {
                    failover.add(ms);
                }
                inUse = other;
                standIns.setKeys(t, a, b);
                Thread.sleep(300);
            }
            for (int k = 0; k <= trials; k++) {
                String n1 = StandIns.newKey();
                String n2 = StandIns.newKey();
                long refusedBefore = standIns.refusals(t);
                standIns.setKeys(t, n1, n2);
                long waitEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (standIns.refusals(t) == refusedBefore && System.nanoTime() < waitEnd) {
                    Thread.sleep(5);   // until the connector has met the refusal (and is backing off)
                }
                Instant t0 = Instant.now();
                worker.rest().putConnector(name, timingConfig(t, topic, n1, n2));
                Instant ok = null;
                long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                String fp1 = StandIn.fingerprint(n1);
                String fp2 = StandIn.fingerprint(n2);
                while (ok == null) {
                    Instant o1 = firstArrival(t, fp1, t0);
                    Instant o2 = firstArrival(t, fp2, t0);
                    ok = o1 == null ? o2 : o2 == null ? o1 : (o1.isBefore(o2) ? o1 : o2);
                    if (System.nanoTime() > end) {
                        throw new IllegalStateException(name + ": no delivery with the new key within 120 s; " + status(name));
                    }
                    Thread.sleep(2);
                }
                double ms = Duration.between(t0, ok).toNanos() / 1e6;
                ctx.progress("fig 6 key update %s trial %d: %.0f ms (REST PUT → first delivery with the new key)%s", t.label, k, ms,
                    k == 0 ? " (warm-up)" : "");
                if (k > 0) {
                    keyUpdate.add(ms);
                }
                a = n1;
                b = n2;
                Thread.sleep(300);
            }
        } finally {
            stop.set(true);
            trickle.join(10_000);
            worker.rest().deleteConnector(name);
            Topics.deleteByPrefix(ctx.admin(), topic);
            // back to the suite's keys for whatever runs next
            standIns.setKeys(t, primary, secondary);
        }
        return new Measure[] {failover, keyUpdate};
    }

    private Instant firstArrival(StandIns.Target t, String fingerprint, Instant after) {
        Instant best = null;
        List<? extends Received> all = standIns.arrivals(t);
        for (int i = all.size() - 1; i >= 0; i--) {
            Received a = all.get(i);
            if (a.receivedAt().isBefore(after)) {
                break;
            }
            if (fingerprint.equals(a.keyFingerprint()) && (best == null || a.receivedAt().isBefore(best))) {
                best = a.receivedAt();
            }
        }
        return best;
    }

    @Override
    public void close() {
        worker.close();
        standIns.close();
        Topics.deleteByPrefix(ctx.admin(), "bench-connect");
        Topics.deleteByPrefix(ctx.admin(), "bench.connect.");
        Topics.deleteGroupsByPrefix(ctx.admin(), "connect-bench");
    }
}
