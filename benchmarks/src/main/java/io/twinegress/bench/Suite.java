package io.twinegress.bench;

import io.twinegress.bench.connect.ConnectBench;
import io.twinegress.bench.connect.StandIns;
import io.twinegress.bench.infra.BenchBroker;
import io.twinegress.bench.infra.Repo;
import io.twinegress.bench.infra.SubjectJvm;
import io.twinegress.bench.report.Measure;
import io.twinegress.bench.report.Report;
import io.twinegress.bench.report.Row;
import io.twinegress.bench.streams.StreamsBench;
import io.twinegress.bench.timing.RouterTimingBench;
import io.twinegress.localstack.kafka.KafkaBroker;
import io.twinegress.localstack.process.Children;
import org.apache.kafka.clients.admin.Admin;

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

/**
 * The benchmark suite: starts a real broker as a child process, runs every figure (1–7, and 8 for content filters) with
 * its baseline interleaved (A B A B …), and writes the report.
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
        Set<Integer> only = new TreeSet<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, io.twinegress.bench.scale.ConnectorScaleBench.FIGURE));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--full" -> smoke = false;
                case "--jfr" -> jfr = true;
                case "--diagnose" -> only = new TreeSet<>(List.of(DIAGNOSE));
                case "--out" -> out = Path.of(args[++i]);
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--connector-records" -> connectorRecords = Integer.parseInt(args[++i]);
                case "--only" -> {
                    only.clear();
                    for (String s : args[++i].split(",")) {
                        only.add(Integer.parseInt(s.trim()));
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                    + " (known: --smoke, --full, --jfr, --out DIR, --only 1,2,…, --records N, --connector-records N, --diagnose)");
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
            suite.runAll();
            report.machine().put("load average at end", loadAverage());
            ctx.progress("done");
        }
        report.machine().put("suite duration (s)", java.time.Duration.between(started, Instant.now()).toSeconds());
        Files.createDirectories(out);
        report.writeJson(out.resolve("benchmarks.json"));
        Files.writeString(out.resolve("benchmarks.md"), Markdown.page(report, out));
        return report;
    }

    void runAll() throws Exception {
        StreamsBench streams = new StreamsBench(ctx);
        if (jfr) {
            streams.routerJvmArgs(List.of("-XX:StartFlightRecording=filename=" + ctx.work().resolve("router-{run}.jfr") + ",settings=profile"));
        }
        if (only.contains(1) || only.contains(2) || only.contains(3) || only.contains(4) || only.contains(7) || only.contains(8)
            || only.contains(DIAGNOSE)) {
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
        if (only.contains(3) || only.contains(6)) {
            routerTimings(streams);
        }
        if (only.contains(5) || only.contains(6) || only.contains(7)) {
            connectors();
        }
        if (only.contains(io.twinegress.bench.scale.ConnectorScaleBench.FIGURE)) {
            new io.twinegress.bench.scale.ConnectorScaleBench(ctx, ctx.sizes().fanOut100() ? 100 : 6,
                Math.max(60, ctx.sizes().connectorRecords() / 2)).run(report);
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
                for (StandIns.Target t : StandIns.Target.values()) {
                    conn.put(t, new Measure("records/s"));
                    raw.put(t, new Measure("records/s"));
                    read.put(t, new Measure("records/s"));
                }
                int cycles = ctx.sizes().warmups() + ctx.sizes().runs();
                for (int c = 0; c < cycles; c++) {
                    boolean warm = c < ctx.sizes().warmups();
                    String tag = warm ? "warm-up" : "run " + (c - ctx.sizes().warmups() + 1) + "/" + ctx.sizes().runs();
                    for (StandIns.Target t : StandIns.Target.values()) {
                        double r = bench.raw(t);
                        ctx.progress("fig 5 %s: raw SDK loop, %s: %,.0f records/s", tag, t.label, r);
                        ConnectBench.Throughput k = bench.connector(t);
                        ctx.progress("fig 5 %s: connector,    %s: %,.0f records/s, worker peak RSS %.0f MiB; its topic read alone: %,.0f records/s",
                            tag, t.label, k.recordsPerSec(), k.workerPeakRssMib(), k.readAlonePerSec());
                        if (!warm) {
                            raw.get(t).add(r);
                            conn.get(t).add(k.recordsPerSec());
                            read.get(t).add(k.readAlonePerSec());
                            rss.add(k.workerPeakRssMib());
                        }
                    }
                }
                for (StandIns.Target t : StandIns.Target.values()) {
                    Measure m = conn.get(t);
                    Measure b = raw.get(t);
                    report.add(new Row(5, t.label + " connector in a Connect worker vs raw SDK loop", m, b, "≥ 0.90×",
                        m.median() / b.median() >= 0.9, "records delivered/s at the stand-in, " + ctx.sizes().connectorRecords()
                        + " records of " + io.twinegress.bench.load.Events.RECORD_BYTES + " B"));
                }
                for (StandIns.Target t : StandIns.Target.values()) {
                    report.add(new Row(5, t.label + " connector vs its input topic read alone (plain consumer, read_committed)",
                        conn.get(t), read.get(t), null, null, "what reading from Kafka costs on these cores, which the raw loop never pays"));
                }
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
            if (!warm) {
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
        report.add(new Row(1, "router vs pass-through Kafka Streams app, exactly_once_v2", rEos, ptEos, "≥ 0.90×",
            rEos.median() / ptEos.median() >= 0.9, "input events/s, fan-out 1"));
        report.add(new Row(1, "router vs pass-through Kafka Streams app, at_least_once", rAlos, ptAlos, "≥ 0.90×",
            rAlos.median() / ptAlos.median() >= 0.9, "input events/s, fan-out 1"));
        if (pp.count() > 0) {
            report.add(new Row(2, "router (exactly_once_v2) vs ProducerPerformance", rEos, pp, null, null,
                "how far from the broker's raw write rate on this machine"));
            report.add(new Row(2, "router (at_least_once) vs ProducerPerformance", rAlos, pp, null, null, ""));
        }
        report.add(new Row(7, "peak RSS: router vs pass-through app (figure 1 runs)", rssRouter, rssPt, null, null,
            "VmHWM of the child JVM, " + SubjectJvm.HEAP + ", the larger of its two runs per cycle"));
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
