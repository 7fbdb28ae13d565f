package io.twinegress.reliability.stack;

import io.twinegress.localstack.Layout;
import io.twinegress.localstack.Ports;
import io.twinegress.localstack.StackParts;
import io.twinegress.localstack.connect.ConnectWorker;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.endpoints.SampleEndpoints;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.router.RouterProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The local stack's parts ({@link StackParts}: broker, stand-ins, Connect worker, router, child
 * processes from the packaged artifacts), each reachable for faults: kill -9 or stop any part and
 * start it again on the same data and ports, add a second router instance and a second Connect worker.
 *
 * <p>Settings that only make recovery quicker, never change what is checked: routers, workers
 * and the sink tasks' consumers leave a dead member's group after 6 s instead of 45 s / 10 s /
 * 45 s; Connect reassigns a lost worker's tasks after 5 s instead of 5 min; the connectors back
 * off 200 ms to 2 s instead of up to 30 min; the router's largest event is 64 KiB so oversized
 * events are cheap to send. On {@link #startOnCluster} every topic has three replicas.
 */
public final class FaultStack implements AutoCloseable {

    public static final Duration START_DEADLINE = Duration.ofSeconds(180);
    /** Largest event the routers accept here (bytes); larger ones are dead-lettered as oversized. */
    public static final int EVENT_MAX_BYTES = 65536;
    /** System property prefix of connector config overrides. */
    public static final String CONNECTOR_OVERRIDE = "reliability.connector.";

    private final StackParts parts;
    /** The three-broker cluster the parts run on, or null: the stack's own single broker. */
    private final KafkaCluster cluster;
    private ConnectWorker connect2;
    private RouterProcess router2;

    private FaultStack(StackParts parts, KafkaCluster cluster) {
        this.parts = parts;
        this.cluster = cluster;
    }

    /** Starts every part and registers the four sample endpoints (router Active, connector RUNNING). */
    public static FaultStack start(Layout layout, Path logDir) throws Exception {
        cleanLogs(logDir);
        return start(layout, logDir, null, routerExtras(), workerExtras(), FaultStack::quickRecovery);
    }

    /**
     * The same on a {@link KafkaCluster} of three brokers started first (logs {@code kafka-<id>.log}):
     * every topic, the routers' and Connect's internal ones included, with three replicas; routers
     * under exactly_once_v2.
     */
    public static FaultStack startOnCluster(Layout layout, Path logDir) throws Exception {
        cleanLogs(logDir);
        KafkaCluster cluster = KafkaCluster.start(layout, logDir, START_DEADLINE);
        try {
            Map<String, String> router = new LinkedHashMap<>(routerExtras());
            router.put("processing.guarantee", "exactly_once_v2");
            router.put("replication.factor", String.valueOf(KafkaCluster.NODES));
            Map<String, String> worker = new LinkedHashMap<>(workerExtras());
            for (String topic : List.of("config", "offset", "status")) {
                worker.put(topic + ".storage.replication.factor", String.valueOf(KafkaCluster.NODES));
            }
            return start(layout, logDir, cluster, router, worker, c -> {
                c.put("errors.deadletterqueue.topic.replication.factor", String.valueOf(KafkaCluster.NODES));
                return quickRecovery(c);
            });
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private static FaultStack start(Layout layout, Path logDir, KafkaCluster cluster, Map<String, String> routerExtras,
            Map<String, String> workerExtras, UnaryOperator<Map<String, String>> connectorConfig) throws Exception {
        StackParts.Builder builder = StackParts.builder(layout, Ports.free(), logDir)
                .dataDirPrefix("twin-egress-reliability-")
                // no content filter: the scenarios count what each endpoint must receive by event type
                .endpoints(SampleEndpoints::local)
                .deadline(START_DEADLINE)
                .routerExtras(routerExtras)
                .workerExtras(workerExtras)
                .connectorConfig(connectorConfig);
        if (cluster != null) {
            builder.kafka(cluster.bootstrap());
        }
        StackParts parts = builder.create();
        try {
            parts.start(line -> { });
        } catch (RuntimeException | Error e) {
            parts.close();
            throw e;
        }
        return new FaultStack(parts, cluster);
    }

    private static void cleanLogs(Path logDir) throws IOException {
        Files.createDirectories(logDir);
        try (Stream<Path> old = Files.walk(logDir)) {
            old.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(logDir)).forEach(p -> p.toFile().delete());
        }
    }

    /** The endpoint's connector config as the local stack makes it, with short backoff. */
    public Map<String, String> connectorConfig(SampleEndpoint e) {
        return parts.connectorConfig(e);
    }

    private static Map<String, String> quickRecovery(Map<String, String> c) {
        c.put("retry.backoff.initial.ms", "200");
        c.put("retry.backoff.max.ms", "2000");
        c.put("client.try.timeout.ms", "5000");
        // -Dreliability.connector.<key>=<value>: any connector key for a diagnosis run
        // (e.g. -Dreliability.connector.client.max.retries=0); the shipped defaults otherwise
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(CONNECTOR_OVERRIDE))
                .forEach(k -> c.put(k.substring(CONNECTOR_OVERRIDE.length()), System.getProperty(k)));
        return c;
    }

    /** Extra router.properties: quick recovery after a crash, small events limit. */
    public static Map<String, String> routerExtras() {
        return Map.of(
                "session.timeout.ms", "6000",
                "heartbeat.interval.ms", "1500",
                "twin.event.max.bytes", String.valueOf(EVENT_MAX_BYTES));
    }

    /**
     * Extra worker properties: quick recovery after a crash. The {@code consumer.} pair is for the
     * sink tasks' own consumer groups: a task moved off a crashed worker would otherwise wait 45 s
     * for the dead consumer to leave its group before it gets any partition.
     */
    public static Map<String, String> workerExtras() {
        return Map.of(
                "session.timeout.ms", "6000",
                "heartbeat.interval.ms", "1500",
                "consumer.session.timeout.ms", "6000",
                "consumer.heartbeat.interval.ms", "1500",
                "scheduled.rebalance.max.delay.ms", "5000",
                "offset.flush.interval.ms", "1000");
    }

    // ---- faults -------------------------------------------------------------------------------

    /** kill -9 the (first) router. */
    public void killRouter() {
        parts.router().process().kill();
    }

    /** Starts the first router again on its state directory (after a kill or a stop). */
    public void restartRouter() {
        parts.restartRouter();
    }

    public void startSecondRouter() {
        router2 = parts.startRouter(2);
    }

    /** SIGTERM (clean stop) of the second router. */
    public void stopSecondRouter() {
        if (router2 != null) {
            router2.process().stop(Duration.ofSeconds(30));
        }
    }

    public void killConnect() {
        parts.connect().process().kill();
    }

    /** Starts the first worker again: same group, REST port and data directory. */
    public void restartConnect() {
        parts.restartWorker();
    }

    public void startSecondConnect() {
        Ports ports = parts.ports();
        Ports second = new Ports(ports.kafka(), ports.controller(), Ports.free().connect(), ports.amqp(),
                ports.eventGrid(), ports.admin());
        connect2 = parts.startWorker(2, second);
    }

    public void stopSecondConnect() {
        if (connect2 != null) {
            connect2.process().stop(Duration.ofSeconds(30));
        }
    }

    /** kill -9 the broker, then start it again on the same storage and ports (the single-broker stack). */
    public void crashAndRestartBroker() {
        if (cluster != null) {
            throw new IllegalStateException("on a cluster, kill and restart its nodes: cluster()");
        }
        parts.broker().process().kill();
        parts.restartBroker();
    }

    // ---- access -------------------------------------------------------------------------------

    /** The running parts: stand-ins, status watcher, admin client, Connect REST client, endpoints, directories. */
    public StackParts parts() {
        return parts;
    }

    public String bootstrap() {
        return parts.bootstrap();
    }

    /** The three-broker cluster, or null on the single-broker stack. */
    public KafkaCluster cluster() {
        return cluster;
    }

    /** The second Connect worker, while it runs (its REST API answers while the first one is down). */
    public ConnectWorker secondConnect() {
        return connect2;
    }

    public ChildProcess routerProcess() {
        return parts.router().process();
    }

    public ChildProcess connectProcess() {
        return parts.connect().process();
    }

    /** Every key the stand-ins accept for the sample endpoints: the canaries of the secret scan. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        parts.endpoints().forEach(e -> {
            keys.add(e.primaryKey());
            keys.add(e.secondaryKey());
        });
        return keys;
    }

    /** Stops every part (the brokers last) and deletes the data. */
    @Override
    public void close() {
        try {
            parts.close();
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }
}
