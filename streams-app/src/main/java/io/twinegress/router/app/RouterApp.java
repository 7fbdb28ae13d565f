package io.twinegress.router.app;

import io.twinegress.router.config.RouterConfig;
import io.twinegress.router.health.HealthServer;
import io.twinegress.router.health.StreamsRouterView;
import io.twinegress.router.metrics.RouterMBeans;
import io.twinegress.router.metrics.RouterMetrics;
import io.twinegress.router.replay.ReplayCoordinator;
import io.twinegress.router.topology.RouterTopology;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's lifecycle, separate from {@code main} so tests can run it in-JVM: check/create
 * the topics, build the topology, start Kafka Streams, publish the metrics, close cleanly.
 */
public final class RouterApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouterApp.class);

    private final RouterConfig config;
    private final KafkaStreams streams;
    private final RouterMBeans mbeans;
    private final CompletableFuture<KafkaStreams.State> terminated = new CompletableFuture<>();
    private volatile HealthServer health;
    private ReplayCoordinator backfill;

    private RouterApp(RouterConfig config, KafkaStreams streams, RouterMBeans mbeans) {
        this.config = config;
        this.streams = streams;
        this.mbeans = mbeans;
    }

    /** Thrown when the health endpoint cannot bind its address; nothing was started. */
    public static final class HealthEndpointException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HealthEndpointException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Checks and creates the topics, then starts routing.
     *
     * @throws TopicBootstrap.TopicSetupException when the topics are not usable
     */
    public static RouterApp start(RouterConfig config) {
        StreamsConfig streamsConfig = new StreamsConfig(config.streamsProperties());
        Map<String, Object> adminConfigs = streamsConfig.getAdminConfigs(config.applicationId() + "-bootstrap");
        try (Admin admin = Admin.create(adminConfigs)) {
            TopicBootstrap.ensure(admin, config);
        }
        Topology topology = RouterTopology.build(new StreamsBuilder(), config);
        KafkaStreams streams = new KafkaStreams(topology, config.streamsProperties());
        HealthServer health = null;
        if (config.healthPort().isPresent()) {
            try {
                health = HealthServer.start(config.healthHost(), config.healthPort().get(), new StreamsRouterView(streams));
            } catch (UncheckedIOException e) {
                streams.close();
                throw new HealthEndpointException(e.getMessage() + " (" + RouterConfig.HEALTH_PORT_CONFIG + ", "
                        + RouterConfig.HEALTH_HOST_CONFIG + ")", e);
            }
        }
        RouterApp app = new RouterApp(config, streams, RouterMBeans.register(RouterMetrics.global()));
        app.health = health;
        streams.setUncaughtExceptionHandler(e -> {
            // A send that failed for good, a fenced producer...: under exactly_once_v2 the open
            // transaction is aborted and a new thread re-processes from the last commit, so
            // nothing is lost or duplicated; the router keeps serving.
            LOG.error("A stream thread died ({}); replacing it", e.toString());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                app.terminated.complete(now);
            }
        });
        LOG.info("Starting router {}: inputs {}{}, endpoints {}, status {}, egress {}<id>, dead letters {}, guarantee {}",
                config.applicationId(), config.inputTopics(),
                config.deviceMessagesTopic().map(t -> " + " + t).orElse(""), config.endpointsTopic(), config.statusTopic(),
                config.egressPrefix(), config.dlqTopic(),
                config.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        streams.start();
        // Backfills of endpoints with replayFrom, beside the live routing (which never waits for them).
        app.backfill = ReplayCoordinator.start(config);
        return app;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public RouterConfig config() {
        return config;
    }

    /** Where the health endpoint listens, when it is on. */
    public Optional<InetSocketAddress> healthAddress() {
        return Optional.ofNullable(health).map(HealthServer::address);
    }

    /** Completes with NOT_RUNNING after a close, or ERROR when Kafka Streams gave up. */
    public CompletableFuture<KafkaStreams.State> terminated() {
        return terminated;
    }

    /**
     * Commits and closes, waiting up to {@code twin.shutdown.timeout.ms}, and leaves the consumer
     * group. Kafka Streams' default is to stay in the group, which with dynamic membership makes
     * the restarted router wait for the old member's session timeout (45 s by default) before it
     * gets its partitions back: measured, a restart routed nothing for about 45 s. With static
     * membership ({@code group.instance.id} set) the member stays, as static membership intends.
     */
    @Override
    public void close() {
        Duration timeout = Duration.ofMillis(config.shutdownTimeoutMs());
        if (backfill != null) {
            backfill.close();
        }
        boolean staticMember = config.streamsProperties().containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
                || config.streamsProperties().containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                || config.streamsProperties().containsKey(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        boolean clean = streams.close(CloseOptions.groupMembershipOperation(staticMember
                        ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                        : CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
        mbeans.close();
        if (health != null) {
            health.close();
        }
        if (clean) {
            LOG.info("Router {} stopped cleanly", config.applicationId());
        } else {
            LOG.warn("Router {} did not stop within {} ms", config.applicationId(), timeout.toMillis());
        }
    }
}
