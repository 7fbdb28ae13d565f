package io.twinegress.bench.streams;

import io.twinegress.bench.Ctx;
import io.twinegress.bench.infra.CpuTime;
import io.twinegress.bench.infra.OutputWatch;
import io.twinegress.bench.infra.PeakRss;
import io.twinegress.bench.infra.Progress;
import io.twinegress.bench.infra.Repo;
import io.twinegress.bench.infra.SubjectJvm;
import io.twinegress.bench.infra.Topics;
import io.twinegress.bench.load.Events;
import io.twinegress.bench.passthrough.PassThroughApp;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Java;
import io.twinegress.localstack.router.RouterProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Figures 1, 2, 4, 7 (router side) and 8: the router (through the local stack's launcher) and the
 * pass-through app each as a child JVM with the same heap and flags, reading the same pre-produced input topic from its beginning under a
 * fresh application id, and writing to fresh output topics; throughput = input events / (broker
 * append time of the last output record − that of the first), read back {@code read_committed}.
 */
public final class StreamsBench {

    public static final String INPUT = "bench.in";
    public static final String EVENT_TYPE = "SensorChange";
    private static final String[] OTHER_TYPES = {"SpaceChange", "UdfCustom", "TopologyOperation"};

    /**
     * One run: input events per second over the whole output, output records per second, the subject's
     * peak RSS, input events per second after the first {@link #STEADY_SKIP} of the output (steady state),
     * and how long the subject took to start (launch → its group stable; the pass-through: launch only).
     */
    public record RunResult(double eventsPerSec, double outputPerSec, double peakRssMib, double steadyEventsPerSec, double startSeconds,
                            double cpuSeconds) {
    }

    /**
     * The share of a run's output left out of its steady-state rate: a fresh JVM's first events run in
     * the interpreter and in code compiled without profile, while the compilers share the two cores with
     * everything else; a router that runs for days is past that.
     */
    public static final double STEADY_SKIP = 0.5;

    /** One Active endpoint of a router run: the event type it takes and its content filter (null: none). */
    public record Subscription(String eventType, String filter) {
    }

    /**
     * {@code count} SensorChange endpoints, each with a {@code $body} filter over three different
     * paths of the suite's events; the first {@code matching} match every event, the others none.
     */
    public static List<Subscription> bodyFiltered(int count, int matching) {
        List<Subscription> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String filter = i < matching ? "$body.DataType = 'Motion' AND $body.MessageType != 'ep-" + i + "'"
                : switch (i % 3) {
                    case 0 -> "$body.DataType = 'Type-" + i + "'";
                    case 1 -> "$body.MessageType = 'kind-" + i + "'";
                    default -> "$body.Type IN ('Classic-" + i + "', 'Other-" + i + "')";
                };
            out.add(new Subscription(EVENT_TYPE, filter));
        }
        return out;
    }

    /** {@code count} SensorChange endpoints with subject/source filters (no {@code $body}); the first {@code matching} match every event. */
    public static List<Subscription> envelopeFiltered(int count, int matching) {
        List<Subscription> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // The suite's events carry no topic (source): STARTS_WITH on it is false, its NOT true.
            String filter = i < matching ? "subject = 'SensorChange' AND NOT STARTS_WITH(source, '/subscriptions/site-" + i + "')"
                : "subject = 'Sensor-" + i + "' OR STARTS_WITH(source, '/subscriptions/site-" + i + "')";
            out.add(new Subscription(EVENT_TYPE, filter));
        }
        return out;
    }

    private final Ctx ctx;
    private List<String> extraRouterJvmArgs = List.of();
    private List<String> extraPassThroughJvmArgs = List.of();
    private Map<String, String> sharedStreamsProps = Map.of();
    private boolean readWhileRunning;

    public StreamsBench(Ctx ctx) {
        this.ctx = ctx;
    }

    /** E.g. a JFR recording for the router runs ({@code {run}} in an argument is replaced by the run's id). */
    public void routerJvmArgs(List<String> args) {
        this.extraRouterJvmArgs = List.copyOf(args);
    }

    /** The same for the pass-through runs (diagnostics only: figure 1 records the router alone). */
    public void passThroughJvmArgs(List<String> args) {
        this.extraPassThroughJvmArgs = List.copyOf(args);
    }

    /**
     * Diagnostics: read the output while the subject runs (how figure 1 measured until the suite
     * waited for the subject to finish first), so the suite's reader shares the cores with the subject.
     */
    public void readWhileRunning(boolean on) {
        this.readWhileRunning = on;
    }

    /** Kafka Streams or client settings both subjects get on top of the defaults (e.g. producer batching). */
    public void sharedStreamsProps(Map<String, String> props) {
        this.sharedStreamsProps = Map.copyOf(props);
    }

    /** Creates the input topic and fills it once; every run reads it from the beginning. */
    public void prepare() {
        Topics.create(ctx.admin(), INPUT, ctx.sizes().partitions(), Map.of());
        Events.fill(ctx.bootstrap(), INPUT, ctx.sizes().records(), EVENT_TYPE, false);
    }

    public RunResult passThrough(String runId, String guarantee) throws IOException {
        return passThrough(runId, guarantee, Map.of());
    }

    /** The same with extra Kafka Streams settings (diagnostics). */
    public RunResult passThrough(String runId, String guarantee, Map<String, String> extra) throws IOException {
        String prefix = "bench.run" + runId + ".";
        String out = prefix + "out";
        Topics.create(ctx.admin(), out, ctx.sizes().partitions(), Topics.LOG_APPEND_TIME);
        Map<String, String> p = streamsProps(prefix, guarantee);
        p.put(PassThroughApp.INPUT, INPUT);
        p.put(PassThroughApp.OUTPUT, out);
        p.putAll(extra);
        Path props = write(prefix + "passthrough.properties", p);
        List<String> jvm = new ArrayList<>(subjectJvmArgs());
        extraPassThroughJvmArgs.forEach(a -> jvm.add(a.replace("{run}", runId)));
        return measure(prefix, guarantee, () -> start("passthrough-" + runId, jvm, PassThroughApp.class.getName(), List.of(props.toString())),
            List.of(out), 1);
    }

    /**
     * The router with {@code endpoints} Active endpoints: with {@code allMatch} every one subscribes to
     * the input's event type (fan-out = endpoints), else only the first does and the others take
     * other types (fan-out 1, a table of {@code endpoints}).
     */
    public RunResult router(String runId, String guarantee, int endpoints, boolean allMatch) throws IOException {
        return router(runId, guarantee, endpoints, allMatch, Map.of());
    }

    /** The same with extra router properties (diagnostics, e.g. without the device-messages sub-topology). */
    public RunResult router(String runId, String guarantee, int endpoints, boolean allMatch, Map<String, String> extra) throws IOException {
        return router(runId, guarantee, subscriptions(endpoints, allMatch), allMatch ? endpoints : 1, extra);
    }

    /**
     * The router with these Active endpoints ({@code ep-0}, {@code ep-1}, ... in this order), of
     * which the first {@code receiving} receive every input event (fan-out = receiving) and the
     * others none.
     */
    public RunResult router(String runId, String guarantee, List<Subscription> endpoints, int receiving, Map<String, String> extra)
            throws IOException {
        return router(runId, guarantee, endpoints, receiving, extra, null);
    }

    /**
     * The same; with {@code idleEgressPrefix} the endpoints that receive nothing have their egress topics
     * there ({@code <prefix>ep-<i>}, existing already: a table of 1,000 endpoints does not create 1,000
     * topics per run), and only the receiving ones get fresh topics of this run.
     */
    public RunResult router(String runId, String guarantee, List<Subscription> endpoints, int receiving, Map<String, String> extra,
                            String idleEgressPrefix) throws IOException {
        String prefix = "bench.run" + runId + ".";
        String egressPrefix = prefix + "egress.";
        List<String> egress = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            egress.add((i < receiving || idleEgressPrefix == null ? egressPrefix : idleEgressPrefix) + "ep-" + i);
        }
        // The egress topics exist, as the router creates them on activation; the broker stamps their records.
        Topics.create(ctx.admin(), idleEgressPrefix == null ? egress : egress.subList(0, receiving), ctx.sizes().partitions(),
            Topics.LOG_APPEND_TIME);
        Topics.create(ctx.admin(), List.of(prefix + "endpoints", prefix + "status"), 1, Topics.COMPACTED);
        writeActiveStatuses(prefix + "status", egress, endpoints);

        Map<String, String> p = streamsProps(prefix, guarantee);
        p.put("twin.input.topics", INPUT);
        p.put("twin.device.messages.topic", prefix + "device-messages");
        p.put("twin.endpoints.topic", prefix + "endpoints");
        p.put("twin.endpoints.status.topic", prefix + "status");
        p.put("twin.endpoints.replay.topic", prefix + "replay");
        p.put("twin.dlq.topic", prefix + "dlq");
        p.put("twin.egress.topic.prefix", egressPrefix);
        p.put("twin.egress.topic.partitions", Integer.toString(ctx.sizes().partitions()));
        p.putAll(extra);
        List<String> jfr = extraRouterJvmArgs.stream().map(a -> a.replace("{run}", runId)).toList();
        return measure(prefix, guarantee, () -> startRouter("router-" + runId, p, jfr).process(), egress.subList(0, receiving), receiving);
    }

    /** {@code endpoints} without filters: all taking the input's type, or only the first (the others take other types). */
    public static List<Subscription> subscriptions(int endpoints, boolean allMatch) {
        List<Subscription> out = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            out.add(new Subscription(allMatch || i == 0 ? EVENT_TYPE : OTHER_TYPES[i % OTHER_TYPES.length], null));
        }
        return out;
    }

    /**
     * The packaged router through the local stack's launcher, with these router.properties and the
     * subjects' JVM flags plus {@code extraJvmArgs}; returns once its Kafka Streams group is stable.
     */
    public RouterProcess startRouter(String name, Map<String, String> props, List<String> extraJvmArgs) {
        List<String> jvm = new ArrayList<>(subjectJvmArgs());
        jvm.addAll(extraJvmArgs);
        return RouterProcess.launch(ctx.children(), Repo.layout(), ctx.bootstrap(), ctx.admin(),
                ctx.work().resolve("routers").resolve(name), ctx.work().resolve("logs"))
            .settings(props)
            .jvmFlags(jvm)
            .name(name)
            .start(Duration.ofMinutes(2));
    }

    /**
     * The broker's own limit for this record size and topic: {@code ProducerPerformance} (client
     * defaults, acks=all) writing as many records to a topic with the same partitions.
     */
    public double producerPerformance(String runId) throws IOException, InterruptedException {
        String prefix = "bench.run" + runId + ".";
        String topic = prefix + "pp";
        Topics.create(ctx.admin(), topic, ctx.sizes().partitions(), Map.of());
        ChildProcess pp = start("producer-performance-" + runId, "org.apache.kafka.tools.ProducerPerformance",
            List.of("--topic", topic,
                "--num-records", Integer.toString(ctx.sizes().records()), "--record-size", Integer.toString(Events.RECORD_BYTES),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + ctx.bootstrap(), "acks=all"));
        try {
            pp.awaitExit(Duration.ofMinutes(5));
            Matcher m = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec").matcher(Files.readString(pp.log()));
            double rate = Double.NaN;
            while (m.find()) {
                rate = Double.parseDouble(m.group(2));   // the last line is the summary
            }
            if (Double.isNaN(rate)) {
                throw new IllegalStateException("no summary from ProducerPerformance, see " + pp.log());
            }
            return rate;
        } finally {
            pp.stop(Duration.ofSeconds(5));
            Topics.deleteByPrefix(ctx.admin(), prefix);
        }
    }

    /**
     * {@code mainClass} of the suite's classpath in a child JVM with the subjects' flags, output in
     * {@code logs/<name>.log}; in the suite's working directory, which the classpath may be relative to.
     */
    private ChildProcess start(String name, String mainClass, List<String> args) {
        return start(name, subjectJvmArgs(), mainClass, args);
    }

    private ChildProcess start(String name, List<String> jvm, String mainClass, List<String> args) {
        return ctx.children().start(name, Java.command(jvm, ctx.classpath(), mainClass, args),
            Path.of("").toAbsolutePath(), ctx.work().resolve("logs").resolve(name + ".log"), Map.of());
    }

    /**
     * Starts the subject, waits until it has written and committed all its output (asking the broker: the
     * group's committed input offsets under exactly_once_v2, the output's end offsets under at_least_once),
     * then reads the output's append times. The suite reads nothing while the subject runs.
     */
    private RunResult measure(String prefix, String guarantee, Supplier<ChildProcess> start, List<String> outputs, int fanOut) {
        long n = ctx.sizes().records();
        ChildProcess subject = null;
        try {
            long t0 = System.nanoTime();
            subject = start.get();
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            Progress progress = new Progress(ctx.admin(), prefix + "app", INPUT, outputs, n * fanOut, guarantee);
            long pid = subject.pid();
            double[] cpu = {-1};
            BooleanSupplier done = () -> {
                boolean d = progress.done();
                if (d) {
                    cpu[0] = CpuTime.seconds(pid);   // the subject's CPU for its whole run, before it idles on
                }
                return d;
            };
            OutputWatch.Span span = readWhileRunning
                ? OutputWatch.await(ctx.bootstrap(), outputs, n * fanOut, Duration.ofMinutes(5), subject::isAlive)
                : OutputWatch.awaitDone(ctx.bootstrap(), outputs, n * fanOut, Duration.ofMinutes(5), subject::isAlive, done);
            if (cpu[0] < 0) {
                cpu[0] = CpuTime.seconds(pid);
            }
            double peak = PeakRss.mib(pid);
            double seconds = span.seconds();
            return new RunResult(n / seconds, n * fanOut / seconds, peak, span.steadyPerSec(STEADY_SKIP) / fanOut, startSeconds, cpu[0]);
        } finally {
            // Everything measured is committed and read: a short grace, then SIGKILL, keeps the suite short
            // (a fresh application id and transactional id per run, so nothing is left to fence).
            if (subject != null) {
                subject.stop(Duration.ofSeconds(3));
            }
            Topics.deleteByPrefix(ctx.admin(), prefix);
            Topics.deleteGroupsByPrefix(ctx.admin(), prefix);
        }
    }

    /** The same JVM flags for every subject (router, pass-through, ProducerPerformance). */
    public List<String> subjectJvmArgs() {
        return SubjectJvm.flags(ctx.childLog4j());
    }

    /**
     * Kafka Streams settings both apps share: defaults except id, guarantee, state directory and the
     * Kafka Streams defaults of the router's own that change what a processing round costs
     * ({@code max.task.idle.ms} -1: no waiting on, or checking of, empty partitions), so the
     * pass-through is measured with them too.
     */
    public Map<String, String> streamsProps(String prefix, String guarantee) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", ctx.bootstrap());
        p.put("application.id", prefix + "app");
        p.put("processing.guarantee", guarantee);
        p.put("state.dir", ctx.work().resolve("state").resolve(prefix).toString());
        p.put("max.task.idle.ms", "-1");
        p.putAll(sharedStreamsProps);
        return p;
    }

    /**
     * The status records the router would have written for these endpoints (docs/router.md), so the
     * router starts as after a restart: its routing index is rebuilt from them before the first event.
     */
    public void writeActiveStatuses(String statusTopic, String egressPrefix, int endpoints, boolean allMatch) {
        List<Subscription> subscriptions = subscriptions(endpoints, allMatch);
        List<String> egress = new ArrayList<>();
        for (int i = 0; i < subscriptions.size(); i++) {
            egress.add(egressPrefix + "ep-" + i);
        }
        writeActiveStatuses(statusTopic, egress, subscriptions);
    }

    /** The same for these endpoints, {@code ep-0}, {@code ep-1}, ... (with their filters), endpoint i routed to {@code egress[i]}. */
    public void writeActiveStatuses(String statusTopic, List<String> egress, List<Subscription> endpoints) {
        long now = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = Events.producer(ctx.bootstrap(), 0)) {
            for (int i = 0; i < endpoints.size(); i++) {
                String id = "ep-" + i;
                Subscription e = endpoints.get(i);
                String filter = e.filter() == null ? "" : ",\"filter\":\"" + e.filter().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
                String json = "{\"state\":\"Active\",\"egressTopic\":\"" + egress.get(i) + "\",\"warnings\":[],"
                    + "\"endpoint\":{\"id\":\"" + id + "\",\"type\":\"ServiceBus\",\"eventTypes\":[\"" + e.eventType() + "\"],\"path\":\"bench\""
                    + filter + "},\"updatedAt\":" + now + "}";
                producer.send(new ProducerRecord<>(statusTopic, id.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    public Path write(String name, Map<String, String> props) throws IOException {
        Path dir = ctx.work().resolve("config");
        Files.createDirectories(dir);
        StringBuilder sb = new StringBuilder();
        props.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path f = dir.resolve(name);
        Files.writeString(f, sb.toString());
        return f;
    }
}
