package io.twinegress.reliability.stack;

import io.twinegress.localstack.Layout;
import io.twinegress.localstack.Ports;
import io.twinegress.localstack.kafka.KafkaBroker;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Children;
import io.twinegress.localstack.process.Java;
import io.twinegress.localstack.process.Log4j;
import io.twinegress.localstack.process.PropertiesFiles;
import io.twinegress.localstack.process.StartupException;
import io.twinegress.localstack.process.StartupWait;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * Three KRaft nodes on loopback, each a child JVM from the local stack's Kafka jars, each both
 * broker and controller: a three-voter controller quorum, so one node down (even the active
 * controller) leaves a majority, with three JVMs instead of six. Every topic gets replication
 * factor 3 and {@code min.insync.replicas} 2, Kafka's internal topics (offsets, transactions)
 * included, so {@code acks=all} writes and transactions go on with one node down.
 *
 * <p>The quorum's voters are fixed in each node's configuration, so all six ports are picked
 * before the first node starts (held open together, so they differ, then released); a port
 * taken by someone else in between makes a node fail to bind, and the whole cluster is started
 * again on new ports and fresh storage. A node killed with SIGKILL restarts on its own storage
 * and ports.
 */
public final class KafkaCluster implements AutoCloseable {

    public static final String PART = "Kafka cluster node";
    public static final int NODES = 3;
    private static final int START_ATTEMPTS = 3;
    private static final Duration ADMIN_CALL = Duration.ofSeconds(10);

    private final Layout layout;
    private final Path dataDir;
    private final Path logDir;
    private final Duration deadline;
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final Children children = new Children();
    private final ChildProcess[] nodes = new ChildProcess[NODES + 1];
    private final Admin admin;

    private KafkaCluster(Layout layout, Path dataDir, Path logDir, Duration deadline, int[] ports) {
        this.layout = layout;
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.deadline = deadline;
        this.brokerPorts = new int[NODES + 1];
        this.controllerPorts = new int[NODES + 1];
        for (int id = 1; id <= NODES; id++) {
            brokerPorts[id] = ports[2 * (id - 1)];
            controllerPorts[id] = ports[2 * (id - 1) + 1];
        }
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"));
    }

