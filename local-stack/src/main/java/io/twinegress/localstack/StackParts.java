package io.twinegress.localstack;

import io.twinegress.connectrest.ConnectRest;
import io.twinegress.localstack.connect.ConnectWorker;
import io.twinegress.localstack.endpoints.EndpointRegistrar;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.endpoints.SampleEndpoints;
import io.twinegress.localstack.endpoints.StatusWatcher;
import io.twinegress.localstack.identity.LocalIdentities;
import io.twinegress.localstack.kafka.KafkaBroker;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Children;
import io.twinegress.localstack.process.StartupException;
import io.twinegress.localstack.router.RouterProcess;
import io.twinegress.localstack.standins.StandIns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The pipeline's parts on loopback: a KRaft broker, the Azure stand-ins, a Connect worker with the
 * packaged plugin and the router, each a child process started from the packaged artifacts, and
 * the sample endpoints registered as an operator would (routing record, then connector). The
 * local stack and the reliability suite start through here; a {@link Builder} takes what differs:
 * extra router and worker settings and a decorator of the connector configs.
 *
 * <p>Each part is kept the moment it runs, so {@link #close()} (safe from another thread, e.g. a
 * shutdown hook) stops what a failed start left behind. A part can be started again on the same
 * data and ports ({@link #restartRouter}, {@link #restartWorker}, {@link #restartBroker}), and
 * more routers and workers can join ({@link #startRouter}, {@link #startWorker}).
 */
public final class StackParts implements AutoCloseable {

    private final Layout layout;
    private final Ports ports;
    private final Path dataDir;
    private final Path logDir;
    private final List<SampleEndpoint> endpoints;
    private final Map<String, String> routerExtras;
    private final Map<String, String> workerExtras;
    private final UnaryOperator<Map<String, String>> connectorDecorator;
    private final Duration deadline;
    private final Observability observability;
    /** With {@code --auth entra-id}: the identities the connectors use instead of keys; else null. */
    private final LocalIdentities identities;
    private volatile LocalIdentities.Ready identityReady;
    private volatile Path entraSecretFile;
    /** The bootstrap servers of a Kafka cluster the caller runs, or null: the stack starts its own broker. */
    private final String externalKafka;
    private final Children children = new Children();
    private final Map<String, Duration> startupTimes = new LinkedHashMap<>();

    private volatile KafkaBroker broker;
    private volatile StandIns standIns;
    private volatile ConnectWorker connect;
    private volatile RouterProcess router;
    private volatile Admin admin;
    private volatile StatusWatcher statuses;
    private volatile Path secretsFile;
    private boolean closed;

    private StackParts(Builder b, Path dataDir) {
        this.layout = b.layout;
        this.ports = b.ports;
        this.logDir = b.logDir;
        this.dataDir = dataDir;
        this.endpoints = b.endpoints.apply(ports);
        this.routerExtras = Map.copyOf(b.routerExtras);
        this.workerExtras = Map.copyOf(b.workerExtras);
        this.connectorDecorator = b.connectorDecorator;
        this.deadline = b.deadline;
        this.observability = b.observability;
        this.identities = b.identities;
        this.externalKafka = b.externalKafka;
    }

    /** Parts of the packaged artifacts of {@code layout}, on {@code ports}, logging to {@code logDir}. */
    public static Builder builder(Layout layout, Ports ports, Path logDir) {
        return new Builder(layout, ports, logDir);
    }

    /** What differs between stacks; without options, exactly what {@code ./twin-egress-local} runs. */
    public static final class Builder {

        private final Layout layout;
        private final Ports ports;
        private final Path logDir;
        private String dataDirPrefix = "twin-egress-local-";
        private Map<String, String> routerExtras = Map.of();
        private Map<String, String> workerExtras = Map.of();
        private UnaryOperator<Map<String, String>> connectorDecorator = UnaryOperator.identity();
        private Duration deadline = Duration.ofSeconds(120);
        private Function<Ports, List<SampleEndpoint>> endpoints = SampleEndpoints::localStack;
        private Observability observability;
        private LocalIdentities identities;
        private String externalKafka;

        private Builder(Layout layout, Ports ports, Path logDir) {
            this.layout = layout;
            this.ports = ports;
            this.logDir = logDir;
        }

        /** The name prefix of the temporary data directory (removed on close). */
        public Builder dataDirPrefix(String prefix) {
            this.dataDirPrefix = prefix;
            return this;
        }

        /** router.properties keys on top of the local stack's, for every router started. */
        public Builder routerExtras(Map<String, String> extras) {
            this.routerExtras = extras;
            return this;
        }

        /** Worker properties on top of the local stack's, for every worker started. */
        public Builder workerExtras(Map<String, String> extras) {
            this.workerExtras = extras;
            return this;
        }

        /** Changes each endpoint's connector config (given as the local stack makes it) before it is PUT. */
        public Builder connectorConfig(UnaryOperator<Map<String, String>> decorator) {
            this.connectorDecorator = decorator;
            return this;
        }

        /** The sample endpoints to register (default: the local stack's, one of them with a content filter). */
        public Builder endpoints(Function<Ports, List<SampleEndpoint>> endpoints) {
            this.endpoints = endpoints;
            return this;
        }

        /** How long each part may take to come up (default 120 s: a loaded two-core machine). */
        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        /**
         * The stack's router and worker (instance 1 of each) run the Prometheus JMX exporter agent with
         * the rules of {@code deploy/prometheus/}, and the router its health endpoint, on these ports.
         */
        public Builder observability(Observability ports) {
            this.observability = ports;
            return this;
        }

        /**
         * The connectors authenticate with these Microsoft Entra ID identities of the stand-ins'
         * identity provider, over TLS, instead of keys ({@code --auth entra-id}).
         */
        public Builder identities(LocalIdentities identities) {
            this.identities = identities;
            return this;
        }

        /**
         * Runs the other parts on the Kafka cluster at {@code bootstrap}, which the caller started and
         * stops (e.g. several brokers), instead of starting the single broker; the topics the stack
         * creates then take the cluster's {@code default.replication.factor}.
         */
        public Builder kafka(String bootstrap) {
            this.externalKafka = bootstrap;
            return this;
        }

        /** Checks the artifacts and makes the data directory; nothing runs yet. */
        public StackParts create() throws IOException {
            List<String> missing = new java.util.ArrayList<>(layout.missing());
            if (observability != null) {
                missing.addAll(layout.missingForMetrics());
            }
            if (!missing.isEmpty()) {
                throw StartupException.precondition("artifacts missing", String.join(", ", missing)
                        + "; build with ./mvnw -B package -DskipTests");
            }
            return new StackParts(this, Files.createTempDirectory(dataDirPrefix));
        }
    }

    /**
     * Starts every part and registers the endpoints: Active in the router, connector and task
     * RUNNING. Throws a {@link StartupException} naming the part and its log; the caller closes.
     *
     * @param progress one human line per step, as it happens
     */
    public void start(Consumer<String> progress) {
        progress.accept("data directory " + dataDir + " (removed on exit), logs in " + logDir);

        progress.accept((externalKafka == null ? "starting Kafka broker (KRaft) on " + ports.kafkaBootstrap()
                : "on the Kafka cluster at " + externalKafka) + " and the Azure stand-ins (AMQP "
                + ports.amqp() + ", Event Grid " + ports.eventGrid() + ", admin " + ports.admin() + ")");
        Map<String, String> standInExtras = identities == null ? Map.of() : identities.standInProperties(endpoints);
        CompletableFuture<StandIns> standInsFuture = CompletableFuture.supplyAsync(() -> timed("Azure stand-ins",
                () -> StandIns.start(children, layout, ports, endpoints, standInExtras, dataDir, logDir, deadline)));
        if (externalKafka == null) {
            broker = timed("Kafka broker", () -> KafkaBroker.start(children, layout, ports, dataDir, logDir, deadline));
            progress.accept("Kafka broker ready in " + seconds(startupTimes().get("Kafka broker")));
        }
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
        try {
            Topics.create(admin, Topics.specs(SampleEndpoints.ids()));
        } catch (Exception e) {
            throw new StartupException("topics", "could not create the pipeline's topics: " + e.getMessage(),
                    brokerLog(), e);
        }
        progress.accept("topics created: " + Topics.specs(SampleEndpoints.ids()).stream().map(Topics.Spec::name).toList());

        if (identities != null) {
            // the worker's environment and trust store come from the stand-ins' identity provider and TLS
            standIns = join(standInsFuture);
            identityReady = LocalIdentities.Ready.of(standIns.ready());
            progress.accept("Azure stand-ins with TLS and a local Entra ID identity provider (" + identityReady + ") ready in "
                    + seconds(startupTimes().get("Azure stand-ins")) + "; identities: " + LocalIdentities.describe(endpoints));
        }
        progress.accept("starting Kafka Connect worker on " + ports.connectUrl() + " (plugin " + layout.pluginDir()
                + ") and the router (" + layout.routerJar().getFileName() + ")");
        CompletableFuture<ConnectWorker> connectFuture = CompletableFuture.supplyAsync(() -> timed(
                "Kafka Connect worker", () -> startWorker(1, ports)));
        CompletableFuture<RouterProcess> routerFuture = CompletableFuture.supplyAsync(() -> timed("router",
                () -> startRouter(1)));
        if (identities == null) {
            standIns = join(standInsFuture);
            progress.accept("Azure stand-ins ready in " + seconds(startupTimes().get("Azure stand-ins")));
        }
        router = join(routerFuture);
        progress.accept("router running in " + seconds(startupTimes().get("router")));
        connect = join(connectFuture);
        progress.accept("Kafka Connect worker ready in " + seconds(startupTimes().get("Kafka Connect worker"))
                + ", plugins " + connectorPluginsOrUnknown());

        long t0 = System.nanoTime();
        statuses = new StatusWatcher(bootstrap());
        try {
            secretsFile = EndpointRegistrar.writeSecrets(dataDir, endpoints);
            if (identities != null) {
                entraSecretFile = identities.writeSecret(dataDir);
            }
            EndpointRegistrar.publishRouting(bootstrap(), endpoints);
            progress.accept("endpoints registered on " + Topics.ENDPOINTS + ": " + endpoints.stream().map(
                    SampleEndpoint::toString).toList());
            EndpointRegistrar.putConnectors(connect.rest(), endpoints, this::connectorConfig);
            progress.accept("connectors created with PUT " + ports.connectUrl() + "/connectors/<id>/config: "
                    + endpoints.stream().map(e -> e.id() + " (" + e.connectorClass() + ")").toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("endpoint registration", "interrupted", null, e);
        } catch (Exception e) {
            Path log = e instanceof RuntimeException ? connect.process().log() : brokerLog();
            throw new StartupException("endpoint registration", e.getMessage(), log, e);
        }
        EndpointRegistrar.awaitLive(statuses, connect.rest(), endpoints, router.process(), connect.process(), deadline);
        synchronized (startupTimes) {
            startupTimes.put("endpoints live", Duration.ofNanos(System.nanoTime() - t0));
        }
        progress.accept("endpoints Active in the router and their connectors RUNNING in "
                + seconds(startupTimes().get("endpoints live")));
    }

    /** The endpoint's connector config as the local stack makes it, through the builder's decorator. */
    public Map<String, String> connectorConfig(SampleEndpoint e) {
        Map<String, String> config = new LinkedHashMap<>(e.connectorConfig(secretsFile));
        if (identities != null) {
            config = identities.connectorConfig(e, config, identityReady, entraSecretFile);
        }
        return connectorDecorator.apply(config);
    }

    // ---- one part at a time -------------------------------------------------------------------

    /**
     * Starts router {@code instance} (1 is the stack's own): its files in {@code <data>/router-<n>},
     * its log {@code router.log} in the log directory (instance 1) or in {@code <logs>/router-<n>}.
     */
    public RouterProcess startRouter(int instance) {
        RouterProcess.Launch launch = RouterProcess.launch(children, layout, bootstrap(), admin,
                dataDir.resolve("router-" + instance), instance == 1 ? logDir : logDir.resolve("router-" + instance));
        Map<String, String> settings = new LinkedHashMap<>(routerExtras);
        if (observability != null && instance == 1) {
            launch.prometheusAgent(observability.routerMetrics(), layout.prometheusRules("router"));
            settings.put("twin.health.port", String.valueOf(observability.routerHealth()));
        }
        return launch.settings(settings).start(deadline);
    }

    /**
     * Starts Connect worker {@code instance} of the stack's group (1 is the stack's own) listening on
     * {@code on.connect()}: its files in {@code <data>/connect-<n>}, its log as for {@link #startRouter}.
     */
    public ConnectWorker startWorker(int instance, Ports on) {
        ConnectWorker.Launch launch = ConnectWorker.launch(children, layout, on, bootstrap(),
                dataDir.resolve("connect-" + instance), instance == 1 ? logDir : logDir.resolve("connect-" + instance));
        Map<String, String> settings = ConnectWorker.localSettings();
        settings.putAll(workerExtras);
        if (observability != null && instance == 1) {
            launch.prometheusAgent(observability.connectMetrics(), layout.prometheusRules("connect"));
        }
        if (identities != null) {
            launch.environment(identities.workerEnvironment(identityReady)).extraJvmFlags(identities.workerJvmFlags(identityReady));
        }
        return launch.settings(settings).start(deadline);
    }

    /** Starts the stack's router again on its state directory (after a kill or a stop). */
    public void restartRouter() {
        router = startRouter(1);
    }

    /** Starts the stack's worker again: same group, REST port and data directory. */
    public void restartWorker() {
        connect = startWorker(1, ports);
    }

    /** Starts the broker again on the same storage and ports (after a kill). */
    public void restartBroker() {
        if (externalKafka != null) {
            throw new IllegalStateException("the stack runs on the caller's Kafka cluster at " + externalKafka
                    + ": restart its brokers there");
        }
        broker = KafkaBroker.restart(children, layout, ports, dataDir, logDir, deadline);
    }

    // ---- access -------------------------------------------------------------------------------

    /** The stack's own broker; null when it runs on the caller's cluster ({@link Builder#kafka}). */
    public KafkaBroker broker() {
        return broker;
    }

    /** The bootstrap servers every part uses: the stack's broker, or the caller's cluster. */
    public String bootstrap() {
        return externalKafka != null ? externalKafka : broker.bootstrap();
    }

    private Path brokerLog() {
        return broker == null ? null : broker.process().log();
    }

    public StandIns standIns() {
        return standIns;
    }

    public ConnectWorker connect() {
        return connect;
    }

    public RouterProcess router() {
        return router;
    }

    /** The client of the stack's worker. */
    public ConnectRest rest() {
        return connect.rest();
    }

    public Admin admin() {
        return admin;
    }

    public StatusWatcher statuses() {
        return statuses;
    }

    public Path secretsFile() {
        return secretsFile;
    }

    public List<SampleEndpoint> endpoints() {
        return endpoints;
    }

    public SampleEndpoint endpoint(String id) {
        return endpoints.stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no endpoint " + id + "; endpoints: "
                        + SampleEndpoints.ids()));
    }

    public Ports ports() {
        return ports;
    }

    /** The metrics and health ports, or null when the stack runs without them. */
    public Observability observability() {
        return observability;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logDir() {
        return logDir;
    }

    /** Every child process started so far (alive or not). */
    public List<ChildProcess> processes() {
        return children.all();
    }

    /** How long each part took to come up, in the order they did. */
    public Map<String, Duration> startupTimes() {
        synchronized (startupTimes) {
            return new LinkedHashMap<>(startupTimes);
        }
    }

    /**
     * Closes the clients, stops every child by pid (Connect, routers and stand-ins before the
     * broker, whatever order they restarted in), then deletes the data directory.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable c : new AutoCloseable[] {statuses, admin}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("twin-egress stack: while stopping: " + e);
                }
            }
        }
        for (ChildProcess p : children.all()) {
            if (!p.name().startsWith(KafkaBroker.PART)) {
                p.stop(Duration.ofSeconds(20));
            }
        }
        // and any child whose part never finished starting (another part failed first)
        children.stopAll(Duration.ofSeconds(20));
        deleteRecursively(dataDir);
    }

    private String connectorPluginsOrUnknown() {
        try {
            return connect.rest().connectorPlugins().toString();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private <T> T timed(String part, Supplier<T> start) {
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
            System.err.println("twin-egress stack: could not remove " + dir);
        }
    }
}
