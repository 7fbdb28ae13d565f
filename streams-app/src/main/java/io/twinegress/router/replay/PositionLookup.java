package io.twinegress.router.replay;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Where a routing task resumes when it has not processed a record since it started: Kafka
 * Streams does not tell a processor its position, so an idle task asks the broker. Only needed
 * when an endpoint changes while a partition is idle (see {@link LiveHistoryRecorder}).
 */
public interface PositionLookup extends AutoCloseable {

    /**
     * @throws org.apache.kafka.common.KafkaException when the broker does not answer; the caller tries again later
     */
    long resumePosition(TopicPartition partition);

    @Override
    default void close() {
    }

    /** Builds one for a processor from the application's configs. */
    @FunctionalInterface
    interface Factory {
        PositionLookup create(Map<String, Object> appConfigs);
    }

    /** The production lookup: an Admin client made from Kafka Streams' admin configs on first use. */
    static Factory admin() {
        return appConfigs -> new PositionLookup() {
            private Admin admin;
            private RouterOffsets offsets;

            @Override
            public long resumePosition(TopicPartition partition) {
                if (offsets == null) {
                    StreamsConfig config = new StreamsConfig(appConfigs);
                    admin = Admin.create(config.getAdminConfigs(config.getString(StreamsConfig.APPLICATION_ID_CONFIG) + "-live-history"));
                    offsets = new RouterOffsets(admin, appConfigs, 2_000);
                }
                return offsets.resumePosition(partition);
            }

            @Override
            public void close() {
                if (admin != null) {
                    admin.close(java.time.Duration.ofSeconds(2));
                }
            }
        };
    }
}
