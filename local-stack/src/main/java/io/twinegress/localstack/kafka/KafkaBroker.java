package io.twinegress.localstack.kafka;

import io.twinegress.localstack.Layout;
import io.twinegress.localstack.Ports;
import io.twinegress.localstack.process.ChildLaunch;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Children;
import io.twinegress.localstack.process.Java;
import io.twinegress.localstack.process.Log4j;
import io.twinegress.localstack.process.PropertiesFiles;
import io.twinegress.localstack.process.StartupException;
import io.twinegress.localstack.process.StartupWait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft broker (combined broker + controller) as a child process: the storage is
 * formatted with {@code kafka.tools.StorageTool}, then {@code kafka.Kafka} runs on the jars in
 * {@code local-stack/target/lib}.
 */
public final class KafkaBroker implements AutoCloseable {

    public static final String PART = "Kafka broker";

    private final ChildProcess process;
    private final String bootstrap;

    private KafkaBroker(ChildProcess process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    /** What one KRaft node (broker + controller) on loopback needs, whatever else it is set to. */
    public static Map<String, String> nodeProperties(Ports ports, Path dataDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", Ports.HOST + ":" + ports.controller());
        p.put("listeners", "PLAINTEXT://" + Ports.HOST + ":" + ports.kafka() + ",CONTROLLER://" + Ports.HOST + ":"
                + ports.controller());
        p.put("advertised.listeners", "PLAINTEXT://" + Ports.HOST + ":" + ports.kafka());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("kafka").toAbsolutePath().toString());
        return p;
    }

    /** The local stack's settings on top of {@link #nodeProperties}. */
    public static Map<String, String> localSettings() {
        Map<String, String> p = new LinkedHashMap<>();
        // topics are created explicitly (Topics), by the router (egress) and by Connect (its own, DLQs)
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "3");
        p.put("default.replication.factor", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "10");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        return p;
    }

    /** The broker settings, also mirrored by docker-compose.yml (ComposeFileTest checks it). */
    public static Map<String, String> serverProperties(Ports ports, Path dataDir) {
        Map<String, String> p = nodeProperties(ports, dataDir);
        p.putAll(localSettings());
        return p;
    }

    /** A broker as the local stack runs it ({@link #launch} with no option). */
    public static KafkaBroker start(Children children, Layout layout, Ports ports, Path dataDir, Path logDir, Duration deadline) {
        return launch(children, layout, ports, dataDir, logDir).start(deadline);
    }

    /**
     * A broker on {@code ports}, its storage and settings in {@code dataDir}, its output in
     * {@code <logDir>/kafka.log}; the local stack's settings and JVM unless the {@link Launch} says otherwise.
     */
    public static Launch launch(Children children, Layout layout, Ports ports, Path dataDir, Path logDir) {
        return new Launch(children, layout, ports, dataDir, logDir);
    }

    /** How to start one broker: {@link #settings} replace {@link #localSettings()}, {@link #nodeProperties} stay. */
    public static final class Launch extends ChildLaunch<Launch> {

        private final Ports ports;

        private Launch(Children children, Layout layout, Ports ports, Path dataDir, Path logDir) {
            super(children, layout, dataDir, logDir, localSettings());
            this.ports = ports;
        }

        @Override
        protected Launch self() {
            return this;
        }

        /** Formats the storage, starts the broker and waits until it answers. */
        public KafkaBroker start(Duration deadline) {
            Map<String, String> props = nodeProperties(ports, dataDir);
            props.putAll(settings());
            Path config = PropertiesFiles.write(dataDir.resolve("server.properties"),
                    "twin-egress local stack: single-node KRaft broker", props);
            List<String> jvm = jvmFlagsOr(() -> List.of("-Xmx1g", localLog4j(dataDir)));
            Path log = logDir.resolve("kafka.log");

            ChildProcess format = children.start(PART + " (storage format)",
                    Java.command(jvm, layout.kafkaClasspath(), "kafka.tools.StorageTool",
                            List.of("format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", config.toString())),
                    dataDir, log, Map.of());
            int code = format.awaitExit(deadline);
            if (code != 0) {
                throw new StartupException(PART, "kafka.tools.StorageTool format exited with code " + code, log, null);
            }
            return run(children, layout, ports, config, jvm, dataDir, log, deadline);
        }
    }

    private static String localLog4j(Path dataDir) {
        return Log4j.configFlag(dataDir, "kafka", "INFO", "kafka.log", "WARN", "org.apache.kafka.storage",
                "WARN", "state.change.logger", "WARN", "kafka.request.logger", "WARN");
    }

    /**
     * Starts the broker again on the storage, ports and settings a previous {@link #start} formatted
     * and wrote into {@code dataDir} (no new format): a broker restart after a stop or a crash.
     */
    public static KafkaBroker restart(Children children, Layout layout, Ports ports, Path dataDir, Path logDir,
            Duration deadline) {
        Path config = dataDir.resolve("server.properties");
        if (!java.nio.file.Files.exists(config)) {
            throw new StartupException(PART, "nothing to restart: no " + config, null, null);
        }
        List<String> jvm = Java.local(List.of("-Xmx1g", "-Dlog4j2.configurationFile="
                + dataDir.resolve("log4j2-kafka.properties").toAbsolutePath()));
        return run(children, layout, ports, config, jvm, dataDir, logDir.resolve("kafka.log"), deadline);
    }

    private static KafkaBroker run(Children children, Layout layout, Ports ports, Path config, List<String> jvm,
            Path dataDir, Path log, Duration deadline) {
        ChildProcess broker = children.start(PART,
                Java.command(jvm, layout.kafkaClasspath(), "kafka.Kafka", List.of(config.toString())),
                dataDir, log, Map.of());
        KafkaBroker b = new KafkaBroker(broker, ports.kafkaBootstrap());
        try {
            StartupWait.until(PART, "answer on " + ports.kafkaBootstrap(), deadline, broker, b::answers);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return b;
    }

    private boolean answers() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000"))) {
            return !admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).isEmpty();
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
