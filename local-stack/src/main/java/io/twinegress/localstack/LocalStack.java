package io.twinegress.localstack;

import io.twinegress.localstack.connect.ConnectWorker;
import io.twinegress.localstack.dashboard.Monitor;
import io.twinegress.localstack.endpoints.EndpointRegistrar;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.endpoints.SampleEndpoints;
import io.twinegress.localstack.endpoints.StatusWatcher;
import io.twinegress.localstack.kafka.KafkaBroker;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.localstack.process.Children;
import io.twinegress.localstack.process.StartupException;
import io.twinegress.localstack.router.RouterProcess;
import io.twinegress.localstack.standins.StandIns;
import io.twinegress.localstack.traffic.TrafficGenerator;
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
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The whole pipeline on loopback: a KRaft broker, a Connect worker with the packaged plugin, the
 * router and the Azure stand-ins, each a child process started from the packaged artifacts; the
 * four sample endpoints registered as an operator would. Used by {@code ./twin-egress-local} and by
 * {@code LocalStackIT}. {@link #close()} stops every child by pid and deletes the data directory.
 */
public final class LocalStack implements AutoCloseable {

    /** How long each part may take to come up on a loaded two-core machine. */
    public static final Duration START_DEADLINE = Duration.ofSeconds(120);

    private final Layout layout;
    private final Ports ports;
    private final Path dataDir;
    private final Path logDir;
    private final List<SampleEndpoint> endpoints;
    private final Map<String, Duration> startupTimes = new LinkedHashMap<>();
    private final Children children = new Children();

    private KafkaBroker broker;
    private StandIns standIns;
    private ConnectWorker connect;
    private RouterProcess router;
    private Admin admin;
    private StatusWatcher statuses;
    private TrafficGenerator traffic;
    private Monitor monitor;
    private Path secretsFile;
    private boolean closed;

    private LocalStack(Layout layout, Ports ports, Path logDir) throws IOException {
        this.layout = layout;
        this.ports = ports;
        this.logDir = logDir;
        this.dataDir = Files.createTempDirectory("twin-egress-local-");
        this.endpoints = SampleEndpoints.localStack(ports);
    }

    /**
     * Starts everything and registers the endpoints; on failure stops what started and throws a
     * {@link StartupException} naming the part and its log.
     *
     * @param progress one human line per step, as it happens
     */
    public static LocalStack start(Layout layout, Ports ports, Path logDir, Consumer<String> progress)
            throws IOException {
        LocalStack stack = create(layout, ports, logDir);
        stack.startAll(progress);
        return stack;
    }

    /**
     * Checks the artifacts and ports and makes the data directory; nothing runs yet. {@link #close()}
     * is safe from another thread (a shutdown hook) at any point of {@link #startAll}.
     */
    public static LocalStack create(Layout layout, Ports ports, Path logDir) throws IOException {
        List<String> missing = layout.missing();
        if (!missing.isEmpty()) {
            throw StartupException.precondition("artifacts missing", String.join(", ", missing)
                    + "; build with ./mvnw -B package -DskipTests");
        }
        List<String> busy = ports.busy();
        if (!busy.isEmpty()) {
            throw StartupException.precondition("ports", String.join("; ", busy));
        }
        rotateLogs(logDir);
        return new LocalStack(layout, ports, logDir);
    }

    /**
     * Starts every part and registers the endpoints; on failure stops what started (and deletes the
     * data) before throwing.
     *
     * @param progress one human line per step, as it happens
     */
    public void startAll(Consumer<String> progress) throws IOException {
        try {
            startParts(progress);
        } catch (RuntimeException | IOException e) {
            close();
            throw e;
        }
    }

    private void startParts(Consumer<String> progress) throws IOException {
        progress.accept("data directory " + dataDir + " (removed on exit), logs in " + logDir);

        progress.accept("starting Kafka broker (KRaft) on " + ports.kafkaBootstrap() + " and the Azure stand-ins (AMQP "
                + ports.amqp() + ", Event Grid " + ports.eventGrid() + ", admin " + ports.admin() + ")");
        CompletableFuture<StandIns> standInsFuture = CompletableFuture.supplyAsync(() -> timed("Azure stand-ins",
                () -> StandIns.start(children, layout, ports, endpoints, dataDir, logDir, START_DEADLINE)));
        broker = timed("Kafka broker", () -> KafkaBroker.start(children, layout, ports, dataDir, logDir, START_DEADLINE));
        progress.accept("Kafka broker ready in " + seconds(startupTimes.get("Kafka broker")));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        try {
            Topics.create(admin, Topics.specs(SampleEndpoints.ids()));
        } catch (Exception e) {
            throw new StartupException("topics", "could not create the pipeline's topics: " + e.getMessage(),
                    broker.process().log(), e);
        }
        progress.accept("topics created: " + Topics.specs(SampleEndpoints.ids()).stream().map(Topics.Spec::name).toList());

        progress.accept("starting Kafka Connect worker on " + ports.connectUrl() + " (plugin " + layout.pluginDir()
                + ") and the router (" + layout.routerJar().getFileName() + ")");
        CompletableFuture<ConnectWorker> connectFuture = CompletableFuture.supplyAsync(() -> timed(
                "Kafka Connect worker", () -> ConnectWorker.start(children, layout, ports, broker.bootstrap(), dataDir, logDir,
                        START_DEADLINE)));
        CompletableFuture<RouterProcess> routerFuture = CompletableFuture.supplyAsync(() -> timed("router",
                () -> RouterProcess.start(children, layout, broker.bootstrap(), admin, dataDir, logDir, START_DEADLINE)));
        standIns = join(standInsFuture);
        progress.accept("Azure stand-ins ready in " + seconds(startupTimes.get("Azure stand-ins")));
        router = join(routerFuture);
        progress.accept("router running in " + seconds(startupTimes.get("router")));
        connect = join(connectFuture);
        progress.accept("Kafka Connect worker ready in " + seconds(startupTimes.get("Kafka Connect worker"))
                + ", plugins " + connectorPluginsOrEmpty());

        long t0 = System.nanoTime();
        statuses = new StatusWatcher(broker.bootstrap());
        secretsFile = EndpointRegistrar.writeSecrets(dataDir, endpoints);
        List<SampleEndpoint> registerable = registerable();
        try {
            EndpointRegistrar.publishRouting(broker.bootstrap(), endpoints);
            progress.accept("endpoints registered on " + Topics.ENDPOINTS + ": " + endpoints.stream().map(
                    SampleEndpoint::toString).toList());
            EndpointRegistrar.putConnectors(connect.rest(), registerable, secretsFile);
            progress.accept("connectors created with PUT " + ports.connectUrl() + "/connectors/<id>/config: "
                    + registerable.stream().map(e -> e.id() + " (" + e.connectorClass() + ")").toList());
        } catch (IOException e) {
            throw new StartupException("endpoint registration", e.getMessage(), connect.process().log(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("endpoint registration", "interrupted", null, e);
        } catch (Exception e) {
            throw new StartupException("endpoint registration", e.getMessage(), broker.process().log(), e);
        }
        EndpointRegistrar.awaitLive(statuses, connect.rest(), registerable, router.process(), connect.process(),
                START_DEADLINE);
        startupTimes.put("endpoints live", Duration.ofNanos(System.nanoTime() - t0));
        progress.accept("endpoints Active in the router and their connectors RUNNING in "
                + seconds(startupTimes.get("endpoints live")));

        traffic = new TrafficGenerator(broker.bootstrap(), endpoints);
        monitor = new Monitor(endpoints, traffic.ledger(), statuses, connect.rest(), standIns.admin(), broker.bootstrap(),
                connect.process().pid());
    }

    /**
     * The endpoints whose connector class the packaged plugin has. (While a connector branch is
     * unmerged, its endpoint is still registered with the router but gets no connector.)
     */
    public List<SampleEndpoint> registerable() {
        try {
            List<String> plugins = ConnectWorker.installable(layout);
            return endpoints.stream().filter(e -> plugins.contains(e.connectorClass())).toList();
        } catch (IOException e) {
            return endpoints;
        }
    }

    private String connectorPluginsOrEmpty() {
        try {
            return connect.rest().connectorPlugins().toString();
        } catch (Exception e) {
            return "?";
        }
    }

    private <T> T timed(String part, java.util.function.Supplier<T> start) {
        long t0 = System.nanoTime();
        T t = start.get();
        synchronized (startupTimes) {
            startupTimes.put(part, Duration.ofNanos(System.nanoTime() - t0));
        }
        return t;
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    static String seconds(Duration d) {
        return d == null ? "?" : String.format("%.1f s", d.toMillis() / 1000.0);
    }

    public Map<String, Duration> startupTimes() {
        synchronized (startupTimes) {
            return new LinkedHashMap<>(startupTimes);
        }
    }

    public List<SampleEndpoint> endpoints() {
        return endpoints;
    }

    public SampleEndpoint endpoint(String id) {
        return endpoints.stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no endpoint " + id + "; endpoints: "
                        + SampleEndpoints.ids()));
    }

    public TrafficGenerator traffic() {
        return traffic;
    }

    public Monitor monitor() {
        return monitor;
    }

    public StandIns standIns() {
        return standIns;
    }

    public ConnectWorker connect() {
        return connect;
    }

    public Admin admin() {
        return admin;
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

    /** Stops traffic, then every child by pid (Connect, router, stand-ins, broker), then deletes the data. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> order = new ArrayList<>();
        order.add(traffic);
        order.add(monitor);
        order.add(statuses);
        order.add(connect);
        order.add(router);
        order.add(standIns);
        order.add(admin);
        order.add(broker);
        for (AutoCloseable c : order) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("twin-egress-local: while stopping: " + e);
            }
        }
        // and any child whose part never finished starting (another part failed first)
        children.stopAll(Duration.ofSeconds(20));
        deleteRecursively(dataDir);
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort; reported below if the directory stays
                }
            });
        } catch (IOException ignored) {
            // reported below
        }
        if (Files.exists(dir)) {
            System.err.println("twin-egress-local: could not remove " + dir);
        }
    }

    /**
     * Keeps the previous run's logs as *.log.1 so a new run starts with clean files. The launcher's
     * own log is left to {@code LocalStackMain} (it may be open already).
     */
    public static void rotateLogs(Path logDir, String... names) throws IOException {
        Files.createDirectories(logDir);
        List<String> only = List.of(names);
        try (Stream<Path> logs = Files.list(logDir)) {
            for (Path p : logs.filter(p -> only.isEmpty() ? p.toString().endsWith(".log") && !p.endsWith("launcher.log")
                    : only.contains(p.getFileName().toString())).toList()) {
                Files.move(p, p.resolveSibling(p.getFileName() + ".1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
