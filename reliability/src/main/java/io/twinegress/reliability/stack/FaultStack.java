package io.twinegress.reliability.stack;

import io.twinegress.localstack.Layout;
import io.twinegress.localstack.Ports;
import io.twinegress.localstack.connect.ConnectRest;
import io.twinegress.localstack.connect.ConnectWorker;
import io.twinegress.localstack.endpoints.EndpointRegistrar;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.endpoints.SampleEndpoints;
import io.twinegress.localstack.endpoints.StatusWatcher;
import io.twinegress.localstack.kafka.KafkaBroker;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Children;
import io.twinegress.localstack.router.RouterProcess;
import io.twinegress.localstack.standins.StandIns;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The local stack's parts (broker, stand-ins, Connect worker, router: child processes started
 * from the packaged artifacts by the local-stack launchers), wired like {@code LocalStack} but
 * each reachable for faults: kill -9 or stop any part and start it again on the same data and
 * ports, add a second router instance and a second Connect worker.
 *
 * <p>Settings that only make recovery quicker, never change what is checked: routers and
 * workers leave a dead member's group after 6 s instead of 45 s / 10 s; Connect reassigns a
 * lost worker's tasks after 5 s instead of 5 min; the connectors back off 200 ms to 2 s instead
 * of up to 30 min; the router's largest event is 64 KiB so oversized events are cheap to send.
 */
public final class FaultStack implements AutoCloseable {

    public static final Duration START_DEADLINE = Duration.ofSeconds(180);
    /** Largest event the routers accept here (bytes); larger ones are dead-lettered as oversized. */
    public static final int EVENT_MAX_BYTES = 65536;
    /** System property prefix of connector config overrides. */
    public static final String CONNECTOR_OVERRIDE = "reliability.connector.";

    private final Layout layout;
    private final Ports ports;
    private final Path dataDir;
    private final Path logDir;
    private final List<SampleEndpoint> endpoints;
    private final Children children = new Children();

    private KafkaBroker broker;
    private StandIns standIns;
    private ConnectWorker connect;
    private ConnectWorker connect2;
    private RouterProcess router;
    private RouterProcess router2;
    private Admin admin;
    private StatusWatcher statuses;
    private Path secretsFile;

    private FaultStack(Layout layout, Path logDir) throws IOException {
        this.layout = layout;
        this.ports = Ports.free();
        this.logDir = logDir;
        this.dataDir = Files.createTempDirectory("twin-egress-reliability-");
        this.endpoints = SampleEndpoints.local(ports);
    }

