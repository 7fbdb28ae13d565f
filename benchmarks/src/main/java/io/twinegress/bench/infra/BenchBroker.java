package io.twinegress.bench.infra;

import io.twinegress.localstack.Ports;
import io.twinegress.localstack.kafka.KafkaBroker;
import io.twinegress.localstack.process.Children;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The suite's broker: the local stack's {@link KafkaBroker} launcher (a single KRaft node in a
 * child JVM, formatted with {@code StorageTool}, started with {@code kafka.Kafka}) with the
 * benchmark's own settings. Settings are Kafka's defaults except what one node requires
 * (replication factors and min ISR of the internal topics = 1),
 * {@code auto.create.topics.enable=false} (the suite creates every topic it uses, as production
 * does) and no initial rebalance delay; the JVM is production-like (G1, full JIT), not the local
 * stack's light one.
 */
public final class BenchBroker {

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

    private BenchBroker() {
    }

    /**
     * Starts the broker on free loopback ports, its data in {@code <work>/broker}, its output in
     * {@code <work>/logs/kafka.log}, logging as configured by {@code log4jConfig}.
     */
    public static KafkaBroker start(Children children, Path work, String log4jConfig) {
        return KafkaBroker.launch(children, Repo.layout(), Ports.free(), work.resolve("broker"), work.resolve("logs"))
            .settings(OVERRIDES)
            .jvmFlags(List.of(HEAP, "-Xms1g", "-XX:+UseG1GC", "-Dlog4j2.configurationFile=" + log4jConfig))
            .start(Duration.ofSeconds(90));
    }

    public static Admin admin(KafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000));
    }
}
