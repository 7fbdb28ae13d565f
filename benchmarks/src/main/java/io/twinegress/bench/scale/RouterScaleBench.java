package io.twinegress.bench.scale;

import io.twinegress.bench.Ctx;
import io.twinegress.bench.infra.HeapHistogram;
import io.twinegress.bench.infra.OutputWatch;
import io.twinegress.bench.infra.Topics;
import io.twinegress.bench.load.Events;
import io.twinegress.bench.report.Measure;
import io.twinegress.bench.streams.StreamsBench;
import io.twinegress.localstack.router.RouterProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Figure 10, the router with many endpoints, through its real control plane: one router
 * (exactly_once_v2, egress topics of 1 partition so that a thousand of them stay light for the one
 * broker) gets its endpoints as records on {@code twin.endpoints}, as an operator registers them;
 * at each size it is measured for
 * <ul>
 *   <li>registration: endpoint records produced → every one Active in {@code twin.endpoints.status}
 *       (validation, egress topic creation, the status record), per endpoint;</li>
 *   <li>live heap: {@link HeapHistogram} (a full collection, reachable objects only) after the
 *       registration, against the same router with no endpoint;</li>
 *   <li>activation: with SensorChange events flowing (which none of the registered endpoints takes),
 *       a new SensorChange endpoint record → its first routed event visible to a read_committed
 *       consumer, then the endpoint is deleted again; as figure 6, with the table at this size.</li>
 * </ul>
 * Routing throughput with one matching endpoint out of many is measured by fresh routers on
 * figure 1's input, as figure 4, with the idle endpoints' egress topics the ones registered here.
 */
public final class RouterScaleBench {

    public static final String PREFIX = "bench.scale.";
    public static final String EGRESS = PREFIX + "egress.";
    private static final String INPUT = PREFIX + "in";
    private static final String[] IDLE_TYPES = {"SpaceChange", "UdfCustom", "TopologyOperation"};

    /** What one table size showed. */
    public record Size(int endpoints, double registrationMsPerEndpoint, long heapBytes, Map<String, Long> heapGrowth,
                       Measure activationMs) {
    }

    private final Ctx ctx;
    private final StreamsBench streams;

    public RouterScaleBench(Ctx ctx, StreamsBench streams) {
        this.ctx = ctx;
        this.streams = streams;
    }

