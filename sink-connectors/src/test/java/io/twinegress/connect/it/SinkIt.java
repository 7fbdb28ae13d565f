package io.twinegress.connect.it;

import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.testing.kafka.ConnectWorker;
import io.twinegress.testing.kafka.KafkaBroker;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.management.AttributeNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * What every sink-connector IT in this module shares: the worker loading the packaged plugin
 * directory, a connector config with test-short backoff and a dead-letter topic, the connectors a
 * test starts (deleted after it), and reads of the task's metrics and committed offsets. Each IT
 * class still has its own broker and worker.
 *
 * <p>The ITs run the connectors from {@code target/twin-egress-connectors} only, as a worker does,
 * so this class (and the ITs) may use compile-time constants of the connector classes (inlined by
 * javac) but never call them.
 */
public final class SinkIt {

    /** The packaged plugin directory a worker loads the connectors from, relative to the module. */
    public static final Path PLUGIN = Path.of("target", "twin-egress-connectors");

    private SinkIt() {
    }

    /** A worker on {@code broker} with the packaged plugin and the file ConfigProvider. */
    public static ConnectWorker worker(KafkaBroker broker) {
        return new ConnectWorker(broker)
            .withPlugin(PLUGIN)
            .withWorkerProperty("config.providers", "file")
            .withWorkerProperty("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
    }

    /**
     * One endpoint's connector config: one task, test-short backoff (200 ms, capped at 2 s), no
     * client retries, and a dead-letter topic {@code <topic>.dlq} with the reason in its headers.
     */
    public static Map<String, String> config(String connectorClass, String topic, String path, String primary, String secondary) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", connectorClass);
        c.put("topics", topic);
        c.put("tasks.max", "1");
        c.put(DeliveryConfig.CONNECTION_STRING_CONFIG, primary);
        if (secondary != null) {
            c.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, secondary);
        }
        if (path != null) {
            c.put(DeliveryConfig.PATH_CONFIG, path);
        }
        c.put(DeliveryConfig.RETRY_BACKOFF_INITIAL_MS_CONFIG, "200");
        c.put(DeliveryConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "2000");
        c.put(DeliveryConfig.CLIENT_TRY_TIMEOUT_MS_CONFIG, "3000");
        c.put(DeliveryConfig.CLIENT_MAX_RETRIES_CONFIG, "0");
        // as every config we ship: header values byte for byte (the worker here keeps Connect's default)
        c.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", topic + ".dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        return c;
    }

    /** The connectors one test starts on the class's worker; {@link #deleteAll()} after each test. */
    public static final class Connectors {
        private final ConnectWorker worker;
        private final Duration deadline;
        private final List<String> names = new ArrayList<>();

        public Connectors(ConnectWorker worker, Duration deadline) {
            this.worker = worker;
            this.deadline = deadline;
        }

        /** Creates (or updates) connector {@code name} and waits until it and its task run. */
        public void start(String name, Map<String, String> config) {
            names.add(name);
            worker.rest().putConnector(name, config);
            worker.rest().awaitRunning(name, deadline);
        }

        public void deleteAll() {
            names.forEach(worker.rest()::deleteConnector);
            names.clear();
        }
    }

    /** A twin event as the router writes it, with {@code data.seq} and {@code padding} characters of {@code data.pad}. */
    public static String event(String id, String type, int seq, int padding) {
        return "{\"id\":\"" + id + "\",\"subject\":\"Sensor\",\"data\":{\"seq\":" + seq + ",\"pad\":\"" + "x".repeat(padding)
            + "\"},\"eventType\":\"" + type + "\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\","
            + "\"metadataVersion\":\"1\"}";
    }

    public static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A task metric of {@code connector} on the platform MBean server (the worker runs in this JVM). */
    public static Optional<Object> metric(String connector, String attribute) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName n : server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
                if (connector.equals(n.getKeyProperty("connector")) && n.getKeyProperty("task") != null) {
                    try {
                        return Optional.ofNullable(server.getAttribute(n, attribute));
                    } catch (AttributeNotFoundException e) {
                        // another plugin's metrics under the same task
                    }
                }
            }
            return Optional.empty();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A numeric task metric, or -1 while the task has not registered it. */
    public static long metricLong(String connector, String attribute) {
        return metric(connector, attribute).map(v -> ((Number) v).longValue()).orElse(-1L);
    }

    /** The sum of the offsets {@code connector}'s consumer group committed. */
    public static long committed(KafkaBroker broker, String connector) {
        return broker.committedOffsets(ConnectWorker.sinkGroupId(connector)).values().stream().mapToLong(Long::longValue).sum();
    }
}
