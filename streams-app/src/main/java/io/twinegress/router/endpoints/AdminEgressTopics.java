package io.twinegress.router.endpoints;

import io.twinegress.router.config.RouterConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Creates egress topics with the Admin client, synchronously, on the stream thread that
 * processes the endpoint record: the status record saying Active is written only after the
 * topic exists, so no event is ever routed to a missing topic. "Already exists" is success.
 * The wait is bounded by {@code twin.egress.topic.create.timeout.ms}, kept below the
 * transaction timeout so a slow broker cannot make the transaction time out.
 */
public final class AdminEgressTopics implements EgressTopics {

    private final Admin admin;
    private final RouterConfig config;

    private AdminEgressTopics(Admin admin, RouterConfig config) {
        this.admin = admin;
        this.config = config;
    }

    /** A factory that builds the Admin client from Kafka Streams' own admin configs (security settings included). */
    public static Factory factory(RouterConfig config) {
        return appConfigs -> {
            StreamsConfig streamsConfig = new StreamsConfig(appConfigs);
            Map<String, Object> adminConfigs = streamsConfig.getAdminConfigs(streamsConfig.getString(StreamsConfig.APPLICATION_ID_CONFIG)
                    + "-egress-topics");
            return new AdminEgressTopics(Admin.create(adminConfigs), config);
        };
    }

    @Override
    public void ensure(String topic) {
        NewTopic newTopic = new NewTopic(topic, config.egressPartitions(), config.egressReplicationFactor())
                .configs(config.eventTopicConfigs());
        long timeoutMs = config.egressCreateTimeoutMs();
        try {
            admin.createTopics(List.of(newTopic), new CreateTopicsOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, timeoutMs)))
                    .all().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return;
            }
            throw new EgressTopicException("egress topic " + topic + " could not be created: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new EgressTopicException("egress topic " + topic + " was not created within " + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EgressTopicException("interrupted while creating egress topic " + topic, e);
        }
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
