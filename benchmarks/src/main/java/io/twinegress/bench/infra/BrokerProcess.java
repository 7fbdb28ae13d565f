package io.twinegress.bench.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft broker (combined broker + controller) in a child JVM, formatted with
 * {@code StorageTool} and started with {@code kafka.Kafka}, from this module's classpath (FINDINGS:
 * "a real broker as a child process"). Settings are the broker's defaults except what one node
 * requires (replication factors and min ISR of the internal topics = 1) and
 * {@code auto.create.topics.enable=false} (the suite creates every topic it uses, as production does).
 */
public final class BrokerProcess implements AutoCloseable {

    /** The broker settings the suite changes from Kafka's defaults; reported with the figures. */
    public static final Map<String, String> OVERRIDES = new LinkedHashMap<>();

    static {
        OVERRIDES.put("offsets.topic.replication.factor", "1");
        OVERRIDES.put("transaction.state.log.replication.factor", "1");
        OVERRIDES.put("transaction.state.log.min.isr", "1");
        OVERRIDES.put("share.coordinator.state.topic.replication.factor", "1");
        OVERRIDES.put("share.coordinator.state.topic.min.isr", "1");
        OVERRIDES.put("auto.create.topics.enable", "false");
        OVERRIDES.put("group.initial.rebalance.delay.ms", "0");
        OVERRIDES.put("group.streams.initial.rebalance.delay.ms", "0");
    }

    public static final String HEAP = "-Xmx1g";

    private final ChildJvm jvm;
    private final String bootstrap;
    private final Path dir;

    private BrokerProcess(ChildJvm jvm, String bootstrap, Path dir) {
        this.jvm = jvm;
        this.bootstrap = bootstrap;
        this.dir = dir;
    }

    public static BrokerProcess start(Path workDir, String log4jConfig) throws IOException, InterruptedException {
        Path dir = workDir.resolve("broker");
        Files.createDirectories(dir);
        int port = freePort();
        int controllerPort = freePort();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("log.dirs", dir.resolve("data").toString());
        p.putAll(OVERRIDES);
        Path props = dir.resolve("server.properties");
        StringBuilder sb = new StringBuilder();
        p.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(props, sb.toString());

        String cp = System.getProperty("java.class.path");
        List<String> jvmArgs = List.of("-cp", cp, "-Dlog4j2.configurationFile=" + log4jConfig);
        ChildJvm format = ChildJvm.start("broker-format", dir, jvmArgs,
            List.of("kafka.tools.StorageTool", "format", "--standalone", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(),
                "-c", props.toString()));
        if (!format.waitFor(60_000) || format.exitValue() != 0) {
            format.stop(1000);
            throw new IllegalStateException("StorageTool format failed, see " + format.log());
        }
        List<String> brokerJvm = new ArrayList<>(List.of(HEAP, "-Xms1g", "-XX:+UseG1GC"));
        brokerJvm.addAll(jvmArgs);
        ChildJvm jvm = ChildJvm.start("broker", dir, brokerJvm, List.of("kafka.Kafka", props.toString()));
        String bootstrap = "127.0.0.1:" + port;
        BrokerProcess broker = new BrokerProcess(jvm, bootstrap, dir);
        broker.awaitReady(Duration.ofSeconds(90));
        return broker;
    }

    private void awaitReady(Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (!jvm.isAlive()) {
                throw new IllegalStateException("broker exited, see " + jvm.log());
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                admin.listTopics().names().get(2, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                Thread.sleep(300);
            }
        }
        throw new IllegalStateException("broker not ready within " + deadline + ", see " + jvm.log());
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000));
    }

    public String bootstrap() {
        return bootstrap;
    }

    public ChildJvm jvm() {
        return jvm;
    }

    public Path dir() {
        return dir;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        jvm.stop(20_000);
    }
}
