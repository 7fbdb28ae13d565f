package io.twinegress.bench;

import io.twinegress.bench.connect.ConnectBench;
import io.twinegress.bench.connect.StandIns;
import io.twinegress.bench.e2e.EndToEndBench;
import io.twinegress.bench.infra.BenchBroker;
import io.twinegress.bench.infra.Repo;
import io.twinegress.bench.infra.SubjectJvm;
import io.twinegress.bench.report.Measure;
import io.twinegress.bench.report.Report;
import io.twinegress.bench.report.Row;
import io.twinegress.bench.scale.RouterScaleBench;
import io.twinegress.bench.streams.StreamsBench;
import io.twinegress.bench.timing.RouterTimingBench;
import io.twinegress.localstack.kafka.KafkaBroker;
import io.twinegress.localstack.process.Children;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;

/**
 * The benchmark suite: starts a real broker as a child process, runs every figure (1–7; 8 content filters; 9 the
 * router's cost by step; 10 the router with 100 and 1,000 endpoints; 11 end to end; 12 CloudEvents vs as-is;
 * 13 100 connectors on one worker; 14 Entra ID vs keys over TLS) with its baseline interleaved (A B A B …), and
 * writes the report.
 *
 * <pre>
 * ./bench.sh                      # the full suite → docs/benchmarks.md + docs/benchmarks.json
 * Suite --smoke --out DIR         # tiny sizes, proves the harness (what `verify` runs)
 * Suite --only 1,2 --jfr          # some figures; JFR recordings of the router runs
 * </pre>
 */
public final class Suite {

    public static final String EOS = "exactly_once_v2";
    public static final String ALOS = "at_least_once";
    /** Not a figure: where figure 1's gap comes from (router with and without its device-messages sub-topology). */
    static final int DIAGNOSE = 100;
    /** Each connector with {@code auth.mode=entra-id} vs its keys, both over TLS. */
    static final int ENTRA_ID = 14;

    private final Ctx ctx;
    private final Report report;
    private final Set<Integer> only;
    private final boolean jfr;
    /** The router's median rate under exactly_once_v2 (figure 1), the base of figure 3's rate. */
    private double routerEosRate = Double.NaN;

