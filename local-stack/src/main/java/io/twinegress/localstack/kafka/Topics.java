package io.twinegress.localstack.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The topics of the pipeline, created explicitly before anything uses them. The router creates
 * the egress topics ({@code twin.egress.<id>}) itself as endpoints become Active; Connect creates
 * its own internal topics. docker-compose.yml creates the same list (ComposeFileTest checks it).
 */
public final class Topics {

    public static final String EVENTS = "twin.events";
    public static final String DEVICE_MESSAGES = "twin.device-messages";
    public static final String ENDPOINTS = "twin.endpoints";
    public static final String ENDPOINTS_STATUS = "twin.endpoints.status";
    /** The router's backfill progress (endpoints with replayFrom), merged into the status records. */
    public static final String ENDPOINTS_REPLAY = "twin.endpoints.replay";
    public static final String ROUTER_DLQ = "twin.events.dlq";
    public static final String EGRESS_PREFIX = "twin.egress.";
    /** Dead-letter topic of an endpoint's connector: {@code twin.dlq.<endpoint id>}. */
    public static final String CONNECTOR_DLQ_PREFIX = "twin.dlq.";

    /** Connect's internal topics: {@code <prefix>configs}, {@code <prefix>offsets}, {@code <prefix>status}. */
    public static final String CONNECT_PREFIX = "twin.connect.";
    public static final String CONNECT_CONFIGS = CONNECT_PREFIX + "configs";
    public static final String CONNECT_OFFSETS = CONNECT_PREFIX + "offsets";
    public static final String CONNECT_STATUS = CONNECT_PREFIX + "status";

    public static final int PARTITIONS = 3;

    private Topics() {
    }

    /**
     * A topic the stack creates at start, with the broker's {@code default.replication.factor}
     * (1 on the local stack's single broker, more on a cluster).
     */
    public record Spec(String name, int partitions, boolean compacted) {
        NewTopic toNewTopic() {
            NewTopic t = new NewTopic(name, Optional.of(partitions), Optional.empty());
            return compacted ? t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)) : t;
        }
    }

    /** Input, control-plane and router dead-letter topics, then one dead-letter topic per endpoint. */
    public static List<Spec> specs(List<String> endpointIds) {
        List<Spec> specs = new ArrayList<>(List.of(
                new Spec(EVENTS, PARTITIONS, false),
                new Spec(DEVICE_MESSAGES, PARTITIONS, false),
                new Spec(ENDPOINTS, 1, true),
                new Spec(ENDPOINTS_STATUS, 1, true),
                new Spec(ENDPOINTS_REPLAY, 1, true),
                new Spec(ROUTER_DLQ, PARTITIONS, false)));
        endpointIds.forEach(id -> specs.add(new Spec(CONNECTOR_DLQ_PREFIX + id, 1, false)));
        return specs;
    }

    public static String egress(String endpointId) {
        return EGRESS_PREFIX + endpointId;
    }

    public static String connectorDlq(String endpointId) {
        return CONNECTOR_DLQ_PREFIX + endpointId;
    }

    /** Creates the topics; an existing one is fine. */
    public static void create(Admin admin, List<Spec> specs) throws InterruptedException, ExecutionException {
        for (Spec s : specs) {
            try {
                admin.createTopics(List.of(s.toNewTopic())).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new ExecutionException("creating topic " + s.name() + " timed out", e);
            }
        }
    }
}