    /**
     * Formats and starts the three nodes (logs {@code <logDir>/kafka-<id>.log}) and waits until all
     * three are registered brokers; on a port clash, once more on new ports (at most three times).
     */
    public static KafkaCluster start(Layout layout, Path logDir, Duration deadline) throws IOException {
        StartupException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            KafkaCluster c = new KafkaCluster(layout, Files.createTempDirectory("twin-egress-cluster-"), logDir, deadline,
                    freePorts(2 * NODES));
            try {
                c.formatAndStart();
                return c;
            } catch (StartupException e) {
                boolean clash = c.portClash();
                c.close();
                if (!clash) {
                    throw e;
                }
                last = e;
            } catch (RuntimeException | Error e) {
                c.close();
                throw e;
            }
        }
        throw new StartupException(PART, "every port pick clashed with another process", null, last);
    }

    private void formatAndStart() {
        String clusterId = Uuid.randomUuid().toString();
        ChildProcess[] formats = new ChildProcess[NODES + 1];
        for (int id = 1; id <= NODES; id++) {
            try {
                // a fresh log per attempt: the clash check reads it
                Files.deleteIfExists(log(id));
            } catch (IOException e) {
                throw new StartupException(PART + " " + id, "could not remove " + log(id) + ": " + e.getMessage(), null, e);
            }
            Path config = writeConfig(id);
            formats[id] = children.start(PART + " " + id + " (storage format)", Java.command(jvm(id),
                    layout.kafkaClasspath(), "kafka.tools.StorageTool", List.of("format", "-t", clusterId, "-c",
                            config.toString())), nodeDir(id), log(id), Map.of());
        }
        for (int id = 1; id <= NODES; id++) {
            int code = formats[id].awaitExit(deadline);
            if (code != 0) {
                throw new StartupException(PART + " " + id, "kafka.tools.StorageTool format exited with code " + code,
                        log(id), null);
            }
        }
        // all three before waiting: a node serves only once a majority of the voters runs
        for (int id = 1; id <= NODES; id++) {
            run(id);
        }
        awaitRegistered(Set.of(1, 2, 3));
    }

    private Path writeConfig(int id) {
        String voters = IntStream.rangeClosed(1, NODES).mapToObj(n -> n + "@" + Ports.HOST + ":" + controllerPorts[n])
                .collect(Collectors.joining(","));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(id));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://" + Ports.HOST + ":" + brokerPorts[id] + ",CONTROLLER://" + Ports.HOST + ":"
                + controllerPorts[id]);
        p.put("advertised.listeners", "PLAINTEXT://" + Ports.HOST + ":" + brokerPorts[id]);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", nodeDir(id).resolve("kafka").toAbsolutePath().toString());
        p.putAll(KafkaBroker.localSettings());
        // what makes it a cluster that survives one node: three copies, two needed for a write
        p.put("default.replication.factor", "3");
        p.put("min.insync.replicas", "2");
        p.put("offsets.topic.replication.factor", "3");
        p.put("transaction.state.log.replication.factor", "3");
        p.put("transaction.state.log.min.isr", "2");
        p.put("share.coordinator.state.topic.replication.factor", "3");
        p.put("share.coordinator.state.topic.min.isr", "2");
        p.put("unclean.leader.election.enable", "false");
        return PropertiesFiles.write(nodeDir(id).resolve("server.properties"),
                "twin-egress reliability: KRaft node " + id + " of " + NODES, p);
    }

    private void run(int id) {
        nodes[id] = children.start(PART + " " + id, Java.command(jvm(id), layout.kafkaClasspath(), "kafka.Kafka",
                List.of(nodeDir(id).resolve("server.properties").toString())), nodeDir(id), log(id), Map.of());
    }

    private List<String> jvm(int id) {
        return Java.local(List.of("-Xmx512m", Log4j.configFlag(nodeDir(id), "kafka", "INFO", "kafka", "INFO",
                "org.apache.kafka.storage", "WARN", "state.change.logger", "WARN", "kafka.request.logger", "WARN")));
    }

    /** Waits until {@code ids} are registered, unfenced brokers; fails at once if one of their JVMs has exited. */
    private void awaitRegistered(Set<Integer> ids) {
        StartupWait.until(PART + "s " + ids, "registered brokers " + ids, deadline, null, () -> {
            for (int id : ids) {
                if (!nodes[id].isAlive()) {
                    throw new StartupWait.GiveUp("node " + id + " exited with code " + nodes[id].exitCode()
                            + " (log " + log(id) + ")");
                }
            }
            return admin.describeCluster().nodes().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .map(Node::id).collect(Collectors.toSet()).containsAll(ids);
        });
    }

    private boolean portClash() {
        for (int id = 1; id <= NODES; id++) {
            try {
                if (Files.exists(log(id)) && Files.readString(log(id)).contains("Address already in use")) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    /** Distinct free loopback ports: all held open together, then released for the nodes to bind. */
    private static int[] freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(Ports.HOST));
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // released either way
                }
            }
        }
    }

    // ---- faults -------------------------------------------------------------------------------

    /** SIGKILL of node {@code id} (broker and controller at once), waiting until its JVM is gone. */
    public void kill(int id) {
        nodes[id].kill();
    }

    /** Starts node {@code id} again on its storage and ports, and waits until it is a registered broker. */
    public void restart(int id) {
        run(id);
        awaitRegistered(Set.of(id));
    }

    // ---- what the cluster looks like ------------------------------------------------------------

    /** All three brokers: a client bootstraps from any that is up. */
    public String bootstrap() {
        return IntStream.rangeClosed(1, NODES).mapToObj(id -> Ports.HOST + ":" + brokerPorts[id])
                .collect(Collectors.joining(","));
    }

    /** How many of the partitions of {@code topics} each node leads (a node leading none is absent). */
    public Map<Integer, Integer> leaders(Collection<String> topics) throws Exception {
        Map<Integer, Integer> led = new LinkedHashMap<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames()
                .get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS).values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.leader() != null && !p.leader().isEmpty()) {
                    led.merge(p.leader().id(), 1, Integer::sum);
                }
            }
        }
        return led;
    }

    /** The node leading most partitions of {@code topics}; on a tie the active controller, then the lowest id. */
    public int mostLeading(Collection<String> topics) throws Exception {
        Map<Integer, Integer> led = leaders(topics);
        int controller = activeController();
        return led.entrySet().stream().max(Comparator.<Map.Entry<Integer, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparing(e -> e.getKey() == controller)
                        .thenComparing(e -> -e.getKey()))
                .map(Map.Entry::getKey).orElseThrow(() -> new IllegalStateException("no leader for " + topics));
    }

    /** The node that leads the controller quorum. */
    public int activeController() throws Exception {
        return admin.describeMetadataQuorum().quorumInfo().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS).leaderId();
    }

    /** Partitions, over every topic, with fewer in-sync replicas than replicas. */
    public int underReplicated() throws Exception {
        Set<String> topics = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                .names().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
        int under = 0;
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames()
                .get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS).values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.isr().size() < p.replicas().size()) {
                    under++;
                }
            }
        }
        return under;
    }

    /** The replication factor of each partition of {@code topic}. */
    public List<Integer> replicationFactors(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic).partitions().stream().map(p -> p.replicas().size()).toList();
    }

    public ChildProcess node(int id) {
        return nodes[id];
    }

    private Path nodeDir(int id) {
        return dataDir.resolve("node-" + id);
    }

    private Path log(int id) {
        return logDir.resolve("kafka-" + id + ".log");
    }

    /** Kills every node (the storage is deleted next: a clean shutdown would only wait on the quorum) and deletes the storage. */
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        for (int id = 1; id <= NODES; id++) {
            if (nodes[id] != null) {
                nodes[id].kill();
            }
        }
        children.stopAll(Duration.ofSeconds(20));
        try (Stream<Path> walk = Files.walk(dataDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("twin-egress cluster: could not remove " + dataDir + ": " + e.getMessage());
        }
    }
}
