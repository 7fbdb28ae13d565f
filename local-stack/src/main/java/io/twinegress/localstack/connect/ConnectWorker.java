package io.twinegress.localstack.connect;

import io.twinegress.connectrest.ConnectRest;
import io.twinegress.localstack.Layout;
import io.twinegress.localstack.Ports;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.localstack.process.ChildLaunch;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Children;
import io.twinegress.localstack.process.Java;
import io.twinegress.localstack.process.Log4j;
import io.twinegress.localstack.process.PropertiesFiles;
import io.twinegress.localstack.process.StartupException;
import io.twinegress.localstack.process.StartupWait;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Kafka Connect worker (distributed mode, one node) as a child process, with the packaged
 * twin-egress plugin directory on its {@code plugin.path}.
 */
public final class ConnectWorker implements AutoCloseable {

    public static final String PART = "Kafka Connect worker";
    public static final List<String> CONNECTOR_CLASSES =
            List.of("ServiceBusSinkConnector", "EventHubsSinkConnector", "EventGridSinkConnector");

    private final ChildProcess process;
    private final ConnectRest rest;

    private ConnectWorker(ChildProcess process, ConnectRest rest) {
        this.process = process;
        this.rest = rest;
    }

    /**
     * What any worker that runs the twin-egress connectors needs: raw bytes in and out, only
     * committed records, plugins found through their service files, and single-node internal
     * topics {@code <topicPrefix>configs|offsets|status}.
     */
    public static Map<String, String> essentials(String groupId, String topicPrefix) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("group.id", groupId);
        p.put("config.storage.topic", topicPrefix + "configs");
        p.put("offset.storage.topic", topicPrefix + "offsets");
        p.put("status.storage.topic", topicPrefix + "status");
        p.put("config.storage.replication.factor", "1");
        p.put("offset.storage.replication.factor", "1");
        p.put("status.storage.replication.factor", "1");
        // raw bytes in and out: raw device telemetry stays byte for byte
        p.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        // only plugins that declare themselves (META-INF/services): starts in seconds, not a scan
        p.put("plugin.discovery", "service_load");
        // the router writes egress topics in transactions: never deliver an aborted record
        p.put("consumer.isolation.level", "read_committed");
        return p;
    }

    /** The local stack's worker settings: {@link #essentials} and a few conveniences of its own. */
    public static Map<String, String> localSettings() {
        Map<String, String> p = essentials("twin-egress-connect", Topics.CONNECT_PREFIX);
        p.put("offset.storage.partitions", "5");
        p.put("status.storage.partitions", "1");
        p.put("connector.client.config.override.policy", "All");
        // secrets come from a file the worker reads, never from the connector config itself
        p.put("config.providers", "file");
        p.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        p.put("offset.flush.interval.ms", "2000");
        return p;
    }

    /**
     * The worker settings of the local stack (README "Connect worker settings"; docker-compose.yml
     * sets the same, ComposeFileTest checks it).
     */
    public static Map<String, String> workerProperties(String bootstrap, String listener, String pluginPath) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("listeners", listener);
        p.put("plugin.path", pluginPath);
        p.putAll(localSettings());
        return p;
    }

    public static ConnectWorker start(Children children, Layout layout, Ports ports, String bootstrap, Path dataDir, Path logDir,
            Duration deadline) {
        return launch(children, layout, ports, bootstrap, dataDir, logDir).start(deadline);
    }

    /**
     * The same, with {@code extra} worker properties on top of {@link #localSettings} (e.g. a short
     * {@code scheduled.rebalance.max.delay.ms} for a test that kills workers). Starting again on the
     * same {@code dataDir} (a restart) is fine; a second worker of the same group needs its own
     * {@code dataDir}, {@code logDir} and REST port ({@code ports.connect()}).
     */
    public static ConnectWorker start(Children children, Layout layout, Ports ports, String bootstrap, Path dataDir, Path logDir,
            Duration deadline, Map<String, String> extra) {
        Map<String, String> settings = localSettings();
        settings.putAll(extra);
        return launch(children, layout, ports, bootstrap, dataDir, logDir).settings(settings).start(deadline);
    }

    /**
     * A worker listening on {@code ports.connect()}, its files in {@code dataDir}, its output in
     * {@code <logDir>/connect.log}; the local stack's settings and JVM unless the {@link Launch} says otherwise.
     */
    public static Launch launch(Children children, Layout layout, Ports ports, String bootstrap, Path dataDir, Path logDir) {
        return new Launch(children, layout, ports, bootstrap, dataDir, logDir);
    }

    /**
     * How to start one worker: {@link #settings} replace {@link #localSettings()} (e.g. only
     * {@link #essentials}); the bootstrap servers, REST listener and {@code plugin.path} stay the launcher's.
     */
    public static final class Launch extends ChildLaunch<Launch> {

        private final Ports ports;
        private final String bootstrap;

        private Launch(Children children, Layout layout, Ports ports, String bootstrap, Path dataDir, Path logDir) {
            super(children, layout, dataDir, logDir, localSettings());
            this.ports = ports;
            this.bootstrap = bootstrap;
        }

        @Override
        protected Launch self() {
            return this;
        }

        /** Starts the worker and waits until its REST API answers and lists the packaged connectors. */
        public ConnectWorker start(Duration deadline) {
            Path pluginPath = dataDir.resolve("connect-plugins");
            Path log = logDir.resolve("connect.log");
            try {
                Files.createDirectories(pluginPath);
                // Connect treats each child of a plugin.path entry as one plugin: link ours in.
                Path link = pluginPath.resolve("twin-egress-connectors");
                if (!Files.isSymbolicLink(link)) {
                    Files.createSymbolicLink(link, layout.pluginDir().toAbsolutePath());
                }
            } catch (IOException e) {
                throw new StartupException(PART, "could not prepare plugin.path " + pluginPath + ": " + e.getMessage(),
                        log, e);
            }
            String listener = "http://" + Ports.HOST + ":" + ports.connect();
            Map<String, String> props = new LinkedHashMap<>();
            props.put("bootstrap.servers", bootstrap);
            props.put("listeners", listener);
            props.put("plugin.path", pluginPath.toAbsolutePath().toString());
            props.put("rest.advertised.host.name", Ports.HOST);
            props.put("rest.advertised.port", String.valueOf(ports.connect()));
            props.putAll(settings());
            Path config = PropertiesFiles.write(dataDir.resolve("connect-distributed.properties"),
                    "twin-egress local stack: Kafka Connect worker", props);
            List<String> jvm = jvmFlagsOr(() -> List.of("-Xmx768m", localLog4j(dataDir)));
            ChildProcess process = children.start(PART, Java.command(jvm, layout.kafkaClasspath(),
                    "org.apache.kafka.connect.cli.ConnectDistributed", List.of(config.toString())), dataDir, log, environment());
            ConnectWorker worker = new ConnectWorker(process, client(listener));
            try {
                StartupWait.until(PART, "healthy REST API on " + listener, deadline, process, worker.rest::healthy);
                StartupWait.until(PART, "twin-egress connector plugins " + CONNECTOR_CLASSES + " (" + layout.pluginDir() + ")",
                        Duration.ofSeconds(10), process, () -> simpleNames(worker.rest.connectorPlugins())
                                .containsAll(CONNECTOR_CLASSES));
            } catch (RuntimeException e) {
                process.close();
                throw e;
            }
            return worker;
        }
    }

    private static String localLog4j(Path dataDir) {
        return Log4j.configFlag(dataDir, "connect", "INFO",
                "org.reflections", "ERROR", "org.apache.kafka.clients", "WARN",
                "org.apache.kafka.common.config.AbstractConfig", "WARN", "com.azure", "WARN",
                "reactor", "WARN", "io.netty", "WARN");
    }

    /** Reads feed the live table and must not stall it; a write may wait for the worker's rebalance. */
    private static ConnectRest client(String listener) {
        return ConnectRest.builder(URI.create(listener)).connectTimeout(Duration.ofSeconds(3))
                .readTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(60)).build();
    }

    private static List<String> simpleNames(List<String> classes) {
        return classes.stream().map(c -> c.substring(c.lastIndexOf('.') + 1)).toList();
    }

    public ConnectRest rest() {
        return rest;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
