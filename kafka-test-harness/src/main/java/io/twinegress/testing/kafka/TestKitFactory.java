package io.twinegress.testing.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Builds a one-node combined KRaft test kit that behaves like a production cluster of the
 * same Kafka version: latest production metadata version, every production feature
 * (group, streams, transaction, ...) at its default level for that version, and no
 * unstable APIs. The kit's own defaults would bootstrap an unstable metadata version,
 * and {@code setBootstrapMetadataVersion} alone leaves the features at level 0, which
 * breaks the new consumer and streams group protocols.
 */
final class TestKitFactory {

    /** Broker settings for a single node; callers' properties are applied on top. */
    static final Map<String, String> SINGLE_NODE_DEFAULTS = Map.ofEntries(
            Map.entry("unstable.api.versions.enable", "false"),
            Map.entry("unstable.feature.versions.enable", "false"),
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "5"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "5"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("default.replication.factor", "1"),
            Map.entry("min.insync.replicas", "1"),
            Map.entry("num.partitions", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("group.streams.initial.rebalance.delay.ms", "0"),
            // Production platforms turn this off; our code must create the topics it uses.
            Map.entry("auto.create.topics.enable", "false"));

    private TestKitFactory() {
    }

    static KafkaClusterTestKit build(Map<String, String> brokerProperties) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder(productionBootstrap())
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        Map<String, String> props = new LinkedHashMap<>(SINGLE_NODE_DEFAULTS);
        props.putAll(brokerProperties);
        props.forEach(builder::setConfigProp);
        return builder.build();
    }

    static BootstrapMetadata productionBootstrap() {
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> levels = new LinkedHashMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            levels.put(feature.featureName(), feature.defaultLevel(version));
        }
        return BootstrapMetadata.fromVersions(version, levels, "twin-egress kafka-test-harness");
    }
}
