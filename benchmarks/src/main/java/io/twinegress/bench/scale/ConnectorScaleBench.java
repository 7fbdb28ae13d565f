package io.twinegress.bench.scale;

import io.twinegress.bench.Ctx;
import io.twinegress.bench.connect.StandIns;
import io.twinegress.bench.connect.StandIns.Target;
import io.twinegress.bench.infra.PeakRss;
import io.twinegress.bench.infra.Repo;
import io.twinegress.bench.infra.SubjectJvm;
import io.twinegress.bench.infra.Topics;
import io.twinegress.bench.load.Events;
import io.twinegress.bench.report.Measure;
import io.twinegress.bench.report.Report;
import io.twinegress.bench.report.Row;
import io.twinegress.connectrest.ConnectRest;
import io.twinegress.localstack.Ports;
import io.twinegress.localstack.connect.ConnectWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The connector half of the scale figure: N endpoints = N connectors (one task each, split over
 * Service Bus, Event Hubs and Event Grid in turn, each to its own entity) on one Connect worker in a
 * child JVM, against the stand-ins; N = 4, then N = 100, on the same worker. Per N: the time from
 * the first REST PUT until every task is RUNNING, and until every connector delivered its first
 * record (its client connected); the worker's threads, RSS and TCP connections with all N idle;
 * the aggregate throughput of the same total of records spread over the N topics; the threads left
 * once all N are deleted. What one connector costs = (value at 100 − value at 4) / 96.
 *
 * <p>Two workers run it one after the other in the same run: one with per-task clients
 * ({@code -Dtwinegress.connect.shared.clients=false}, how the connectors worked before sharing) and one with the
 * defaults (one AMQP connection per namespace and key shared by the tasks of a worker, one HTTP
 * client for every Event Grid task).
 */
public final class ConnectorScaleBench {

    /** The figure number in the report. */
    public static final int FIGURE = 13;
    /** The worker JVM flag that turns client sharing off (the connectors' escape hatch). */
    static final String NOT_SHARED = "-Dtwinegress.connect.shared.clients=false";

    /** What one N measured. */
    record Point(int connectors, double secondsToRunning, double secondsToFirstDelivery, int threadsIdle, double rssIdleMib,
                 double peakRssMib, double recordsPerSec, int threadsAfterDelete, Map<String, Integer> connections,
                 Map<String, Integer> threadGroups) {
    }

    private final Ctx ctx;
    private final int large;
    private final int totalRecords;
    private final String primary = StandIns.newKey();
    private final String secondary = StandIns.newKey();

    public ConnectorScaleBench(Ctx ctx, int large, int totalRecords) {
        this.ctx = ctx;
        this.large = large;
        this.totalRecords = totalRecords;
    }

    /** Runs both workers and adds the figure's rows to {@code report}. */
    public void run(Report report) throws Exception {
        int small = Math.min(4, large);
        Map<String, Map<Integer, Point>> byWorker = new LinkedHashMap<>();
        Map<String, Integer> bareThreads = new LinkedHashMap<>();
        try (ScaleStandIns standIns = ScaleStandIns.start((large + 2) / 3, primary, secondary)) {
            for (String variant : List.of("per-task", "shared")) {
                List<String> jvm = variant.equals("shared") ? List.of() : List.of(NOT_SHARED);
                ConnectWorker worker = startWorker(variant, jvm);
                try {
                    long pid = worker.process().pid();
                    int bare = settledThreads(pid, 3);
                    bareThreads.put(variant, bare);
                    ctx.progress("fig %d %s: worker up (pid %d), %d threads, RSS %.0f MiB with no connector",
                        FIGURE, variant, pid, bare, ProcStats.rssMib(pid));
                    Map<Integer, Point> points = new LinkedHashMap<>();
                    for (int n : List.of(small, large)) {
                        Point p = point(worker, standIns, variant, n);
                        points.put(n, p);
                        ctx.progress("fig %d %s, %d connectors: all RUNNING in %.1f s, all delivered in %.1f s; idle %d threads, "
                                + "RSS %.0f MiB (peak %.0f); %,.0f records/s; connections %s; %d threads after deleting them",
                            FIGURE, variant, n, p.secondsToRunning(), p.secondsToFirstDelivery(), p.threadsIdle(), p.rssIdleMib(),
                            p.peakRssMib(), p.recordsPerSec(), p.connections(), p.threadsAfterDelete());
                        ctx.progress("fig %d %s, %d connectors: threads by name %s", FIGURE, variant, n, p.threadGroups());
                    }
                    byWorker.put(variant, points);
                } finally {
                    worker.close();
                }
            }
        }
        addRows(report, byWorker, bareThreads, small);
    }

