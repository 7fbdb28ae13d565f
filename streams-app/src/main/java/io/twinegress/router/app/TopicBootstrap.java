package io.twinegress.router.app;

import io.twinegress.router.config.RouterConfig;
import io.twinegress.schemas.ControlTopics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the topics the router reads and writes exist before Kafka Streams starts (it
 * creates none of them itself; a missing dead-letter topic would leave the router RUNNING
 * without progress), that {@code twin.endpoints} and {@code twin.endpoints.replay} have exactly
 * one partition, and that
 * {@code twin.endpoints} and {@code twin.endpoints.status} are compacted and nothing else
 * ({@link ControlTopics}): the router rebuilds its endpoint table and its routing index from them
 * at every start, so a record the broker deleted would be an endpoint lost.
 */
public final class TopicBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrap.class);

    /** A startup problem with the topics; the message says what to do. */
    public static final class TopicSetupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TopicSetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private TopicBootstrap() {
    }

    /** The topics the router needs, with how to create each one. */
    static Map<String, NewTopic> required(RouterConfig config) {
        Map<String, NewTopic> topics = new LinkedHashMap<>();
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        topics.put(config.endpointsTopic(), new NewTopic(config.endpointsTopic(), Optional.of(1), config.egressReplicationFactor())
                .configs(compact));
        topics.put(config.statusTopic(), new NewTopic(config.statusTopic(), Optional.of(1), config.egressReplicationFactor())
                .configs(compact));
        topics.put(config.replayProgressTopic(), new NewTopic(config.replayProgressTopic(), Optional.of(1),
                config.egressReplicationFactor()).configs(compact));
        topics.put(config.dlqTopic(), new NewTopic(config.dlqTopic(), config.egressPartitions(), config.egressReplicationFactor())
                .configs(config.eventTopicConfigs()));
        List<String> inputs = new ArrayList<>(config.inputTopics());
        config.deviceMessagesTopic().ifPresent(inputs::add);
        for (String input : inputs) {
            topics.put(input, new NewTopic(input, config.egressPartitions(), config.egressReplicationFactor())
                    .configs(config.eventTopicConfigs()));
        }
        return topics;
    }

    private static void requireCompacted(Admin admin, List<String> topics) throws ExecutionException, InterruptedException {
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
        for (ConfigResource resource : resources) {
            ConfigEntry policy = configs.get(resource) == null ? null : configs.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG);
            Optional<String> problem = ControlTopics.notCompacted(resource.name(), policy == null ? null : policy.value());
            if (problem.isPresent()) {
                throw new TopicSetupException(problem.get(), null);
            }
        }
    }

    /** How long start-up waits out a retriable answer (a topic just created, not yet known to every broker). */
    private static final long RETRIABLE_DEADLINE_MS = 30_000;

    public static void ensure(Admin admin, RouterConfig config) {
        long deadline = System.currentTimeMillis() + RETRIABLE_DEADLINE_MS;
        while (true) {
            try {
                ensureOnce(admin, config);
                return;
            } catch (TopicSetupException e) {
                if (!(e.getCause() instanceof RetriableException) || System.currentTimeMillis() >= deadline) {
                    throw e;
                }
                LOG.debug("Topic check answered {}; trying again", e.getCause().getClass().getSimpleName());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new TopicSetupException("Interrupted while checking the router's topics", interrupted);
                }
            }
        }
    }

    private static void ensureOnce(Admin admin, RouterConfig config) {
        Map<String, NewTopic> required = required(config);
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = required.values().stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                List<String> names = missing.stream().map(NewTopic::name).toList();
                if (!config.createTopics()) {
                    throw new TopicSetupException("Missing topic(s) " + names + " and " + RouterConfig.TOPICS_CREATE_CONFIG
                            + "=false: create them, or let the router create them", null);
                }
                for (NewTopic topic : missing) {
                    try {
                        admin.createTopics(List.of(topic)).all().get();
                        LOG.info("Created topic {}", topic.name());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                }
            }
            Map<String, TopicDescription> control = admin.describeTopics(List.of(config.endpointsTopic(), config.replayProgressTopic()))
                    .allTopicNames().get();
            TopicDescription endpoints = control.get(config.endpointsTopic());
            if (endpoints.partitions().size() != 1) {
                throw new TopicSetupException("Topic " + config.endpointsTopic() + " has " + endpoints.partitions().size()
                        + " partitions; it must have exactly 1 so every endpoint record is seen in one order "
                        + "(the first DeviceMessage endpoint registered wins)", null);
            }
            TopicDescription replay = control.get(config.replayProgressTopic());
            if (replay.partitions().size() != 1) {
                throw new TopicSetupException("Topic " + config.replayProgressTopic() + " has " + replay.partitions().size()
                        + " partitions; it must have exactly 1: the task that keeps the endpoint table (one partition of "
                        + config.endpointsTopic() + ") reads it to put the backfills' progress into the status records", null);
            }
            requireCompacted(admin, List.of(config.endpointsTopic(), config.statusTopic()));
        } catch (ExecutionException e) {
            throw new TopicSetupException("Cannot check or create the router's topics: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("Interrupted while checking the router's topics", e);
        }
    }
}