    /**
     * Registers endpoints up to each of {@code sizes} (ascending) on one router and measures each size.
     *
     * @return the router's live heap with no endpoint first, then one entry per size
     */
    public List<Size> run(List<Integer> sizes, int trials) throws Exception {
        Topics.create(ctx.admin(), INPUT, ctx.sizes().partitions(), Map.of());
        Topics.create(ctx.admin(), List.of(PREFIX + "endpoints", PREFIX + "status", PREFIX + "replay"), 1, Topics.COMPACTED);
        Map<String, String> p = streams.streamsProps(PREFIX, "exactly_once_v2");
        p.put("twin.input.topics", INPUT);
        p.put("twin.device.messages.topic", PREFIX + "device-messages");
        p.put("twin.endpoints.topic", PREFIX + "endpoints");
        p.put("twin.endpoints.status.topic", PREFIX + "status");
        p.put("twin.endpoints.replay.topic", PREFIX + "replay");
        p.put("twin.dlq.topic", PREFIX + "dlq");
        p.put("twin.egress.topic.prefix", EGRESS);
        p.put("twin.egress.topic.partitions", "1");
        List<Size> out = new ArrayList<>();
        RouterProcess router = streams.startRouter("router-scale", p, List.of());
        try (StatusWatch status = new StatusWatch(ctx.bootstrap(), PREFIX + "status");
             KafkaProducer<byte[], byte[]> producer = Events.producer(ctx.bootstrap(), 0)) {
            long pid = router.process().pid();
            HeapHistogram empty = HeapHistogram.of(pid);
            out.add(new Size(0, Double.NaN, empty.totalBytes(), Map.of(), new Measure("ms")));
            ctx.progress("fig 10: router with no endpoint, live heap %.1f MiB", empty.totalBytes() / 1048576.0);
            int registered = 0;
            HeapHistogram previous = empty;
            for (int size : sizes) {
                List<String> ids = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = registered; i < size; i++) {
                    String id = "ep-" + i;
                    ids.add(id);
                    String json = "{\"type\":\"ServiceBus\",\"eventTypes\":[\"" + IDLE_TYPES[i % IDLE_TYPES.length] + "\"],\"path\":\"bench\"}";
                    producer.send(new ProducerRecord<>(PREFIX + "endpoints", id.getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
                long last = status.awaitAll(ids, "Active", Duration.ofMinutes(10));
                double perEndpoint = (last - t0) / 1e6 / ids.size();
                ctx.progress("fig 10: %,d endpoints registered (%d → %d) in %,.0f ms, %.1f ms per endpoint", ids.size(), registered, size,
                    (last - t0) / 1e6, perEndpoint);
                registered = size;
                HeapHistogram heap = HeapHistogram.of(pid);
                ctx.progress("fig 10: %,d endpoints: live heap %.1f MiB (%+,.0f bytes per endpoint since the last size)", size,
                    heap.totalBytes() / 1048576.0, (heap.totalBytes() - previous.totalBytes()) / (double) ids.size());
                Measure activation = activation(producer, status, size, trials);
                out.add(new Size(size, perEndpoint, heap.totalBytes(), heap.growthSince(previous, 8), activation));
                previous = heap;
            }
        } finally {
            router.process().stop(Duration.ofSeconds(20));
            Topics.deleteGroupsByPrefix(ctx.admin(), PREFIX);
        }
        return out;
    }

    /** {@code trials + 1} activations (the first a warm-up) of a SensorChange endpoint, each deleted again after. */
    private Measure activation(KafkaProducer<byte[], byte[]> producer, StatusWatch status, int size, int trials) throws Exception {
        Measure m = new Measure("ms");
        AtomicBoolean stop = new AtomicBoolean();
        Thread trickle = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> p = Events.producer(ctx.bootstrap(), 0)) {
                long i = 0;
                while (!stop.get()) {
                    p.send(new ProducerRecord<>(INPUT, Events.key(i), Events.event(StreamsBench.EVENT_TYPE, i, Events.RECORD_BYTES)));
                    i++;
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "scale-trickle");
        trickle.start();
        try (KafkaConsumer<byte[], byte[]> consumer = OutputWatch.consumer(ctx.bootstrap())) {
            Thread.sleep(500);
            for (int k = 0; k <= trials; k++) {
                String id = "act-" + size + "-" + k;
                byte[] key = id.getBytes(StandardCharsets.UTF_8);
                String json = "{\"type\":\"ServiceBus\",\"eventTypes\":[\"" + StreamsBench.EVENT_TYPE + "\"],\"path\":\"bench\"}";
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(PREFIX + "endpoints", key, json.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
                status.awaitAll(List.of(id), "Active", Duration.ofSeconds(60));
                List<TopicPartition> tps = List.of(new TopicPartition(EGRESS + id, 0));
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (consumer.poll(Duration.ofMillis(5)).isEmpty()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("nothing routed to " + EGRESS + id + " in 60 s");
                    }
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                if (k > 0) {
                    m.add(ms);
                }
                producer.send(new ProducerRecord<>(PREFIX + "endpoints", key, null)).get(30, TimeUnit.SECONDS);
                status.awaitAll(List.of(id), "Deleted", Duration.ofSeconds(60));
            }
        } finally {
            stop.set(true);
            trickle.join(10_000);
        }
        ctx.progress("fig 10: activation with %,d endpoints: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d trials)", size, m.median(),
            Measure.percentile(m.values(), 99), m.max(), m.count());
        return m;
    }

    /** The idle endpoints' egress topics of the throughput runs: the ones registered here ({@code <prefix>ep-<i>}). */
    public static String idleEgressPrefix() {
        return EGRESS;
    }

    /** Deletes what {@link #run} created (its egress topics last: a thousand of them). */
    public void cleanUp() {
        Topics.deleteByPrefix(ctx.admin(), PREFIX);
        Topics.deleteGroupsByPrefix(ctx.admin(), PREFIX);
    }
}
