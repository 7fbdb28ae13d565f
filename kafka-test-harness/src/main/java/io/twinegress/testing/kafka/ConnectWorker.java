package io.twinegress.testing.kafka;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.runtime.Connect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka Connect distributed worker running in the test JVM against a
 * {@link KafkaBroker}, with its REST API on a random loopback port. One per test class:
 * register it as a static extension after the broker (JUnit starts extensions in
 * declaration order and stops them in reverse).
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();
 * @RegisterExtension static final ConnectWorker CONNECT = new ConnectWorker(KAFKA);
 *
 * CONNECT.rest().putConnector("sb-1", Map.of("connector.class", "ServiceBusSinkConnector", "topics", "t"));
 * CONNECT.rest().awaitRunning("sb-1", Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>Worker settings: {@code plugin.discovery=service_load} (connectors are found through
 * {@code META-INF/services/org.apache.kafka.connect.sink.SinkConnector}, on the test
 * classpath or in plugins added with {@link #withPlugin}); {@code ByteArrayConverter}
 * for keys and values; {@code consumer.isolation.level=read_committed} (sinks sit
 * downstream of an exactly-once router); {@code connector.client.config.override.policy=All};
 * internal topics at replication factor 1 with names unique to this worker; offsets
 * flushed every 500 ms. Override any of them with {@link #withWorkerProperty}.
 *
 * <p>While the worker runs, {@code org.apache.kafka.common.utils.Exit} is redirected: a
 * Connect thread that asks to exit the JVM is logged at ERROR instead of killing the test
 * JVM, and the shutdown hook Connect registers is removed again on close so a stopped
 * worker is not kept in memory (Exit is global, so a JVM runs one worker at a time).
 */
public class ConnectWorker extends ClassScopedExtension<ConnectWorker> {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectWorker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaBroker broker;
    /** Group and internal topic names: fixed per instance, so close() then start() is a restart. */
    private final String id = "twin-egress-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> extraProperties = new LinkedHashMap<>();
    private final List<Path> plugins = new ArrayList<>();
    private final List<Thread> shutdownHooks = new ArrayList<>();
    private Path pluginPath;
    private Connect<?> connect;
    private ConnectRestClient rest;

    /** A worker for {@code broker}; it is started by JUnit, or by {@link #start()}. */
    public ConnectWorker(KafkaBroker broker) {
        this.broker = broker;
    }

    /** Sets or overrides a worker property. Call before start. */
    public ConnectWorker withWorkerProperty(String key, String value) {
        if (connect != null) {
            throw new IllegalStateException("Connect worker already started: set properties before start()");
        }
        extraProperties.put(key, value);
        return this;
    }

    /**
     * Adds a Connect plugin the worker loads in isolation, as a production worker would: a
     * plugin directory (the connector jar and its dependencies, for example
     * {@code sink-connectors/target/twin-egress-connectors}) or a single jar. Under
     * {@code service_load} discovery its jars must carry the {@code META-INF/services} entry
     * for their connectors. The worker gets a private {@code plugin.path} linking to each
     * plugin (see {@code PluginPath}); do not also set {@code plugin.path} yourself.
     */
    public ConnectWorker withPlugin(Path plugin) {
        if (connect != null) {
            throw new IllegalStateException("Connect worker already started: add plugins before start()");
        }
        plugins.add(plugin);
        return this;
    }

    // ---- lifecycle --------------------------------------------------------------------

    /**
     * Starts the worker and waits until {@code GET /health} answers 200. Idempotent. After
     * {@link #close()} it starts again as the same worker (same group, same internal topics),
     * so it finds its connectors, their configs and offsets: a worker restart.
     */
    @Override
    public synchronized ConnectWorker start() {
        if (connect != null) {
            return this;
        }
        long startNanos = System.nanoTime();
        Exit.setExitProcedure((status, message) ->
                LOG.error("Connect asked to exit the JVM with status {}: {} (ignored in tests)", status, message));
        Exit.setHaltProcedure((status, message) ->
                LOG.error("Connect asked to halt the JVM with status {}: {} (ignored in tests)", status, message));
        // Connect registers a JVM shutdown hook that stop() leaves behind, holding the whole
        // stopped worker until the JVM exits; keep hold of it to remove it on close.
        Exit.setShutdownHookAdder((name, hook) -> {
            Thread thread = new Thread(hook, name);
            shutdownHooks.add(thread);
            Runtime.getRuntime().addShutdownHook(thread);
        });
        try {
            if (!plugins.isEmpty()) {
                pluginPath = PluginPath.create(plugins);
            }
            connect = new ConnectDistributed().startConnect(workerProperties());
            rest = new ConnectRestClient(connect.rest().serverUrl());
            ConnectRestClient client = rest;
            await("Connect worker /health to answer 200").atMost(START_TIMEOUT).until(client::healthy);
        } catch (RuntimeException | AssertionError e) {
            close();
            throw e;
        }
        LOG.info("Connect worker ready at {} in {} ms", rest.baseUrl(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        return this;
    }

    /** Stops the worker (its connectors and tasks first) and waits until it has stopped. */
    @Override
    public synchronized void close() {
        if (connect != null) {
            connect.stop();
            connect.awaitStop();
            shutdownHooks.forEach(Runtime.getRuntime()::removeShutdownHook);
            shutdownHooks.clear();
            connect = null;
            rest = null;
            LOG.info("Connect worker stopped");
        }
        if (pluginPath != null) {
            PluginPath.delete(pluginPath);
            pluginPath = null;
        }
        Exit.resetExitProcedure();
        Exit.resetHaltProcedure();
        Exit.resetShutdownHookAdder();
    }

    // ---- access -----------------------------------------------------------------------

    /** Base URL of the REST API, for example {@code http://127.0.0.1:41234/}. */
    public URI restUrl() {
        return rest().baseUrl();
    }

    /** REST helpers bound to this worker. */
    public synchronized ConnectRestClient rest() {
        if (rest == null) {
            throw new IllegalStateException(
                    "Connect worker not running: register it with @RegisterExtension on a static field, or call start()");
        }
        return rest;
    }

    /**
     * The class loader the worker loads {@code connectorClass} (a full class name) with: the plugin's
     * own, isolated from the test's class path. Tests use it to reach the plugin's copy of a library
     * (a JVM-wide setting of it, for example), which the test's copy is not.
     */
    public synchronized ClassLoader pluginLoader(String connectorClass) {
        if (connect == null) {
            throw new IllegalStateException("Connect worker not running");
        }
        ClassLoader delegating = connect.herder().plugins().delegatingLoader();
        try {
            return delegating.loadClass(connectorClass).getClassLoader();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("no plugin of this worker has " + connectorClass, e);
        }
    }

    /** The consumer group Connect gives a sink connector: {@code connect-<name>}. */
    public static String sinkGroupId(String connectorName) {
        return "connect-" + connectorName;
    }

    Map<String, String> workerProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("group.id", id);
        props.put("config.storage.topic", id + "-configs");
        props.put("offset.storage.topic", id + "-offsets");
        props.put("status.storage.topic", id + "-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("offset.storage.partitions", "1");
        props.put("status.storage.partitions", "1");
        props.put("listeners", "http://127.0.0.1:0");
        props.put("plugin.discovery", "service_load");
        props.put("key.converter", ByteArrayConverter.class.getName());
        props.put("value.converter", ByteArrayConverter.class.getName());
        props.put("consumer.isolation.level", "read_committed");
        props.put("connector.client.config.override.policy", "All");
        props.put("offset.flush.interval.ms", "500");
        if (pluginPath != null) {
            props.put("plugin.path", pluginPath.toString());
        }
        props.putAll(extraProperties);
        return props;
    }
}