    /** Starts every part and registers the four sample endpoints (router Active, connector RUNNING). */
    public static FaultStack start(Layout layout, Path logDir) throws Exception {
        List<String> missing = layout.missing();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("artifacts missing: " + missing + "; build with ./mvnw -B install -DskipTests");
        }
        Files.createDirectories(logDir);
        try (Stream<Path> old = Files.walk(logDir)) {
            old.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(logDir)).forEach(p -> p.toFile().delete());
        }
        FaultStack s = new FaultStack(layout, logDir);
        try {
            s.startAll();
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void startAll() throws Exception {
        CompletableFuture<StandIns> si = CompletableFuture.supplyAsync(() -> StandIns.start(children, layout, ports,
                endpoints, dataDir, logDir, START_DEADLINE));
        broker = KafkaBroker.start(children, layout, ports, dataDir, logDir, START_DEADLINE);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        Topics.create(admin, Topics.specs(SampleEndpoints.ids()));
        CompletableFuture<ConnectWorker> cw = CompletableFuture.supplyAsync(this::startConnect);
        router = startRouter(1);
        connect = cw.join();
        standIns = si.join();
        statuses = new StatusWatcher(broker.bootstrap());
        secretsFile = EndpointRegistrar.writeSecrets(dataDir, endpoints);
        EndpointRegistrar.publishRouting(broker.bootstrap(), endpoints);
        for (SampleEndpoint e : endpoints) {
            connect.rest().putConfig(e.id(), connectorConfig(e));
        }
        EndpointRegistrar.awaitLive(statuses, connect.rest(), endpoints, router.process(), connect.process(),
                START_DEADLINE);
    }

    /** The endpoint's connector config as the local stack makes it, with short backoff. */
    public Map<String, String> connectorConfig(SampleEndpoint e) {
        Map<String, String> c = new LinkedHashMap<>(e.connectorConfig(secretsFile));
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

    /** Extra worker properties: quick recovery after a crash. */
    public static Map<String, String> workerExtras() {
        return Map.of(
                "session.timeout.ms", "6000",
                "heartbeat.interval.ms", "1500",
                "scheduled.rebalance.max.delay.ms", "5000",
                "offset.flush.interval.ms", "1000");
    }

    private RouterProcess startRouter(int instance) {
        return RouterProcess.start(children, layout, broker.bootstrap(), admin, dataDir.resolve("router-" + instance),
                instance == 1 ? logDir : logDir.resolve("router-" + instance), START_DEADLINE, routerExtras());
    }

    private ConnectWorker startConnect() {
        return ConnectWorker.start(children, layout, ports, broker.bootstrap(), dataDir.resolve("connect-1"), logDir,
                START_DEADLINE, workerExtras());
    }

    // ---- faults -------------------------------------------------------------------------------

    /** kill -9 the (first) router. */
    public void killRouter() {
        router.process().kill();
    }

    /** Starts the first router again on its state directory (after a kill or a stop). */
    public void restartRouter() {
        router = startRouter(1);
    }

    public void startSecondRouter() {
        router2 = startRouter(2);
    }

    /** SIGTERM (clean stop) of the second router. */
    public void stopSecondRouter() {
        if (router2 != null) {
            router2.process().stop(Duration.ofSeconds(30));
        }
    }

    public void killConnect() {
        connect.process().kill();
    }

    /** Starts the first worker again: same group, REST port and data directory. */
    public void restartConnect() {
        connect = startConnect();
    }

    public void startSecondConnect() {
        Ports second = new Ports(ports.kafka(), ports.controller(), Ports.free().connect(), ports.amqp(),
                ports.eventGrid(), ports.admin());
        connect2 = ConnectWorker.start(children, layout, second, broker.bootstrap(), dataDir.resolve("connect-2"),
                logDir.resolve("connect-2"), START_DEADLINE, workerExtras());
    }

    public void stopSecondConnect() {
        if (connect2 != null) {
            connect2.process().stop(Duration.ofSeconds(30));
        }
    }

    /** kill -9 the broker, then start it again on the same storage and ports. */
    public void crashAndRestartBroker() {
        broker.process().kill();
        broker = KafkaBroker.restart(children, layout, ports, dataDir, logDir, START_DEADLINE);
    }

    // ---- access -------------------------------------------------------------------------------

    public String bootstrap() {
        return broker.bootstrap();
    }

    public Admin admin() {
        return admin;
    }

    public ConnectRest rest() {
        return connect.rest();
    }

    public StandIns standIns() {
        return standIns;
    }

    public StatusWatcher statuses() {
        return statuses;
    }

    public List<SampleEndpoint> endpoints() {
        return endpoints;
    }

    public SampleEndpoint endpoint(String id) {
        return endpoints.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    public ChildProcess routerProcess() {
        return router.process();
    }

    public ChildProcess connectProcess() {
        return connect.process();
    }

    public Ports ports() {
        return ports;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logDir() {
        return logDir;
    }

    public Path secretsFile() {
        return secretsFile;
    }

    /** Every child process started so far (alive or not). */
    public List<ChildProcess> processes() {
        return children.all();
    }

    /** Every key the stand-ins accept for the sample endpoints: the canaries of the secret scan. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        endpoints.forEach(e -> {
            keys.add(e.primaryKey());
            keys.add(e.secondaryKey());
        });
        return keys;
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {statuses, admin}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("reliability: while stopping: " + e);
                }
            }
        }
        // clients first (Connect, routers, stand-ins), the broker last, whatever order they restarted in
        for (ChildProcess p : children.all()) {
            if (!p.name().startsWith(KafkaBroker.PART)) {
                p.stop(Duration.ofSeconds(20));
            }
        }
        children.stopAll(Duration.ofSeconds(20));
        try (Stream<Path> walk = Files.walk(dataDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("reliability: could not remove " + dataDir + ": " + e);
        }
    }
}