    private ConnectWorker startWorker(String variant, List<String> extraJvm) {
        List<String> jvm = new ArrayList<>(SubjectJvm.flags(ctx.childLog4j()));
        jvm.addAll(extraJvm);
        String group = "bench-scale-" + variant;
        return ConnectWorker.launch(ctx.children(), Repo.layout(), Ports.free(), ctx.bootstrap(),
                ctx.work().resolve("connect-scale-" + variant), ctx.work().resolve("logs").resolve("scale-" + variant))
            .settings(ConnectWorker.essentials(group, group + "-"))
            .jvmFlags(jvm)
            .start(Duration.ofMinutes(2));
    }

    private Point point(ConnectWorker worker, ScaleStandIns standIns, String variant, int n) throws Exception {
        long pid = worker.process().pid();
        ConnectRest rest = worker.rest();
        String prefix = "bench.scale." + variant + "." + n + ".";
        List<String> names = new ArrayList<>();
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("scale-" + variant + "-" + n + "-" + i);
            topics.add(prefix + i);
        }
        Topics.create(ctx.admin(), topics, 1, Map.of());
        standIns.clear();
        PeakRss.reset(pid);
        try {
            Instant t0 = Instant.now();
            for (int i = 0; i < n; i++) {
                rest.putConnector(names.get(i), config(standIns, i, topics.get(i)));
            }
            awaitAllRunning(rest, names, Duration.ofMinutes(5));
            double toRunning = seconds(t0);
            try (KafkaProducer<byte[], byte[]> p = Events.bulkProducer(ctx.bootstrap())) {
                for (int i = 0; i < n; i++) {
                    send(p, topics.get(i), i);
                }
                p.flush();
            }
            awaitEachDelivered(standIns, n, rest, names, Duration.ofMinutes(5));
            double toFirst = seconds(t0);
            int threadsIdle = settledThreads(pid, 3);
            double rssIdle = ProcStats.rssMib(pid);
            Map<String, Integer> connections = connections(pid, standIns);
            Map<String, Integer> groups = ProcStats.threadGroups(pid);
            double rate = throughput(standIns, topics, rest, names);
            double peak = PeakRss.mib(pid);
            for (String name : names) {
                rest.deleteConnector(name);
            }
            int after = settledThreads(pid, 5);
            ctx.progress("fig %d %s, %d connectors deleted: threads by name %s", FIGURE, variant, n,
                top(ProcStats.threadGroups(pid), 10));
            return new Point(n, toRunning, toFirst, threadsIdle, rssIdle, peak, rate, after, connections, top(groups, 10));
        } finally {
            for (String name : names) {
                try {
                    rest.deleteConnector(name);
                } catch (RuntimeException ignored) {
                    // already gone
                }
            }
            Topics.deleteByPrefix(ctx.admin(), prefix);
        }
    }

    /** The connector config of figure 5 (production defaults, one task, a dead-letter topic) for endpoint {@code i}. */
    private Map<String, String> config(ScaleStandIns s, int i, String topic) {
        Target t = target(i);
        int e = i / 3;
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", t.connectorClass);
        c.put("tasks.max", "1");
        c.put("topics", topic);
        c.put("connection.string", s.connectionString(t, primary, e));
        c.put("secondary.connection.string", s.connectionString(t, secondary, e));
        c.put("path", s.path(t, e));
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", topic + ".dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        return c;
    }

    private static Target target(int i) {
        return Target.values()[i % 3];
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, long seq) {
        p.send(new ProducerRecord<>(topic, null, Events.key(seq), Events.event("SensorChange", seq, Events.RECORD_BYTES),
            Events.egressHeaders("SensorChange", seq, topic)));
    }

    /**
     * The same total of records spread evenly over the N topics, produced while all N run; records /
     * (last arrival − first arrival) at the stand-ins.
     */
    private double throughput(ScaleStandIns standIns, List<String> topics, ConnectRest rest, List<String> names) throws Exception {
        int n = topics.size();
        int per = Math.max(1, totalRecords / n);
        standIns.clear();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> p = Events.bulkProducer(ctx.bootstrap())) {
            for (int k = 0; k < per; k++) {
                for (String topic : topics) {
                    p.send(new ProducerRecord<>(topic, null, Events.key(k), Events.event("SensorChange", k, Events.RECORD_BYTES),
                        Events.egressHeaders("SensorChange", k, topic)), (md, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                }
            }
            p.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("filling the scale topics failed: " + failure.get(), failure.get());
        }
        long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (total(standIns, n) < (long) per * n) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("only " + total(standIns, n) + " of " + (long) per * n + " arrived; " + notRunning(rest, names));
            }
            Thread.sleep(20);
        }
        Instant[] span = standIns.span();
        return (double) per * n / (Math.max(1, Duration.between(span[0], span[1]).toMillis()) / 1000.0);
    }

    private static long total(ScaleStandIns s, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += s.count(target(i), i / 3);
        }
        return sum;
    }

    private static void awaitAllRunning(ConnectRest rest, List<String> names, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            Map<String, ConnectRest.Described> all = rest.describeAll();
            long running = names.stream().filter(n -> all.containsKey(n) && all.get(n).status().isRunning()).count();
            for (String n : names) {
                ConnectRest.Described d = all.get(n);
                if (d != null && d.status().hasFailed()) {
                    throw new IllegalStateException(n + " FAILED: " + d.status().problem().orElse("?"));
                }
            }
            if (running == names.size()) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("only " + running + " of " + names.size() + " connectors RUNNING after " + deadline);
            }
            Thread.sleep(100);
        }
    }

    private static void awaitEachDelivered(ScaleStandIns s, int n, ConnectRest rest, List<String> names, Duration deadline)
        throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            int missing = 0;
            for (int i = 0; i < n; i++) {
                if (s.count(target(i), i / 3) < 1) {
                    missing++;
                }
            }
            if (missing == 0) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException(missing + " of " + n + " connectors delivered nothing after " + deadline + "; "
                    + notRunning(rest, names));
            }
            Thread.sleep(20);
        }
    }

    private static String notRunning(ConnectRest rest, List<String> names) {
        try {
            Map<String, ConnectRest.Described> all = rest.describeAll();
            return names.stream().filter(n -> !all.containsKey(n) || !all.get(n).status().isRunning())
                .map(n -> n + " " + (all.containsKey(n) ? all.get(n).status().summary() : "missing"))
                .collect(Collectors.joining(", ", "not running: [", "]"));
        } catch (RuntimeException e) {
            return "status unknown (" + e + ")";
        }
    }

    /**
     * The thread count once it stopped changing: sampled every 500 ms until two samples
     * {@code stableSeconds} apart agree (at most 60 s); what tasks start or end settles by then.
     */
    private static int settledThreads(long pid, int stableSeconds) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int last = ProcStats.threads(pid);
        long since = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(500);
            int now = ProcStats.threads(pid);
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= Duration.ofSeconds(stableSeconds).toNanos()) {
                break;
            }
        }
        return last;
    }

    private Map<String, Integer> connections(long pid, ScaleStandIns s) {
        Map<Integer, Integer> byPort = ProcStats.connectionsByRemotePort(pid);
        int brokerPort = Integer.parseInt(ctx.bootstrap().substring(ctx.bootstrap().lastIndexOf(':') + 1));
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put("broker", byPort.getOrDefault(brokerPort, 0));
        out.put("AMQP", byPort.getOrDefault(s.amqpPort(), 0));
        out.put("Event Grid", byPort.getOrDefault(s.eventGridPort(), 0));
        return out;
    }

    private static Map<String, Integer> top(Map<String, Integer> groups, int k) {
        return groups.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(k)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }

    private static Measure one(String unit, double v) {
        Measure m = new Measure(unit);
        m.add(v);
        return m;
    }

    private void addRows(Report report, Map<String, Map<Integer, Point>> byWorker, Map<String, Integer> bareThreads, int small) {
        int d = large - small;
        for (Map.Entry<String, Map<Integer, Point>> w : byWorker.entrySet()) {
            String v = w.getKey();
            Point a = w.getValue().get(small);
            Point b = w.getValue().get(large);
            String label = "connectors (" + v + " clients)";
            report.add(new Row(FIGURE, large + " vs " + small + " " + label + ": first PUT → all tasks RUNNING",
                one("s", b.secondsToRunning()), one("s", a.secondsToRunning()), null, null,
                perConnector(b.secondsToRunning() - a.secondsToRunning(), d, "s") + "; PUTs one after another, one rebalance each"));
            report.add(new Row(FIGURE, large + " vs " + small + " " + label + ": first PUT → each delivered its first record",
                one("s", b.secondsToFirstDelivery()), one("s", a.secondsToFirstDelivery()), null, null, "clients connect on the first records"));
            report.add(new Row(FIGURE, large + " vs " + small + " " + label + ": worker threads, all idle",
                one("threads", b.threadsIdle()), one("threads", a.threadsIdle()), null, null,
                perConnector(b.threadsIdle() - a.threadsIdle(), d, "threads") + "; most at " + large + ": " + b.threadGroups()));
            report.add(new Row(FIGURE, large + " vs " + small + " " + label + ": worker RSS, all idle",
                one("MiB", b.rssIdleMib()), one("MiB", a.rssIdleMib()), null, null,
                perConnector(b.rssIdleMib() - a.rssIdleMib(), d, "MiB") + "; peak during the run " + Report.fmt(b.peakRssMib())
                    + " vs " + Report.fmt(a.peakRssMib()) + " MiB (" + SubjectJvm.HEAP + ")"));
            report.add(new Row(FIGURE, large + " vs " + small + " " + label + ": TCP connections of the worker, all idle",
                one("connections", sum(b.connections())), one("connections", sum(a.connections())), null, null,
                large + ": " + b.connections() + "; " + small + ": " + a.connections()));
            report.add(new Row(FIGURE, large + " vs " + small + " " + label + ": aggregate throughput",
                one("records/s", b.recordsPerSec()), one("records/s", a.recordsPerSec()), null, null,
                String.format(Locale.ROOT, "%,d records of %d B over the %s topics, delivered at the stand-ins", totalRecords,
                    Events.RECORD_BYTES, "N")));
            report.add(new Row(FIGURE, large + " " + label + ": worker threads once all were deleted vs before any connector",
                one("threads", b.threadsAfterDelete()), one("threads", bareThreads.get(v)), null, null,
                "what stays behind; after deleting the " + small + ": " + a.threadsAfterDelete() + ". Not the connectors': Connect's "
                    + "worker executor is a cached pool, so each task's and connector's thread returns to it (pool-N-thread-M) and ends "
                    + "after a minute idle, longer than this count waits; its herder's 8 start-and-stop threads; Reactor's JVM-wide "
                    + "schedulers (parallel-N, boundedElastic-N)"));
        }
        Map<Integer, Point> off = byWorker.get("per-task");
        Map<Integer, Point> on = byWorker.get("shared");
        if (off != null && on != null) {
            Point x = on.get(large);
            Point y = off.get(large);
            report.add(new Row(FIGURE, large + " connectors: shared clients vs per-task clients, worker threads",
                one("threads", x.threadsIdle()), one("threads", y.threadsIdle()), null, null, "same run, two workers, one after the other"));
            report.add(new Row(FIGURE, large + " connectors: shared clients vs per-task clients, TCP connections to the endpoints",
                one("connections", x.connections().get("AMQP") + x.connections().get("Event Grid")),
                one("connections", y.connections().get("AMQP") + y.connections().get("Event Grid")), null, null, ""));
            report.add(new Row(FIGURE, large + " connectors: shared clients vs per-task clients, aggregate throughput",
                one("records/s", x.recordsPerSec()), one("records/s", y.recordsPerSec()), null, null, ""));
            report.add(new Row(FIGURE, large + " connectors: shared clients vs per-task clients, worker RSS idle",
                one("MiB", x.rssIdleMib()), one("MiB", y.rssIdleMib()), null, null, ""));
        }
    }

    private static int sum(Map<String, Integer> m) {
        return m.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static String perConnector(double delta, int connectors, String unit) {
        return String.format(Locale.ROOT, "%.2f %s per connector", delta / connectors, unit);
    }
}