    Suite(Ctx ctx, Report report, Set<Integer> only, boolean jfr) {
        this.ctx = ctx;
        this.report = report;
        this.only = only;
        this.jfr = jfr;
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        boolean jfr = false;
        Integer records = null;
        Integer connectorRecords = null;
        Path out = Path.of("docs");
        Set<Integer> only = new TreeSet<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, io.twinegress.bench.scale.ConnectorScaleBench.FIGURE,
            ENTRA_ID));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--full" -> smoke = false;
                case "--jfr" -> jfr = true;
                case "--diagnose" -> only = new TreeSet<>(List.of(DIAGNOSE));
                case "--out" -> out = Path.of(args[++i]);
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--connector-records" -> connectorRecords = Integer.parseInt(args[++i]);
                case "--message-model" -> System.setProperty(ConnectBench.MESSAGE_MODEL_PROPERTY, "true");
                case "--only" -> {
                    only.clear();
                    for (String s : args[++i].split(",")) {
                        only.add(Integer.parseInt(s.trim()));
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                    + " (known: --smoke, --full, --jfr, --out DIR, --only 1,2,…, --records N, --connector-records N, --message-model, --diagnose)");
            }
        }
        Ctx.Sizes sizes = smoke ? Ctx.Sizes.smoke() : Ctx.Sizes.full();
        if (records != null) {
            sizes = sizes.withRecords(records);
        }
        if (connectorRecords != null) {
            sizes = sizes.withConnectorRecords(connectorRecords);
        }
        Report report = run(sizes, out, only, jfr);
        System.out.println();
        System.out.println(report.markdownTable());
        System.exit(0);
    }

    /** Runs the suite and writes {@code benchmarks.md} and {@code benchmarks.json} into {@code out}. */
    public static Report run(Ctx.Sizes sizes, Path out, Set<Integer> only, boolean jfr) throws Exception {
        Instant started = Instant.now();
        Path work = io.twinegress.bench.infra.Repo.root().resolve(Path.of("benchmarks", "target", "bench-work",
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started)));
        Files.createDirectories(work);
        Path childLog4j = extract("bench-child-log4j2.properties", work);
        Report report = new Report();
        facts(report, sizes, started);
        System.out.printf("[00:00] twin-egress benchmarks (%s), figures %s, work dir %s%n", sizes, only, work);
        // every child JVM is started through children: stopped by pid when the suite ends, even on Ctrl-C
        Children children = new Children().stopAllOnExit(java.time.Duration.ofSeconds(5));
        try (KafkaBroker broker = BenchBroker.start(children, work, childLog4j.toString());
             Admin admin = BenchBroker.admin(broker)) {
            Ctx ctx = new Ctx(broker, admin, children, work, System.getProperty("java.class.path"), childLog4j.toString(), sizes, started);
            ctx.progress("broker up at %s (pid %d)", broker.bootstrap(), broker.process().pid());
            Suite suite = new Suite(ctx, report, only, jfr);
            try {
                suite.runAll();
            } catch (Exception | Error e) {
                // a figure that fails late must not cost the figures measured before it
                Path partial = work.resolve("partial-report");
                try {
                    write(report, partial);
                    System.out.printf("the suite failed (%s); the figures measured until then are in %s%n", e, partial);
                } catch (Exception | Error w) {
                    e.addSuppressed(w);
                }
                throw e;
            }
            report.machine().put("load average at end", loadAverage());
            ctx.progress("done");
        }
        report.machine().put("suite duration (s)", java.time.Duration.between(started, Instant.now()).toSeconds());
        write(report, out);
        return report;
    }

    /** {@code benchmarks.json} and {@code benchmarks.md} of {@code report} into {@code dir}. */
    private static void write(Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        report.writeJson(dir.resolve("benchmarks.json"));
        Files.writeString(dir.resolve("benchmarks.md"), Markdown.page(report, dir));
    }

    void runAll() throws Exception {
        StreamsBench streams = new StreamsBench(ctx);
        if (jfr) {
            streams.routerJvmArgs(List.of("-XX:StartFlightRecording=filename=" + ctx.work().resolve("router-{run}.jfr") + ",settings=profile"));
        }
        if (only.contains(1) || only.contains(2) || only.contains(3) || only.contains(4) || only.contains(7) || only.contains(8)
            || only.contains(9) || only.contains(10) || only.contains(DIAGNOSE)) {
            ctx.progress("filling %s with %,d events of %d bytes", StreamsBench.INPUT, ctx.sizes().records(), io.twinegress.bench.load.Events.RECORD_BYTES);
            streams.prepare();
        }
        if (only.contains(1) || only.contains(2) || only.contains(7)) {
            routerVsPassThrough(streams);
        }
        if (only.contains(4)) {
            fanOut(streams);
        }
        if (only.contains(8)) {
            filters(streams);
        }
        if (only.contains(DIAGNOSE)) {
            diagnose(streams);
        }
        if (only.contains(9)) {
            steps(streams);
        }
        if (only.contains(10)) {
            scale(streams);
        }
        if (only.contains(3) || only.contains(6)) {
            routerTimings(streams);
        }
        if (only.contains(5) || only.contains(6) || only.contains(7) || only.contains(12)) {
            connectors();
        }
        if (only.contains(11)) {
            endToEnd(streams);
        }
        if (only.contains(io.twinegress.bench.scale.ConnectorScaleBench.FIGURE)) {
            new io.twinegress.bench.scale.ConnectorScaleBench(ctx, ctx.sizes().fanOut100() ? 100 : 6,
                Math.max(60, ctx.sizes().connectorRecords() / 2)).run(report);
        }
        if (only.contains(ENTRA_ID)) {
            entraIdVsKeys();
        }
    }

    /**
     * Figure 14: each connector with {@code auth.mode=entra-id} (a client-secret service principal of the
     * stand-ins' identity provider) vs its connection-string keys, the same records, both over TLS to the
     * same listeners (the SDKs send bearer tokens over TLS only, so the keys go there too), on a worker of its
     * own that trusts the stand-ins' certificate; interleaved per target and cycle, the order alternating.
     */
    private void entraIdVsKeys() throws Exception {
        ctx.progress("fig 14: stand-ins over TLS with an identity provider, and a Connect worker trusting them");
        String loadBefore = load1();
        Map<StandIns.Target, Measure> keys = new LinkedHashMap<>();
        Map<StandIns.Target, Measure> entra = new LinkedHashMap<>();
        for (StandIns.Target t : StandIns.Target.values()) {
            keys.put(t, new Measure("records/s"));
            entra.put(t, new Measure("records/s"));
        }
        long tokens;
        try (ConnectBench bench = ConnectBench.startOverTls(ctx, List.of())) {
            ctx.progress("fig 14: Connect worker up (pid %d)", bench.worker().process().pid());
            int cycles = ctx.sizes().warmups() + ctx.sizes().runs();
            for (int c = 0; c < cycles; c++) {
                boolean warm = c < ctx.sizes().warmups();
                String tag = warm ? "warm-up" : "run " + (c - ctx.sizes().warmups() + 1) + "/" + ctx.sizes().runs();
                for (StandIns.Target t : StandIns.Target.values()) {
                    double k;
                    double e;
                    if (c % 2 == 0) {
                        k = bench.connector(t).recordsPerSec();
                        e = bench.connectorWithIdentity(t).recordsPerSec();
                    } else {
                        e = bench.connectorWithIdentity(t).recordsPerSec();
                        k = bench.connector(t).recordsPerSec();
                    }
                    ctx.progress("fig 14 %s: %s connector over TLS, keys %,.0f records/s, entra-id %,.0f records/s (%.2f×); load %s",
                        tag, t.label, k, e, e / k, load1());
                    if (!warm) {
                        keys.get(t).add(k);
                        entra.get(t).add(e);
                    }
                }
            }
            tokens = bench.standIns().tokensIssued();
        }
        String load = "load " + loadBefore + " → " + load1();
        for (StandIns.Target t : StandIns.Target.values()) {
            report.add(new Row(ENTRA_ID, t.label + " connector, auth.mode=entra-id vs connection-string keys, both over TLS",
                entra.get(t), keys.get(t), "≥ 0.95×", entra.get(t).median() / keys.get(t).median() >= 0.95,
                (t == StandIns.Target.EVENT_GRID ? "HTTPS" : "AMQPS") + ", the same listener and records (" + ctx.sizes().connectorRecords()
                    + " of " + io.twinegress.bench.load.Events.RECORD_BYTES + " B); identity: client secret against the local identity "
                    + "provider (" + tokens + " tokens issued in all), keys: the primary of two; " + load));
        }
    }

    /**
     * Figure 11: produce → router → Connect → stand-in with the four sample endpoints: the maximum rate
     * (a burst), then latency per target at half of it.
     */
    private void endToEnd(StreamsBench streams) throws Exception {
        String loadBefore = load1();
        ctx.progress("fig 11: stand-ins, a router and a Connect worker with the four sample endpoints");
        try (EndToEndBench e2e = new EndToEndBench(ctx)) {
            e2e.start(streams);
            Measure input = new Measure("records/s");
            Measure deliveries = new Measure("deliveries/s");
            int burst = Math.max(400, ctx.sizes().records() / 5);
            for (int c = 0; c < ctx.sizes().warmups() + ctx.sizes().runs(); c++) {
                double[] r = e2e.maxRate(burst);
                boolean warm = c < ctx.sizes().warmups();
                ctx.progress("fig 11 %s: burst of %,d input records: %,.0f input records/s, %,.0f deliveries/s, load %s",
                    warm ? "warm-up" : "run", burst, r[0], r[1], load1());
                if (!warm) {
                    input.add(r[0]);
                    deliveries.add(r[1]);
                }
            }
            double rate = input.median() / 2;
            EndToEndBench.Latency l = e2e.latency(rate, ctx.sizes().latencySeconds(), ctx.sizes().latencyWindows());
            // The same rate with the connectors' consumers told not to wait for more data (Kafka's default fetch.max.wait.ms
            // is 500 ms), interleaved: fetch wait, defaults again, fetch wait.
            Map<String, Measure> tail = new LinkedHashMap<>();
            tail.put("defaults", new Measure("ms"));
            tail.put("fetch", new Measure("ms"));
            double worstOfMain = 0;
            for (EndToEndBench.Target t : EndToEndBench.Target.values()) {
                worstOfMain = Math.max(worstOfMain, Measure.percentile(l.byTarget().get(t).values(), 99));
            }
            tail.get("defaults").add(worstOfMain);
            for (String variant : List.of("fetch", "defaults", "fetch")) {
                e2e.reconfigure(variant.equals("fetch") ? E2E_FETCH : Map.of());
                EndToEndBench.Latency v = e2e.latency(rate, ctx.sizes().latencySeconds(), ctx.sizes().latencyWindows());
                List<String> parts = new ArrayList<>();
                double worst = 0;
                for (EndToEndBench.Target t : EndToEndBench.Target.values()) {
                    double q = Measure.percentile(v.byTarget().get(t).values(), 99);
                    worst = Math.max(worst, q);
                    parts.add(t.label + " p50 " + Report.fmt(Measure.percentile(v.byTarget().get(t).values(), 50)) + " / p99 " + Report.fmt(q));
                }
                tail.get(variant).add(worst);
                ctx.progress("fig 11: %s at %,.0f input records/s: %s ms; load %s", variant.equals("fetch") ? E2E_FETCH : "defaults", rate,
                    String.join(", ", parts), load1());
            }
            String load = "load " + loadBefore + " → " + load1();
            report.add(new Row(11, "end to end p99 (worst target), connectors with " + E2E_FETCH + " vs their defaults", tail.get("fetch"),
                tail.get("defaults"), null, null, "at the same rate, interleaved (defaults, fetch, defaults, fetch); the defaults' first value "
                    + "is the main run's"));
            report.add(new Row(11, "end to end: maximum rate, four sample endpoints (input records/s)", input, null, null, null,
                "a burst of " + String.format(Locale.ROOT, "%,d", burst) + " input records (3 of 4 events, each to 3 endpoints; 1 of 4 raw "
                    + "telemetry, to 1): input ÷ (last stand-in arrival − first produce); " + load));
            report.add(new Row(11, "end to end: maximum rate, deliveries/s at the stand-ins", deliveries, null, null, null, ""));
            for (EndToEndBench.Target t : EndToEndBench.Target.values()) {
                Measure m = l.byTarget().get(t);
                double p50 = Measure.percentile(m.values(), 50);
                double p99 = Measure.percentile(m.values(), 99);
                double p999 = Measure.percentile(m.values(), 99.9);
                ctx.progress("fig 11: %s at %,.0f input records/s: p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms (%,d deliveries)", t.label, rate,
                    p50, p99, p999, m.count());
                report.add(new Row(11, "end to end latency, " + t.label + ": p99", single("ms", p99), null, "p99 ≤ 250 ms", p99 <= 250,
                    String.format(Locale.ROOT, "p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms over %,d deliveries at %,.0f input records/s "
                        + "(half the maximum); produce → stand-in arrival, exactly_once_v2, commit.interval.ms 100", p50, p99, p999,
                        m.count(), rate)));
            }
        }
    }

    /** Figures 5, 6 (failover, key update) and 7 (Connect worker), on one Connect worker and the stand-ins. */
    private void connectors() throws Exception {
        ctx.progress("starting the stand-ins and a Connect worker (child JVM, plugin from %s)", Repo.layout().pluginDir());
        List<String> workerJvm = jfr ? List.of("-XX:StartFlightRecording=filename=" + ctx.work().resolve("connect-worker.jfr") + ",settings=profile")
            : List.of();
        try (ConnectBench bench = ConnectBench.start(ctx, workerJvm)) {
            ctx.progress("Connect worker up (pid %d)", bench.worker().process().pid());
            Measure rss = new Measure("MiB");
            if (only.contains(5) || only.contains(7)) {
                Map<StandIns.Target, Measure> conn = new LinkedHashMap<>();
                Map<StandIns.Target, Measure> raw = new LinkedHashMap<>();
                Map<StandIns.Target, Measure> read = new LinkedHashMap<>();
                Map<StandIns.Target, Map<Integer, Measure>> async = new LinkedHashMap<>();
                Map<StandIns.Target, Measure> limit = new LinkedHashMap<>();
                String loadBefore = load1();
                for (StandIns.Target t : StandIns.Target.values()) {
                    conn.put(t, new Measure("records/s"));
                    raw.put(t, new Measure("records/s"));
                    read.put(t, new Measure("records/s"));
                    limit.put(t, new Measure("records/s"));
                    Map<Integer, Measure> byWindow = new LinkedHashMap<>();
                    IN_FLIGHT.forEach(k -> byWindow.put(k, new Measure("records/s")));
                    async.put(t, byWindow);
                }
                int cycles = ctx.sizes().warmups() + ctx.sizes().runs();
                for (int c = 0; c < cycles; c++) {
                    boolean warm = c < ctx.sizes().warmups();
                    String tag = warm ? "warm-up" : "run " + (c - ctx.sizes().warmups() + 1) + "/" + ctx.sizes().runs();
                    for (StandIns.Target t : StandIns.Target.values()) {
                        double r = bench.raw(t);
                        ctx.progress("fig 5 %s: raw SDK loop, %s: %,.0f records/s", tag, t.label, r);
                        Map<Integer, Double> a = new LinkedHashMap<>();
                        for (int k : IN_FLIGHT) {
                            a.put(k, bench.async(t, k));
                        }
                        double lim = bench.limit(t, LIMIT_IN_FLIGHT);
                        ctx.progress("fig 5 %s: async SDK, %s, batches in flight %s records/s; stand-in limit %,.0f records/s; load %s",
                            tag, t.label, a, lim, load1());
                        ConnectBench.Throughput k = bench.connector(t);
                        ctx.progress("fig 5 %s: connector,    %s: %,.0f records/s, worker peak RSS %.0f MiB; its topic read alone: %,.0f records/s",
                            tag, t.label, k.recordsPerSec(), k.workerPeakRssMib(), k.readAlonePerSec());
                        if (!warm) {
                            raw.get(t).add(r);
                            a.forEach((w, v) -> async.get(t).get(w).add(v));
                            limit.get(t).add(lim);
                            conn.get(t).add(k.recordsPerSec());
                            read.get(t).add(k.readAlonePerSec());
                            rss.add(k.workerPeakRssMib());
                        }
                    }
                }
                for (StandIns.Target t : StandIns.Target.values()) {
                    Measure m = conn.get(t);
                    Measure b = raw.get(t);
                    report.add(new Row(5, t.label + " connector in a Connect worker vs sync SDK loop (one batch at a time)", m, b, null,
                        null, "records delivered/s at the stand-in, " + ctx.sizes().connectorRecords()
                        + " records of " + io.twinegress.bench.load.Events.RECORD_BYTES + " B; the earlier baseline"));
                }
                String load = "load " + loadBefore + " → " + load1();
                for (StandIns.Target t : StandIns.Target.values()) {
                    Measure m = conn.get(t);
                    int best = IN_FLIGHT.get(0);
                    for (int k : IN_FLIGHT) {
                        if (async.get(t).get(k).median() > async.get(t).get(best).median()) {
                            best = k;
                        }
                    }
                    Measure b = async.get(t).get(best);
                    report.add(new Row(5, t.label + " connector vs the best SDK baseline (async, " + best + " batch(es) in flight)", m, b,
                        "≥ 0.90×", m.median() / b.median() >= 0.9, "of async with 1/2/4 batches in flight, the best median; " + medians(async.get(t))
                        + "; " + load));
                    report.add(new Row(5, t.label + " connector vs the stand-in's ingest limit", m, limit.get(t), null, null,
                        "limit: every batch built before timing, " + LIMIT_IN_FLIGHT + " in flight"));
                }
                for (StandIns.Target t : StandIns.Target.values()) {
                    report.add(new Row(5, t.label + " connector vs its input topic read alone (plain consumer, read_committed)",
                        conn.get(t), read.get(t), null, null, "what reading from Kafka costs on these cores, which the raw loop never pays"));
                }
            }
            if (only.contains(12)) {
                cloudEventsVsAsIs(bench);
            }
            if (only.contains(6)) {
                for (StandIns.Target t : StandIns.Target.values()) {
                    Measure[] m = bench.failoverAndKeyUpdate(t, ctx.sizes().trials());
                    report.add(new Row(6, t.label + " failover: key refused → first send on the other key (p50 = median)", m[0], null,
                        "< 1 s", m[0].max() < 1000, "max = " + Report.fmt(m[0].max()) + " ms"));
                    report.add(new Row(6, t.label + " key update: REST PUT → first delivery with the new key (p50 = median)", m[1], null,
                        "< 15 s", m[1].max() < 15000, "max = " + Report.fmt(m[1].max()) + " ms"));
                }
            }
            if (rss.count() > 0) {
                report.add(new Row(7, "peak RSS: Connect worker during figure 5's connector runs", rss, null, null, null,
                    "VmHWM of the worker JVM (" + SubjectJvm.HEAP + "), reset before each run; all three connectors"));
            }
        }
    }

    /**
     * Figure 12: each connector with {@code event.format=cloudevents} vs {@code as-is}, the same records and
     * stand-in, interleaved (as-is, cloudevents per target and cycle).
     */
    private void cloudEventsVsAsIs(ConnectBench bench) throws Exception {
        Map<StandIns.Target, Measure> asIs = new LinkedHashMap<>();
        Map<StandIns.Target, Measure> ce = new LinkedHashMap<>();
        for (StandIns.Target t : StandIns.Target.values()) {
            asIs.put(t, new Measure("records/s"));
            ce.put(t, new Measure("records/s"));
        }
        int cycles = ctx.sizes().warmups() + ctx.sizes().runs();
        for (int c = 0; c < cycles; c++) {
            boolean warm = c < ctx.sizes().warmups();
            String tag = warm ? "warm-up" : "run " + (c - ctx.sizes().warmups() + 1) + "/" + ctx.sizes().runs();
            for (StandIns.Target t : StandIns.Target.values()) {
                double a = bench.connector(t, false).recordsPerSec();
                double b = bench.connector(t, true).recordsPerSec();
                ctx.progress("fig 12 %s: %s connector, as-is %,.0f records/s, cloudevents %,.0f records/s", tag, t.label, a, b);
                if (!warm) {
                    asIs.get(t).add(a);
                    ce.get(t).add(b);
                }
            }
        }
        for (StandIns.Target t : StandIns.Target.values()) {
            report.add(new Row(12, t.label + " connector, event.format=cloudevents vs as-is", ce.get(t), asIs.get(t), "≥ 0.90×",
                ce.get(t).median() / asIs.get(t).median() >= 0.9, (t == StandIns.Target.EVENT_GRID ? "JSON batch format"
                : "AMQP binary mode") + ", " + ctx.sizes().connectorRecords() + " records of " + io.twinegress.bench.load.Events.RECORD_BYTES + " B"));
        }
    }

    /** Figure 11's variant: the connectors' consumers answer as soon as there is data (the default waits up to 500 ms). */
    static final Map<String, String> E2E_FETCH = Map.of("consumer.override.fetch.max.wait.ms", "50");

    /** Figure 5's async baselines: batches in flight at once. */
    static final List<Integer> IN_FLIGHT = List.of(1, 2, 4);
    /** Figure 5's stand-in limit: batches in flight at once (more than any baseline, so the wire is never idle). */
    static final int LIMIT_IN_FLIGHT = 8;

    private static String medians(Map<Integer, Measure> byWindow) {
        List<String> parts = new ArrayList<>();
        byWindow.forEach((k, m) -> parts.add(k + ": " + Report.fmt(m.median())));
        return String.join(", ", parts);
    }

    /** Figure 3 (latency at half the measured maximum) and figure 6's activation time, on one router. */
    private void routerTimings(StreamsBench streams) throws Exception {
        RouterTimingBench timing = new RouterTimingBench(ctx, streams);
        try {
            timing.start();
            if (only.contains(3)) {
                double max = Double.isNaN(routerEosRate) ? 2000 : routerEosRate;
                double rate = Math.max(100, max / 2);
                ctx.progress("fig 3: latency at %,.0f events/s (half of %,.0f), %d s warm-up + %d windows of %d s",
                    rate, max, ctx.sizes().latencySeconds(), ctx.sizes().latencyWindows(), ctx.sizes().latencySeconds());
                RouterTimingBench.Latency l = timing.latency(rate);
                ctx.progress("fig 3: p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms (medians of %d windows, %,d samples)",
                    l.p50().median(), l.p99().median(), l.p999().median(), l.p50().count(), l.samples());
                String note = String.format(Locale.ROOT, "at %,.0f events/s = 50%% of the measured maximum (figure 1, exactly_once_v2); "
                    + "produce (CreateTime) → received by a read_committed consumer; one value per %d-s window, %,d samples",
                    rate, ctx.sizes().latencySeconds(), l.samples());
                report.add(new Row(3, "router end-to-end latency p50", l.p50(), null, null, null, note));
                report.add(new Row(3, "router end-to-end latency p99", l.p99(), null, null, null, ""));
                report.add(new Row(3, "router end-to-end latency p99.9", l.p999(), null, null, null, ""));
            }
            if (only.contains(6)) {
                Measure a = timing.activation(ctx.sizes().trials());
                report.add(new Row(6, "endpoint activation: endpoint record → first routed event visible (p50 = median)", a, null, "< 5 s",
                    a.max() < 5000, "max = " + Report.fmt(a.max()) + " ms; read_committed, so it includes the commit interval (100 ms)"));
            }
        } finally {
            timing.stop();
        }
    }

    /** Figures 1, 2 and the router half of 7, interleaved: PT-eos, R-eos, PT-alos, R-alos, PP per cycle. */
    private void routerVsPassThrough(StreamsBench streams) throws Exception {
        String loadBefore = load1();
        Measure ptEosSteady = new Measure("events/s");
        Measure rEosSteady = new Measure("events/s");
        Measure ptAlosSteady = new Measure("events/s");
        Measure rAlosSteady = new Measure("events/s");
        Measure ptEosCpu = new Measure("CPU s");
        Measure rEosCpu = new Measure("CPU s");
        Measure ptAlosCpu = new Measure("CPU s");
        Measure rAlosCpu = new Measure("CPU s");
        Measure ptEos = new Measure("events/s");
        Measure rEos = new Measure("events/s");
        Measure ptAlos = new Measure("events/s");
        Measure rAlos = new Measure("events/s");
        Measure pp = new Measure("records/s");
        Measure rssRouter = new Measure("MiB");
        Measure rssPt = new Measure("MiB");
        int cycles = ctx.sizes().warmups() + ctx.sizes().runs();
        for (int c = 0; c < cycles; c++) {
            boolean warm = c < ctx.sizes().warmups();
            String tag = warm ? "warm-up" : "run " + (c - ctx.sizes().warmups() + 1) + "/" + ctx.sizes().runs();
            StreamsBench.RunResult a = streams.passThrough("f1c" + c + "pe", EOS);
            ctx.progress("fig 1 %s: pass-through %s %,.0f events/s, peak RSS %.0f MiB", tag, EOS, a.eventsPerSec(), a.peakRssMib());
            StreamsBench.RunResult b = streams.router("f1c" + c + "re", EOS, 1, true);
            ctx.progress("fig 1 %s: router       %s %,.0f events/s, peak RSS %.0f MiB", tag, EOS, b.eventsPerSec(), b.peakRssMib());
            StreamsBench.RunResult d = streams.passThrough("f1c" + c + "pa", ALOS);
            ctx.progress("fig 1 %s: pass-through %s %,.0f events/s", tag, ALOS, d.eventsPerSec());
            StreamsBench.RunResult e = streams.router("f1c" + c + "ra", ALOS, 1, true);
            ctx.progress("fig 1 %s: router       %s %,.0f events/s", tag, ALOS, e.eventsPerSec());
            double p = Double.NaN;
            if (only.contains(2)) {
                p = streams.producerPerformance("f2c" + c);
                ctx.progress("fig 2 %s: ProducerPerformance %,.0f records/s", tag, p);
            }
            ctx.progress("fig 1 %s: steady state (last half of the output): pass-through %s %,.0f, router %,.0f; %s %,.0f, router %,.0f events/s",
                tag, EOS, a.steadyEventsPerSec(), b.steadyEventsPerSec(), ALOS, d.steadyEventsPerSec(), e.steadyEventsPerSec());
            ctx.progress("fig 1 %s: CPU seconds per run (whole JVM): pass-through %s %.1f, router %.1f; %s %.1f, router %.1f; load %s",
                tag, EOS, a.cpuSeconds(), b.cpuSeconds(), ALOS, d.cpuSeconds(), e.cpuSeconds(), load1());
            if (!warm) {
                ptEosCpu.add(a.cpuSeconds());
                rEosCpu.add(b.cpuSeconds());
                ptAlosCpu.add(d.cpuSeconds());
                rAlosCpu.add(e.cpuSeconds());
                ptEosSteady.add(a.steadyEventsPerSec());
                rEosSteady.add(b.steadyEventsPerSec());
                ptAlosSteady.add(d.steadyEventsPerSec());
                rAlosSteady.add(e.steadyEventsPerSec());
                ptEos.add(a.eventsPerSec());
                rEos.add(b.eventsPerSec());
                ptAlos.add(d.eventsPerSec());
                rAlos.add(e.eventsPerSec());
                if (!Double.isNaN(p)) {
                    pp.add(p);
                }
                rssPt.add(Math.max(a.peakRssMib(), d.peakRssMib()));
                rssRouter.add(Math.max(b.peakRssMib(), e.peakRssMib()));
            }
        }
        routerEosRate = rEos.median();
        String load = "load " + loadBefore + " → " + load1();
        report.add(new Row(1, "router vs pass-through Kafka Streams app, exactly_once_v2", rEos, ptEos, "≥ 0.90×",
            rEos.median() / ptEos.median() >= 0.9, "input events/s over the whole run of a fresh JVM, fan-out 1; " + load));
        report.add(new Row(1, "router vs pass-through Kafka Streams app, at_least_once", rAlos, ptAlos, "≥ 0.90×",
            rAlos.median() / ptAlos.median() >= 0.9, "input events/s over the whole run, fan-out 1"));
        report.add(new Row(1, "router vs pass-through, exactly_once_v2, steady state", rEosSteady, ptEosSteady, "≥ 0.90×",
            rEosSteady.median() / ptEosSteady.median() >= 0.9, "the same runs, the last half of each output (past the JIT warm-up)"));
        report.add(new Row(1, "router vs pass-through, at_least_once, steady state", rAlosSteady, ptAlosSteady, "≥ 0.90×",
            rAlosSteady.median() / ptAlosSteady.median() >= 0.9, "the same runs, the last half of each output"));
        report.add(new Row(1, "CPU per run: router vs pass-through, exactly_once_v2 (lower is better)", rEosCpu, ptEosCpu, null, null,
            "user + system CPU seconds of the subject's JVM for the whole run (start, JIT, " + String.format(Locale.ROOT, "%,d",
                ctx.sizes().records()) + " events): what a loaded machine does not distort; 1 ÷ ratio ≈ the rate ratio on idle cores"));
        report.add(new Row(1, "CPU per run: router vs pass-through, at_least_once (lower is better)", rAlosCpu, ptAlosCpu, null, null, ""));
        if (pp.count() > 0) {
            report.add(new Row(2, "router (exactly_once_v2) vs ProducerPerformance", rEos, pp, null, null,
                "how far from the broker's raw write rate on this machine"));
            report.add(new Row(2, "router (at_least_once) vs ProducerPerformance", rAlos, pp, null, null, ""));
        }
        report.add(new Row(7, "peak RSS: router vs pass-through app (figure 1 runs)", rssRouter, rssPt, null, null,
            "VmHWM of the child JVM, " + SubjectJvm.HEAP + ", the larger of its two runs per cycle"));
    }

    /**
     * Figure 9: what each part of the router's output costs, as ratios to a pass-through run of the same
     * cycle (exactly_once_v2, steady state): the router as shipped (three lineage headers), with none, with
     * each one alone; and both subjects given the same producer batching ({@link #TUNED}).
     */
    private void steps(StreamsBench streams) throws Exception {
        record Step(String name, boolean passThrough, Map<String, String> props) {
        }
        String lineage = "twin.lineage.headers";
        List<Step> plan = List.of(
            new Step("pass-through", true, Map.of()),
            new Step("router, 3 lineage headers (default)", false, Map.of()),
            new Step("router, no lineage header", false, Map.of(lineage, "")),
            new Step("router, source-topic only", false, Map.of(lineage, "source-topic")),
            new Step("router, source-partition only", false, Map.of(lineage, "source-partition")),
            new Step("router, source-offset only", false, Map.of(lineage, "source-offset")),
            new Step("pass-through, " + TUNED_NAME, true, TUNED),
            new Step("router, " + TUNED_NAME, false, TUNED));
        Map<String, Measure> rate = new LinkedHashMap<>();
        Map<String, Measure> cpu = new LinkedHashMap<>();
        plan.forEach(st -> {
            rate.put(st.name(), new Measure("events/s"));
            cpu.put(st.name(), new Measure("CPU s"));
        });
        String loadBefore = load1();
        int warmups = only.contains(1) || only.contains(4) || only.contains(8) ? 0 : ctx.sizes().warmups();
        for (int c = 0; c < warmups + ctx.sizes().runs(); c++) {
            boolean warm = c < warmups;
            int k = 0;
            for (Step st : plan) {
                String id = "f9c" + c + "s" + (k++);
                StreamsBench.RunResult r = st.passThrough() ? streams.passThrough(id, EOS, st.props())
                    : streams.router(id, EOS, 1, true, st.props());
                ctx.progress("fig 9 %s: %s: %,.0f events/s steady (%,.0f whole run), %.1f CPU s, load %s", warm ? "warm-up" : "run",
                    st.name(), r.steadyEventsPerSec(), r.eventsPerSec(), r.cpuSeconds(), load1());
                if (!warm) {
                    rate.get(st.name()).add(r.steadyEventsPerSec());
                    cpu.get(st.name()).add(r.cpuSeconds());
                }
            }
        }
        String load = "load " + loadBefore + " → " + load1();
        Measure pt = rate.get("pass-through");
        for (Step st : plan.subList(1, 6)) {
            report.add(new Row(9, "steps: " + st.name() + " vs pass-through", rate.get(st.name()), pt, null, null,
                "exactly_once_v2, steady state (last half of the output), fan-out 1; " + load));
        }
        Measure tunedPt = rate.get("pass-through, " + TUNED_NAME);
        report.add(new Row(9, "steps: pass-through, " + TUNED_NAME + " vs pass-through", tunedPt, pt, null, null, TUNED.toString()));
        report.add(new Row(9, "steps: router vs pass-through, both " + TUNED_NAME, rate.get("router, " + TUNED_NAME), tunedPt, null, null,
            "the same producer settings for both subjects"));
        Measure ptCpu = cpu.get("pass-through");
        for (Step st : plan.subList(1, 6)) {
            report.add(new Row(9, "steps, CPU per run: " + st.name() + " vs pass-through (lower is better)", cpu.get(st.name()), ptCpu,
                null, null, "user + system CPU seconds of the subject's JVM, whole run"));
        }
        report.add(new Row(9, "steps, CPU per run: router vs pass-through, both " + TUNED_NAME + " (lower is better)",
            cpu.get("router, " + TUNED_NAME), cpu.get("pass-through, " + TUNED_NAME), null, null, ""));
    }

    /** The producer settings figure 9 gives both subjects: batches for the router's many small records. */
    static final Map<String, String> TUNED = Map.of("producer.linger.ms", "20", "producer.batch.size", "131072");
    static final String TUNED_NAME = "linger.ms 20, batch.size 128 KiB";

    /** The 1-minute load average, as /proc/loadavg has it. */
    static String load1() {
        String all = loadAverage();
        int space = all.indexOf(' ');
        return space < 0 ? all : all.substring(0, space);
    }

    /** Figure 1's gap, by parts: pass-through, router, router without the device-messages sub-topology (EOS). */
    private void diagnose(StreamsBench streams) throws Exception {
        Measure pt = new Measure("events/s");
        Measure r = new Measure("events/s");
        Measure noDm = new Measure("events/s");
        for (int c = 0; c < ctx.sizes().warmups() + ctx.sizes().runs(); c++) {
            boolean warm = c < ctx.sizes().warmups();
            StreamsBench.RunResult a = streams.passThrough("dxc" + c + "p", EOS);
            StreamsBench.RunResult b = streams.router("dxc" + c + "r", EOS, 1, true);
            StreamsBench.RunResult d = streams.router("dxc" + c + "n", EOS, 1, true, Map.of("twin.device.messages.topic", ""));
            ctx.progress("diagnose %s: pass-through %,.0f, router %,.0f, router without device-messages sub-topology %,.0f events/s",
                warm ? "warm-up" : "run", a.eventsPerSec(), b.eventsPerSec(), d.eventsPerSec());
            if (!warm) {
                pt.add(a.eventsPerSec());
                r.add(b.eventsPerSec());
                noDm.add(d.eventsPerSec());
            }
        }
        report.add(new Row(1, "diagnostic: router vs pass-through, exactly_once_v2", r, pt, null, null, ""));
        report.add(new Row(1, "diagnostic: router without twin.device-messages vs pass-through, exactly_once_v2", noDm, pt, null, null, ""));
    }

    /** Figure 4: 1, 10, 100 Active endpoints with every event matching one; 10 endpoints all matching. */
    private void fanOut(StreamsBench streams) throws Exception {
        record Config(String name, int endpoints, boolean allMatch) {
        }
        List<Config> configs = new ArrayList<>(List.of(new Config("1 endpoint", 1, true), new Config("10 endpoints, 1 matching", 10, false)));
        if (ctx.sizes().fanOut100()) {
            configs.add(new Config("100 endpoints, 1 matching", 100, false));
        }
        configs.add(new Config("10 endpoints, all 10 matching", 10, true));
        Map<String, Measure> events = new LinkedHashMap<>();
        Map<String, Measure> outputs = new LinkedHashMap<>();
        configs.forEach(c -> {
            events.put(c.name(), new Measure("events/s"));
            outputs.put(c.name(), new Measure("records/s"));
        });
        // Figure 1 warmed the broker (and every subject run is a fresh JVM anyway): no extra warm-up cycle
        // here when figure 1 ran before, to keep the suite under 15 minutes.
        int warmups = only.contains(1) ? 0 : ctx.sizes().warmups();
        int cycles = warmups + ctx.sizes().runs();
        for (int c = 0; c < cycles; c++) {
            boolean warm = c < warmups;
            String tag = warm ? "warm-up" : "run " + (c - warmups + 1) + "/" + ctx.sizes().runs();
            int k = 0;
            for (Config cfg : configs) {
                StreamsBench.RunResult r = streams.router("f4c" + c + "k" + (k++), EOS, cfg.endpoints(), cfg.allMatch());
                ctx.progress("fig 4 %s: router, %s: %,.0f events/s, %,.0f egress records/s", tag, cfg.name(), r.eventsPerSec(), r.outputPerSec());
                if (!warm) {
                    events.get(cfg.name()).add(r.eventsPerSec());
                    outputs.get(cfg.name()).add(r.outputPerSec());
                }
            }
        }
        Measure one = events.get("1 endpoint");
        for (Config cfg : configs) {
            Measure m = events.get(cfg.name());
            if (cfg.endpoints() == 1) {
                report.add(new Row(4, "fan-out: 1 endpoint (the base)", m, null, null, null, "input events/s, exactly_once_v2"));
            } else if (!cfg.allMatch()) {
                boolean target = cfg.endpoints() == 100;
                report.add(new Row(4, "fan-out: " + cfg.name() + " vs 1 endpoint", m, one, target ? "≥ 0.80× (cost ≤ 20%)" : null,
                    target ? m.median() / one.median() >= 0.8 : null, "input events/s"));
            } else {
                report.add(new Row(4, "fan-out: " + cfg.name() + " vs 1 endpoint", m, one, null, null,
                    "input events/s; each event written 10 times"));
                report.add(new Row(4, "fan-out: " + cfg.name() + ", egress records/s vs 1 endpoint", outputs.get(cfg.name()),
                    outputs.get("1 endpoint"), null, null, "records written per second"));
            }
        }
    }

    /**
     * Figure 8: content filters. One endpoint without a filter (the base); 100 endpoints each with a
     * {@code $body} filter, one matching; 10 endpoints with subject/source filters, one matching.
     * Every event reaches one egress topic in all three, so the ratios are the filters' cost.
     */
    private void filters(StreamsBench streams) throws Exception {
        record Config(String name, List<StreamsBench.Subscription> endpoints) {
        }
        int body = ctx.sizes().fanOut100() ? 100 : 10;
        List<Config> configs = List.of(
            new Config("base", List.of(new StreamsBench.Subscription(StreamsBench.EVENT_TYPE, null))),
            new Config("body", StreamsBench.bodyFiltered(body, 1)),
            new Config("envelope", StreamsBench.envelopeFiltered(10, 1)));
        Map<String, Measure> events = new LinkedHashMap<>();
        configs.forEach(c -> events.put(c.name(), new Measure("events/s")));
        int warmups = only.contains(1) || only.contains(4) ? 0 : ctx.sizes().warmups();
        int cycles = warmups + ctx.sizes().runs();
        for (int c = 0; c < cycles; c++) {
            boolean warm = c < warmups;
            String tag = warm ? "warm-up" : "run " + (c - warmups + 1) + "/" + ctx.sizes().runs();
            for (Config cfg : configs) {
                StreamsBench.RunResult r = streams.router("f8c" + c + cfg.name(), EOS, cfg.endpoints(), 1, Map.of());
                ctx.progress("fig 8 %s: router, %s (%d endpoints): %,.0f events/s", tag, cfg.name(), cfg.endpoints().size(), r.eventsPerSec());
                if (!warm) {
                    events.get(cfg.name()).add(r.eventsPerSec());
                }
            }
        }
        Measure base = events.get("base");
        report.add(new Row(8, "filters: 1 endpoint without a filter (the base)", base, null, null, null, "input events/s, exactly_once_v2"));
        Measure b = events.get("body");
        report.add(new Row(8, "filters: " + body + " endpoints each with a $body filter, 1 matching vs 1 endpoint without a filter", b, base,
            "≥ 0.80×", b.median() / base.median() >= 0.8, "input events/s; one pass over each event collects the 3 paths all filters read"));
        Measure e = events.get("envelope");
        report.add(new Row(8, "filters: 10 endpoints with subject/source filters, 1 matching vs 1 endpoint without a filter", e, base,
            null, null, "input events/s; data is skipped as without filters"));
    }

    /**
     * Figure 10: the router with 100 and 1,000 endpoints registered through its control plane
     * (registration, live heap, activation), then routing throughput with one matching endpoint of
     * 1, 100 and 1,000 (fresh routers on figure 1's input, as figure 4).
     */
    private void scale(StreamsBench streams) throws Exception {
        RouterScaleBench bench = new RouterScaleBench(ctx, streams);
        List<Integer> sizes = ctx.sizes().scaleEndpoints();
        int largest = sizes.get(sizes.size() - 1);
        {
            List<RouterScaleBench.Size> measured = bench.run(sizes, ctx.sizes().scaleTrials());
            RouterScaleBench.Size previous = measured.get(0);
            for (RouterScaleBench.Size s : measured.subList(1, measured.size())) {
                String range = count(previous.endpoints()) + " → " + count(s.endpoints());
                report.add(new Row(10, "scale: registering endpoints through twin.endpoints, per endpoint (" + range + ")",
                    single("ms", s.registrationMsPerEndpoint()), null, null, null,
                    "endpoint records produced → all Active in the status topic (validation, egress topic, status record), ÷ endpoints"));
                double perEndpoint = (s.heapBytes() - previous.heapBytes()) / (double) (s.endpoints() - previous.endpoints());
                report.add(new Row(10, "scale: router live heap per endpoint (" + range + ")", single("bytes", perEndpoint), null, null, null,
                    "jcmd GC.class_histogram totals (full GC, reachable objects) of the same router; " + Report.fmt(s.heapBytes() / 1048576.0)
                        + " MiB live with " + count(s.endpoints()) + " endpoints; most growth: " + growth(s.heapGrowth())));
                Measure a = s.activationMs();
                double p99 = Measure.percentile(a.values(), 99);
                report.add(new Row(10, "scale: endpoint activation with " + count(s.endpoints()) + " endpoints (p50 = median)", a, null,
                    "< 5 s", a.max() < 5000, "p99 = " + Report.fmt(p99) + " ms of " + a.count() + " trials; as figure 6, the egress topic created by the router"));
                previous = s;
            }
        }
        Map<Integer, Measure> rate = new LinkedHashMap<>();
        Map<Integer, Measure> start = new LinkedHashMap<>();
        List<Integer> tables = new ArrayList<>(List.of(1));
        tables.addAll(sizes);
        tables.forEach(n -> {
            rate.put(n, new Measure("events/s"));
            start.put(n, new Measure("s"));
        });
        try {
            int warmups = only.contains(1) || only.contains(4) || only.contains(8) ? 0 : ctx.sizes().warmups();
            for (int c = 0; c < warmups + ctx.sizes().runs(); c++) {
                boolean warm = c < warmups;
                for (int n : tables) {
                    StreamsBench.RunResult r = streams.router("f10c" + c + "n" + n, EOS, StreamsBench.subscriptions(n, false), 1, Map.of(),
                        RouterScaleBench.idleEgressPrefix());
                    ctx.progress("fig 10 %s: router, %,d endpoints, 1 matching: %,.0f events/s (steady %,.0f), started in %.1f s",
                        warm ? "warm-up" : "run", n, r.eventsPerSec(), r.steadyEventsPerSec(), r.startSeconds());
                    if (!warm) {
                        rate.get(n).add(r.steadyEventsPerSec());
                        start.get(n).add(r.startSeconds());
                    }
                }
            }
        } finally {
            bench.cleanUp();
        }
        Measure one = rate.get(1);
        for (int n : sizes) {
            report.add(new Row(10, "scale: routing throughput, " + count(n) + " endpoints, 1 matching vs 1 endpoint", rate.get(n), one,
                n == largest ? "≥ 0.80×" : null, n == largest ? rate.get(n).median() / one.median() >= 0.8 : null,
                "steady-state input events/s (as figure 1), exactly_once_v2; the others take other event types"));
        }
        report.add(new Row(10, "scale: router start with " + count(largest) + " endpoints vs 1 (launch → group stable)", start.get(largest),
            start.get(1), null, null, "the routing index rebuilt from the status topic before the first event"));
    }

    private static String count(int n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static Measure single(String unit, double v) {
        Measure m = new Measure(unit);
        m.add(v);
        return m;
    }

    private static String growth(Map<String, Long> byClass) {
        List<String> parts = new ArrayList<>();
        byClass.forEach((k, v) -> parts.add(k + " " + Report.fmt(v / 1024.0) + " KiB"));
        return String.join(", ", parts.subList(0, Math.min(4, parts.size())));
    }

    private static void facts(Report report, Ctx.Sizes sizes, Instant started) {
        Map<String, Object> m = report.machine();
        m.put("date (UTC)", DateTimeFormatter.ISO_INSTANT.format(started));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", firstLine(Path.of("/proc/cpuinfo"), "model name"));
        m.put("memory", firstLine(Path.of("/proc/meminfo"), "MemTotal"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("load average at start", loadAverage());
        m.put("git commit", git("rev-parse", "--short", "HEAD"));
        Map<String, Object> s = report.settings();
        s.put("Kafka", org.apache.kafka.common.utils.AppInfoParser.getVersion() + ", one KRaft node (broker + controller) in a child JVM (" + BenchBroker.HEAP + ")");
        s.put("broker settings changed from defaults", BenchBroker.OVERRIDES.toString());
        s.put("record size (bytes)", io.twinegress.bench.load.Events.RECORD_BYTES);
        s.put("keys", io.twinegress.bench.load.Events.KEYS + " (sensor ids)");
        s.put("partitions (input, output, egress)", sizes.partitions());
        s.put("records per throughput run", sizes.records());
        s.put("records per connector run", sizes.connectorRecords());
        s.put("warm-up cycles, measured cycles", sizes.warmups() + ", " + sizes.runs());
        s.put("timing trials (figure 6)", sizes.trials());
        s.put("subject JVMs", SubjectJvm.HEAP + " -XX:+UseG1GC, the same for router, pass-through app, ProducerPerformance and Connect worker");
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String firstLine(Path file, String prefix) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String git(String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out;
        } catch (Exception e) {
            return "unknown";
        }
    }

    static Path extract(String resource, Path dir) throws IOException {
        Path f = dir.resolve(resource);
        try (InputStream in = Suite.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
        }
        return f;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
