package io.twinegress.testing.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;

class TestKitFactoryTest {

    @Test
    void bootstrapsTheLatestProductionMetadataVersion() {
        assertEquals(MetadataVersion.latestProduction(), TestKitFactory.productionBootstrap().metadataVersion());
    }

    @Test
    void enablesTheFeaturesTheNewGroupProtocolsAndTransactionsNeed() {
        BootstrapMetadata bootstrap = TestKitFactory.productionBootstrap();
        for (Feature feature : new Feature[] {Feature.GROUP_VERSION, Feature.TRANSACTION_VERSION, Feature.STREAMS_VERSION}) {
            short level = bootstrap.featureLevel(feature.featureName());
            assertTrue(level > 0, feature.featureName() + " is at level " + level);
            assertEquals(feature.defaultLevel(MetadataVersion.latestProduction()), level, feature.featureName());
        }
    }

    @Test
    void turnsUnstableVersionsOff() {
        assertEquals("false", TestKitFactory.SINGLE_NODE_DEFAULTS.get("unstable.api.versions.enable"));
        assertEquals("false", TestKitFactory.SINGLE_NODE_DEFAULTS.get("unstable.feature.versions.enable"));
    }
}
