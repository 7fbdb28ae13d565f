package io.twinegress.bench.timing;

import io.twinegress.bench.Ctx;
import io.twinegress.bench.infra.OutputWatch;
import io.twinegress.bench.infra.PeakRss;
import io.twinegress.bench.infra.Topics;
import io.twinegress.bench.load.Events;
import io.twinegress.bench.report.Measure;
import io.twinegress.bench.streams.StreamsBench;
import io.twinegress.localstack.router.RouterProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Figure 3 and the activation part of figure 6, on one router (child JVM, exactly_once_v2, the
 * packaged jar with the suite's defaults):
 * <ul>
 *   <li>latency: a producer at a fixed rate (half the router's measured maximum); each egress
 *       record's latency = the moment a {@code read_committed} consumer in the suite receives it −
 *       its timestamp (the producer's CreateTime, kept by the router); p50/p99/p99.9 per window;</li>
 *   <li>activation: with events of a type no endpoint takes flowing (a trickle), an endpoint record
 *       for that type is produced; activation = until the first routed event is visible to a
 *       {@code read_committed} consumer of the new egress topic (created by the router).</li>
 * </ul>
 */
public final class RouterTimingBench {

    public record Latency(Measure p50, Measure p99, Measure p999, double rate, long samples) {
    }

    private static final String PREFIX = "bench.rt.";
    private static final String INPUT = PREFIX + "in";
    private static final String EGRESS = PREFIX + "egress.";

    private final Ctx ctx;
    private final StreamsBench streams;
    private RouterProcess router;

    public RouterTimingBench(Ctx ctx, StreamsBench streams) {
        this.ctx = ctx;
        this.streams = streams;
    }

    public void start() throws Exception {
        Topics.create(ctx.admin(), INPUT, ctx.sizes().partitions(), Map.of());
        Topics.create(ctx.admin(), EGRESS + "ep-0", ctx.sizes().partitions(), Map.of());
        Topics.create(ctx.admin(), List.of(PREFIX + "endpoints", PREFIX + "status"), 1, Topics.COMPACTED);
        streams.writeActiveStatuses(PREFIX + "status", EGRESS, 1, true);
        Map<String, String> p = streams.streamsProps(PREFIX, "exactly_once_v2");
        p.put("twin.input.topics", INPUT);
        p.put("twin.device.messages.topic", PREFIX + "device-messages");
        p.put("twin.endpoints.topic", PREFIX + "endpoints");
        p.put("twin.endpoints.status.topic", PREFIX + "status");
        p.put("twin.dlq.topic", PREFIX + "dlq");
        p.put("twin.egress.topic.prefix", EGRESS);
        p.put("twin.egress.topic.partitions", Integer.toString(ctx.sizes().partitions()));
        router = streams.startRouter("router-timing", p, List.of());
    }

    /** Figure 3: {@code rate} events/s; one warm-up window, then the measured windows. */
    public Latency latency(double rate) throws Exception {
        int windowMs = ctx.sizes().latencySeconds() * 1000;
        int windows = ctx.sizes().latencyWindows();
        long warmupMs = windowMs;
        int perWindow = (int) Math.ceil(rate * windowMs / 1000.0) + 1000;
        double[][] samples = new double[windows][perWindow];
        int[] counts = new int[windows];
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong measureStart = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();
        Thread reader = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = OutputWatch.consumer(ctx.bootstrap())) {
                List<TopicPartition> tps = OutputWatch.partitions(c, List.of(EGRESS + "ep-0"));
                c.assign(tps);
                c.seekToBeginning(tps);
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                        long now = System.currentTimeMillis();
                        total.incrementAndGet();
                        long since = r.timestamp() - measureStart.get();
                        if (since < 0) {
                            continue;
                        }
                        int w = (int) (since / windowMs);
                        if (w < windows && counts[w] < perWindow) {
                            samples[w][counts[w]++] = now - r.timestamp();
                        }
                    }
                }
            }
        }, "latency-reader");
        reader.start();
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = Events.producer(ctx.bootstrap(), 5)) {
            // until the router routes at all (startup), then the warm-up window, then the windows
            long firstDeadline = System.currentTimeMillis() + 120_000;
            while (total.get() == 0) {
                producer.send(new ProducerRecord<>(INPUT, Events.key(sent), Events.event("SensorChange", sent, Events.RECORD_BYTES)));
                sent++;
                Thread.sleep(20);
                if (System.currentTimeMillis() > firstDeadline || !router.process().isAlive()) {
                    throw new IllegalStateException("the router routed nothing, see " + router.process().log());
                }
            }
            long start = System.currentTimeMillis();
            measureStart.set(start + warmupMs);
            long end = measureStart.get() + (long) windows * windowMs;
            long startNs = System.nanoTime();
            long n = 0;
            while (System.currentTimeMillis() < end) {
                long due = (long) ((System.nanoTime() - startNs) / 1e9 * rate);
                while (n < due) {
                    producer.send(new ProducerRecord<>(INPUT, Events.key(sent), Events.event("SensorChange", sent, Events.RECORD_BYTES)));
                    n++;
                    sent++;
                }
                Thread.sleep(1);
            }
            producer.flush();
        }
        long tailEnd = System.currentTimeMillis() + 30_000;   // the tail: until every record sent is visible
        while (total.get() < sent && System.currentTimeMillis() < tailEnd) {
            Thread.sleep(50);
        }
        stop.set(true);
        reader.join(10_000);
        Measure p50 = new Measure("ms");
        Measure p99 = new Measure("ms");
        Measure p999 = new Measure("ms");
        long samplesTotal = 0;
        for (int w = 0; w < windows; w++) {
            samplesTotal += counts[w];
            p50.add(Measure.percentile(samples[w], counts[w], 50));
            p99.add(Measure.percentile(samples[w], counts[w], 99));
            p999.add(Measure.percentile(samples[w], counts[w], 99.9));
        }
        return new Latency(p50, p99, p999, rate, samplesTotal);
    }

    /**
     * Figure 6, activation: {@code trials + 1} new endpoints (the first a warm-up), each for a type
     * that is flowing but not routed until then.
     */
    public Measure activation(int trials) throws Exception {
        Measure m = new Measure("ms");
        AtomicBoolean stop = new AtomicBoolean();
        List<String> types = List.of("UdfCustom", "SpaceChange", "TopologyOperation");
        Thread trickle = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> producer = Events.producer(ctx.bootstrap(), 0)) {
                long i = 0;
                while (!stop.get()) {
                    for (String t : types) {
                        producer.send(new ProducerRecord<>(INPUT, Events.key(i), Events.event(t, i, Events.RECORD_BYTES)));
                    }
                    i++;
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "activation-trickle");
        trickle.start();
        try (KafkaProducer<byte[], byte[]> producer = Events.producer(ctx.bootstrap(), 0);
             KafkaConsumer<byte[], byte[]> consumer = OutputWatch.consumer(ctx.bootstrap())) {
            Thread.sleep(500);
            for (int k = 0; k <= trials; k++) {
                String id = "act-" + k;
                String topic = EGRESS + id;
                String type = types.get(k % types.size());
                String json = "{\"type\":\"ServiceBus\",\"eventTypes\":[\"" + type + "\"],\"path\":\"bench\"}";
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(PREFIX + "endpoints", id.getBytes(StandardCharsets.UTF_8),
                    json.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
                long deadline = System.currentTimeMillis() + 60_000;
                while (!ctx.admin().listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("egress topic " + topic + " not created in 60 s, see " + router.process().log());
                    }
                    Thread.sleep(5);
                }
                List<TopicPartition> tps = OutputWatch.partitions(consumer, List.of(topic));
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                while (consumer.poll(Duration.ofMillis(5)).isEmpty()) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("nothing routed to " + topic + " in 60 s, see " + router.process().log());
                    }
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                ctx.progress("fig 6 activation %s (%s): %.0f ms%s", id, type, ms, k == 0 ? " (warm-up)" : "");
                if (k > 0) {
                    m.add(ms);
                }
                // the next trial's type must not be routed yet: retire this endpoint
                producer.send(new ProducerRecord<>(PREFIX + "endpoints", id.getBytes(StandardCharsets.UTF_8), null)).get(30, TimeUnit.SECONDS);
                Thread.sleep(1000);
            }
        } finally {
            stop.set(true);
            trickle.join(10_000);
        }
        return m;
    }

    public double peakRssMib() {
        return router == null ? -1 : PeakRss.mib(router.process().pid());
    }

    public void stop() {
        if (router != null) {
            router.process().stop(Duration.ofSeconds(20));
        }
        Topics.deleteByPrefix(ctx.admin(), PREFIX);
        Topics.deleteGroupsByPrefix(ctx.admin(), PREFIX);
    }
}
