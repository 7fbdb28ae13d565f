package io.twinegress.router.replay;

import io.twinegress.router.config.RouterConfig;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.InvalidRecordException;
import io.twinegress.schemas.JsonSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's backfill, beside Kafka Streams in the same process, on a thread of its own: it
 * follows {@code twin.endpoints.status} and runs one {@link BackfillJob} for each Active endpoint
 * whose status has a {@code replay} that is not done, and stops it when the backfill is done,
 * superseded by another {@code replayFrom}, or the endpoint is no longer Active. Every router
 * instance runs it; the instances share each backfill's input partitions through its consumer
 * group. All backfills of an instance share one rate limit ({@code twin.replay.max.records.per.second}),
 * so the live routing, which never waits for them, keeps the broker and the machine.
 *
 * <p>A job that fails (fenced by a rebalance, a broker error) is closed and started again from its
 * committed offsets a moment later: nothing it did in the failed transaction is kept.
 */
public final class ReplayCoordinator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayCoordinator.class);
    private static final Duration RESTART_AFTER = Duration.ofSeconds(1);

    private final RouterConfig config;
    private final BackfillJob.Settings settings;
    private final Admin admin;
    private final RouterOffsets routerOffsets;
    private final RateLimiter limiter;
    private final KafkaConsumer<String, byte[]> statusReader;
    private final Deserializer<EndpointStatus> statuses = JsonSerdes.endpointStatus().deserializer();
    private final Map<String, EndpointStatus> latest = new HashMap<>();
    private final Map<String, BackfillJob> jobs = new LinkedHashMap<>();
    private final Map<String, Instant> failedAt = new HashMap<>();
    /** When a failure of each endpoint's backfill was last logged: the same failure again is logged at most once a minute. */
    private final Map<String, Instant> loggedAt = new HashMap<>();
    private final Thread thread;
    private volatile boolean stopping;

    private ReplayCoordinator(RouterConfig config) {
        this.config = config;
        StreamsConfig streams = new StreamsConfig(config.streamsProperties());
        String appId = config.applicationId();
        Map<String, Object> consumerConfigs = new HashMap<>(streams.getGlobalConsumerConfigs(appId + "-backfill"));
        // Kafka Streams' own group settings are not the backfill's: it uses the classic consumer protocol, dynamic members.
        consumerConfigs.remove(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
        consumerConfigs.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        consumerConfigs.remove(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);
        Map<String, Object> producerConfigs = new HashMap<>(streams.getProducerConfigs(appId + "-backfill"));
        this.settings = new BackfillJob.Settings(appId, config.inputTopics(), config.deviceMessagesTopic(),
                config.replayProgressTopic(), config.replayBatchRecords(), config.maxEventBytes(), config.maxRecordBytes(),
                config.lineage(), UUID.randomUUID().toString().substring(0, 8), consumerConfigs, producerConfigs);
        this.admin = Admin.create(streams.getAdminConfigs(appId + "-backfill"));
        Map<String, Object> streamsConfigs = new HashMap<>();
        config.streamsProperties().forEach((k, v) -> streamsConfigs.put(String.valueOf(k), v));
        this.routerOffsets = new RouterOffsets(admin, streamsConfigs, 10_000);
        this.limiter = new RateLimiter(config.replayRecordsPerSecond(), RateLimiter.SYSTEM);
        Map<String, Object> s = new HashMap<>(consumerConfigs);
        s.remove(ConsumerConfig.GROUP_ID_CONFIG);
        s.put(ConsumerConfig.CLIENT_ID_CONFIG, appId + "-backfill-status");
        s.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        s.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.statusReader = new KafkaConsumer<>(s, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, appId + "-backfill");
        this.thread.setDaemon(true);
    }

    /** Starts following the status topic. */
    public static ReplayCoordinator start(RouterConfig config) {
        ReplayCoordinator c = new ReplayCoordinator(config);
        c.thread.start();
        return c;
    }

    private void run() {
        try {
            List<TopicPartition> status = statusReader.partitionsFor(config.statusTopic(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            statusReader.assign(status);
            statusReader.seekToBeginning(status);
            while (!stopping) {
                readStatuses(jobs.isEmpty() ? Duration.ofMillis(500) : Duration.ZERO);
                reconcile();
                for (Map.Entry<String, BackfillJob> e : List.copyOf(jobs.entrySet())) {
                    try {
                        e.getValue().step();
                    } catch (InterruptedException | InterruptException interrupted) {
                        return;
                    } catch (RuntimeException failure) {
                        if (stopping) {
                            return;
                        }
                        if (shouldLog(e.getKey())) {
                            LOG.warn("Endpoint {}: backfill from {} failed on this instance ({}); it resumes from its last commit in {} s",
                                    e.getKey(), e.getValue().from(), failure.toString(), RESTART_AFTER.toSeconds());
                        }
                        e.getValue().close();
                        jobs.remove(e.getKey());
                        failedAt.put(e.getKey(), Instant.now());
                    }
                }
            }
        } catch (InterruptException | org.apache.kafka.common.errors.WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.error("The backfill stopped on this instance ({}); the live routing goes on, backfills resume at the next start",
                        e.toString());
            }
        } finally {
            jobs.values().forEach(BackfillJob::close);
            jobs.clear();
        }
    }

    private void readStatuses(Duration wait) {
        for (ConsumerRecord<String, byte[]> r : statusReader.poll(wait)) {
            if (r.key() == null) {
                continue;
            }
            try {
                EndpointStatus s = statuses.deserialize(r.topic(), r.value());
                if (s == null) {
                    latest.remove(r.key());
                } else {
                    latest.put(r.key(), s);
                }
            } catch (InvalidRecordException | IllegalArgumentException e) {
                latest.remove(r.key());
            }
        }
    }

    /** One job per Active endpoint with an unfinished backfill; every other job is stopped. */
    private void reconcile() {
        for (Map.Entry<String, BackfillJob> e : List.copyOf(jobs.entrySet())) {
            EndpointStatus s = latest.get(e.getKey());
            if (!wanted(s) || !s.replay().from().equals(e.getValue().from())) {
                LOG.info("Endpoint {}: backfill from {} {} on this instance", e.getKey(), e.getValue().from(),
                        s != null && s.replay() != null && s.replay().from().equals(e.getValue().from()) && s.replay().done()
                                ? "done" : "stopped (the endpoint changed)");
                e.getValue().close();
                jobs.remove(e.getKey());
            }
        }
        latest.forEach((id, s) -> {
            if (!wanted(s)) {
                return;
            }
            BackfillJob job = jobs.get(id);
            if (job != null) {
                job.update(s.endpoint(), s.egressTopic());
                return;
            }
            Instant failed = failedAt.get(id);
            if (failed != null && failed.plus(RESTART_AFTER).isAfter(Instant.now())) {
                return;
            }
            try {
                jobs.put(id, new BackfillJob(s.endpoint(), s.egressTopic(), settings, routerOffsets, limiter));
                failedAt.remove(id);
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                if (shouldLog(id)) {
                    LOG.warn("Endpoint {}: backfill from {} could not start on this instance ({}); trying again every {} s", id,
                            s.replay().from(), e.toString(), RESTART_AFTER.toSeconds());
                }
                failedAt.put(id, Instant.now());
            }
        });
    }

    private boolean shouldLog(String id) {
        Instant last = loggedAt.get(id);
        if (last != null && last.plus(Duration.ofMinutes(1)).isAfter(Instant.now())) {
            return false;
        }
        loggedAt.put(id, Instant.now());
        return true;
    }

    private static boolean wanted(EndpointStatus s) {
        return s != null && s.isActive() && s.replay() != null && !s.replay().done() && s.endpoint().replayFrom() != null
                && s.endpoint().replayFrom().equals(s.replay().from());
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(15).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        statusReader.close(Duration.ofSeconds(2));
        admin.close(Duration.ofSeconds(2));
    }
}
