package io.twinegress.router.endpoints;

import io.twinegress.router.config.RouterConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates egress topics with the Admin client, synchronously, on the stream thread that
 * processes the endpoint record: the status record saying Active is written only after the
 * topic exists, so no event is ever routed to a missing topic. "Already exists" is success.
 *
 * <p>Every call of one {@link #ensure} shares the time it is given (create, then for an existing
 * topic describe and alter its {@code max.message.bytes}): the step holds the stream thread, and
 * under exactly_once_v2 the open transaction of every task on that thread, so it has one deadline,
 * not one per call.
 *
 * <p>Outcomes: the topic exists (created, or found) → success, with a warning when its
 * {@code max.message.bytes} could not be checked or raised (the topic is there; the endpoint can be
 * routed to). The topic is missing and creating it failed → {@link EgressTopicException},
 * {@linkplain EgressTopicException#retriable() retriable} when it timed out or the cluster said
 * to retry, not when the cluster refused.
 */
public final class AdminEgressTopics implements EgressTopics {

    private static final Logger LOG = LoggerFactory.getLogger(AdminEgressTopics.class);

    private final Admin admin;
    private final RouterConfig config;

    AdminEgressTopics(Admin admin, RouterConfig config) {
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
    public List<String> ensure(String topic, Duration timeLeft) {
        long deadline = System.nanoTime() + timeLeft.toNanos();
        NewTopic newTopic = new NewTopic(topic, config.egressPartitions(), config.egressReplicationFactor())
                .configs(config.eventTopicConfigs());
        try {
            long ms = remainingMs(deadline);
            await(admin.createTopics(List.of(newTopic), new CreateTopicsOptions().timeoutMs(intMs(ms))).all(), ms);
            return List.of();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return makeRoomForTheLargestEvent(topic, deadline);
            }
            throw new EgressTopicException("egress topic " + topic + " could not be created: " + e.getCause(),
                    e.getCause() instanceof RetriableException, e.getCause());
        } catch (TimeoutException e) {
            throw new EgressTopicException("egress topic " + topic + " was not created within " + timeLeft.toMillis() + " ms", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EgressTopicException("interrupted while creating egress topic " + topic, true, e);
        }
    }

    /**
     * An egress topic that already existed (created by hand, or by an older router) must take the
     * largest record the router writes: a broker refusing a record as too large does so on the
     * producer's I/O thread, where Kafka Streams 4.3 cannot even write a dead-letter record for it
     * (see RouterProductionExceptionHandler). Topics under the egress prefix are the router's, so
     * it raises {@code max.message.bytes} when it is too small, and says so. Any failure here is a
     * warning: the topic exists.
     */
    private List<String> makeRoomForTheLargestEvent(String topic, long deadline) {
        String required = config.eventTopicConfigs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            long ms = remainingMs(deadline);
            Config current = await(admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().timeoutMs(intMs(ms))).all(), ms)
                    .get(resource);
            ConfigEntry entry = current == null ? null : current.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry != null && entry.value() != null && Long.parseLong(entry.value()) >= Long.parseLong(required)) {
                return List.of();
            }
            ms = remainingMs(deadline);
            await(admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                            new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, required), AlterConfigOp.OpType.SET))),
                    new AlterConfigsOptions().timeoutMs(intMs(ms))).all(), ms);
            LOG.info("Egress topic {} existed with {}={}; raised to {} so it takes twin.event.max.bytes plus key and headers",
                    topic, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, entry == null ? null : entry.value(), required);
            return List.of();
        } catch (ExecutionException e) {
            return List.of(cannotSize(topic, required, String.valueOf(e.getCause())));
        } catch (TimeoutException e) {
            return List.of(cannotSize(topic, required, "no answer in time"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(cannotSize(topic, required, "interrupted"));
        }
    }

    private static String cannotSize(String topic, String required, String why) {
        LOG.warn("Egress topic {} exists, but its {} could not be checked or raised to {} ({}); a record larger than the topic "
                + "takes would stop routing to it", topic, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, required, why);
        return "egress topic " + topic + " exists, but its " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + " could not be checked or raised to "
                + required + " (" + why + "); make sure it is at least that";
    }

    private static <T> T await(KafkaFuture<T> future, long ms) throws ExecutionException, TimeoutException, InterruptedException {
        if (ms <= 0) {
            throw new TimeoutException("no time left");
        }
        return future.get(ms, TimeUnit.MILLISECONDS);
    }

    private static long remainingMs(long deadline) {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    private static int intMs(long ms) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
