package io.twinegress.router.endpoints;

import io.twinegress.router.config.RouterConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger LOG = LoggerFactory.getLogger(AdminEgressTopics.class);

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
                makeRoomForTheLargestEvent(topic, timeoutMs);
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

    /**
     * An egress topic that already existed (created by hand, or by an older router) must take the
     * largest event the router routes: the broker refusing a record as too large happens on the
     * producer's I/O thread, where Kafka Streams 4.3 cannot even write a dead-letter record for it
     * (see RouterProductionExceptionHandler). Topics under the egress prefix are the router's, so
     * it raises {@code max.message.bytes} when it is too small, and says so.
     */
    private void makeRoomForTheLargestEvent(String topic, long timeoutMs) {
        String required = config.eventTopicConfigs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config current = admin.describeConfigs(List.of(resource)).all().get(timeoutMs, TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry entry = current == null ? null : current.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry != null && entry.value() != null && Long.parseLong(entry.value()) >= Long.parseLong(required)) {
                return;
            }
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                            new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, required), AlterConfigOp.OpType.SET))))
                    .all().get(timeoutMs, TimeUnit.MILLISECONDS);
            LOG.info("Egress topic {} existed with {}={}; raised to {} so it takes twin.event.max.bytes plus key and headers",
                    topic, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, entry == null ? null : entry.value(), required);
        } catch (ExecutionException e) {
            throw new EgressTopicException("egress topic " + topic + " exists but its " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG
                    + " could not be checked or raised to " + required + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new EgressTopicException("egress topic " + topic + " exists but its configuration could not be checked within "
                    + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EgressTopicException("interrupted while checking egress topic " + topic, e);
        }
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
