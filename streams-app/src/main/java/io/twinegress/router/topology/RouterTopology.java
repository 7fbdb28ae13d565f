package io.twinegress.router.topology;

import io.twinegress.router.config.RouterConfig;
import io.twinegress.router.endpoints.AdminEgressTopics;
import io.twinegress.router.endpoints.EgressAttempts;
import io.twinegress.router.endpoints.EgressTopics;
import io.twinegress.router.endpoints.EndpointTableProcessor;
import io.twinegress.router.endpoints.ReplayProgressProcessor;
import io.twinegress.router.endpoints.StatusIndexUpdater;
import io.twinegress.router.metrics.RouterMetrics;
import io.twinegress.router.replay.LiveHistoryRecorder;
import io.twinegress.router.replay.PositionLookup;
import io.twinegress.router.routing.EndpointIndex;
import io.twinegress.router.routing.EventRouter;
import io.twinegress.router.routing.Outgoing;
import io.twinegress.schemas.JsonSerdes;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the router's topology: a pure function of a {@link StreamsBuilder} and the config (no
 * I/O here; the Admin client for egress topics is made by the endpoint processor at init).
 *
 * <pre>
 *  twin.endpoints ──> endpoint-table (store + changelog) ──> twin.endpoints.status
 *                     validate, create egress topic, decide
 *  twin.endpoints.replay ──> replay-progress (same store) ──┘  backfill progress into the status
 *
 *  twin.endpoints.status ══> global store endpoint-status + in-memory index by eventType
 *                                        ┊ (read by every routing processor)
 *  twin.events (each input topic) ──> route-events-&lt;topic&gt; ──> twin.egress.&lt;id&gt; | twin.events.dlq
 *                                      + live-history-&lt;topic&gt; store (what was routed live, from which offset)
 *  twin.device-messages ────────────> route-device-messages ──> twin.egress.&lt;id&gt; | twin.events.dlq
 * </pre>
 *
 * Each input topic is its own sub-topology with its own sink: nothing joins the event stream
 * with anything partitioned, so nothing is repartitioned, and each input scales with its own
 * partitions. Every node, store and internal topic is named explicitly (stable across upgrades).
 */
public final class RouterTopology {

    public static final String ENDPOINTS_SOURCE = "endpoints-source";
    public static final String ENDPOINTS_PROCESSOR = "endpoint-table-processor";
    public static final String STATUS_SINK = "endpoint-status-sink";
    public static final String STATUS_SOURCE = "endpoint-status-source";
    public static final String STATUS_PROCESSOR = "endpoint-status-index";
    public static final String PROGRESS_SOURCE = "replay-progress-source";
    public static final String PROGRESS_PROCESSOR = "replay-progress-processor";
    public static final String PROGRESS_STATUS_SINK = "replay-progress-status-sink";

    private RouterTopology() {
    }

    /** The production topology: Admin-created egress topics, the process-wide metrics. */
    public static Topology build(StreamsBuilder builder, RouterConfig config) {
        return build(builder, config, RouterMetrics.global(), AdminEgressTopics.factory(config), PositionLookup.admin());
    }

    /** With the broker asked where an idle routing task resumes. */
    public static Topology build(StreamsBuilder builder, RouterConfig config, RouterMetrics metrics, EgressTopics.Factory topics) {
        return build(builder, config, metrics, topics, PositionLookup.admin());
    }

    /**
     * @param metrics   where the routing counters go
     * @param topics    how egress topics are created (tests pass a fake)
     * @param positions where an idle routing task learns its resume position (tests pass a fake)
     */
    public static Topology build(StreamsBuilder builder, RouterConfig config, RouterMetrics metrics, EgressTopics.Factory topics,
                                 PositionLookup.Factory positions) {
        EndpointIndex index = new EndpointIndex();

        // Control plane. The retry count outlives a failed task's processor: one per topology.
        EgressAttempts attempts = new EgressAttempts(config.egressCreateAttempts());
        Duration stepTimeout = Duration.ofMillis(config.egressCreateTimeoutMs());
        builder.addStateStore(EndpointTableProcessor.storeBuilder());
        builder.stream(config.endpointsTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(ENDPOINTS_SOURCE))
                .process(() -> new EndpointTableProcessor(topics, config::egressTopic, stepTimeout, attempts), Named.as(ENDPOINTS_PROCESSOR),
                        EndpointTableProcessor.STORE)
                .to(config.statusTopic(), Produced.with(Serdes.String(), JsonSerdes.endpointStatus()).withName(STATUS_SINK));
        // The backfills' progress, merged into the status records by the same task (single partition, same store):
        // the endpoint table stays the one writer of twin.endpoints.status.
        builder.stream(config.replayProgressTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(PROGRESS_SOURCE))
                .process(ReplayProgressProcessor::new, Named.as(PROGRESS_PROCESSOR), EndpointTableProcessor.STORE)
                .to(config.statusTopic(), Produced.with(Serdes.String(), JsonSerdes.endpointStatus()).withName(PROGRESS_STATUS_SINK));

        // The routing side's view of the control plane: every instance holds every endpoint.
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StatusIndexUpdater.STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),   // a global store's changelog is its source topic
                config.statusTopic(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(STATUS_SOURCE),
                () -> new StatusIndexUpdater(index));

        // Data plane: one sub-topology per input topic.
        for (String topic : config.inputTopics()) {
            route(builder, topic, "events-" + topic, () -> EventRouter.events(index, metrics, config.dlqTopic(), config.maxEventBytes(),
                    config.maxRecordBytes(), config.lineage(), topic, positions));
        }
        config.deviceMessagesTopic().ifPresent(topic -> route(builder, topic, "device-messages",
                () -> EventRouter.deviceMessages(index, metrics, config.dlqTopic(), config.maxEventBytes(), config.maxRecordBytes(),
                        config.lineage(), topic, positions)));
        return builder.build();
    }

    private static void route(StreamsBuilder builder, String topic, String name,
                              org.apache.kafka.streams.processor.api.ProcessorSupplier<byte[], byte[], byte[], Outgoing> router) {
        // Each input topic's own live history (partition = input partition), changelogged in the routing transactions.
        builder.addStateStore(LiveHistoryRecorder.storeBuilder(topic));
        builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-source"))
                .process(router, Named.as("route-" + name), LiveHistoryRecorder.storeName(topic))
                .to(Outgoing.TOPIC, Produced.with(Serdes.ByteArray(), Outgoing.serde()).withName(name + "-sink"));
    }
}
