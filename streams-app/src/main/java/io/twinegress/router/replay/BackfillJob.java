package io.twinegress.router.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.router.routing.EgressCopies;
import io.twinegress.router.routing.Lineage;
import io.twinegress.router.routing.Route;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.Instants;
import io.twinegress.schemas.ReplayStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backfill: endpoint {@code id}, {@code replayFrom} {@code from}. It reads the input
 * partitions as a consumer group of its own ({@code <application.id>-backfill-<id>-<from ms>}: the
 * router instances share its partitions, and a restarted instance resumes where the group's
 * committed offsets say) and writes with a transactional producer: each batch's routed copies,
 * its progress records and the group's offsets commit in one transaction
 * ({@code sendOffsetsToTransaction}), so after a crash nothing is lost and nothing routed twice.
 * The progress that must survive with the offsets (first offset, events routed, records past
 * retention) rides in the offsets' metadata.
 *
 * <p>Per input partition the backfill stops at the offset where the live routing took over with
 * this {@code replayFrom}, which the routing task recorded in its {@link LiveHistory}; below it
 * {@link BackfillSelector} routes what the live routing did not. Until that offset is known, it
 * reads no further than the router's committed offset of the partition (everything below was
 * routed live without this {@code replayFrom}, or the history would show it), and waits there.
 * The offset committed is read before the history, so a takeover committed with it is seen.
 */
final class BackfillJob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackfillJob.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** How often the takeover points and the router's committed offsets are read again while waiting for them. */
    private static final Duration BOUNDS_EVERY = Duration.ofMillis(500);

    /** What the job needs from the router: its clients' configs, topic names and limits. */
    record Settings(String applicationId, List<String> eventTopics, Optional<String> deviceMessagesTopic, String progressTopic,
                    int batchRecords, int maxEventBytes, int maxRecordBytes, Lineage lineage, String instanceId,
                    Map<String, Object> consumerConfigs, Map<String, Object> producerConfigs) {
    }

    /** One input partition of this backfill. */
    private static final class Part {
        final TopicPartition tp;
        long start;
        long next;
        long routed;
        long pastRetention;
        Instant oldestRetained;
        Long takeover;
        long bound = -1;
        boolean done;
        boolean changed = true;
        LiveHistory history = LiveHistory.EMPTY;

        Part(TopicPartition tp) {
            this.tp = tp;
        }

        ReplayStatus.Partition progress() {
            return new ReplayStatus.Partition(start, takeover, next, routed, pastRetention, oldestRetained, done);
        }

        String metadata() {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("start", start);
            n.put("routed", routed);
            n.put("pastRetention", pastRetention);
            if (oldestRetained != null) {
                n.put("oldestRetained", oldestRetained.toEpochMilli());
            }
            return n.toString();
        }

        void restore(String metadata) {
            try {
                JsonNode n = MAPPER.readTree(metadata);
                start = n.path("start").asLong(next);
                routed = n.path("routed").asLong(0);
                pastRetention = n.path("pastRetention").asLong(0);
                oldestRetained = n.hasNonNull("oldestRetained") ? Instant.ofEpochMilli(n.get("oldestRetained").asLong()) : null;
            } catch (IOException | RuntimeException e) {
                start = next;
            }
        }
    }

    private final String id;
    private final Instant from;
    private final Settings settings;
    private final RouterOffsets routerOffsets;
    private final RateLimiter limiter;
    private final BackfillSelector selector;
    private final Header replayHeader;
    private final String group;
    private final List<String> topics;
    private final String rawTopic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaConsumer<String, byte[]> historyReader;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<TopicPartition, Part> parts = new LinkedHashMap<>();
    private final int partitionCount;
    private Endpoint endpoint;
    private LiveDefinition definition;
    private Route route;
    private long boundsReadAt;
    private boolean reportedWaiting;

    BackfillJob(Endpoint endpoint, String egressTopic, Settings settings, RouterOffsets routerOffsets, RateLimiter limiter) {
        this.id = endpoint.id();
        this.from = endpoint.replayFrom();
        this.settings = settings;
        this.routerOffsets = routerOffsets;
        this.limiter = limiter;
        this.selector = new BackfillSelector(from);
        this.replayHeader = new RecordHeader(EgressHeaders.REPLAY, Instants.format(from).getBytes(StandardCharsets.UTF_8));
        this.group = groupId(settings.applicationId(), id, from);
        List<String> t = new ArrayList<>(settings.eventTopics());
        if (endpoint.carriesDeviceMessages()) {
            settings.deviceMessagesTopic().ifPresent(t::add);
        }
        this.topics = List.copyOf(t);
        this.rawTopic = settings.deviceMessagesTopic().orElse(null);
        update(endpoint, egressTopic);

        Map<String, Object> c = new HashMap<>(settings.consumerConfigs());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + settings.instanceId());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // No reset: a partition without a committed offset starts at replayFrom (set on assignment), and
        // records deleted under the backfill's feet are counted, not skipped silently.
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchRecords());
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());

        Map<String, Object> h = new HashMap<>(settings.consumerConfigs());
        h.remove(ConsumerConfig.GROUP_ID_CONFIG);
        h.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-history-" + settings.instanceId());
        h.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        h.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        h.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        h.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        this.historyReader = new KafkaConsumer<>(h, new StringDeserializer(), new ByteArrayDeserializer());

        Map<String, Object> p = new HashMap<>(settings.producerConfigs());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, group + "-" + settings.instanceId());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group + "-" + settings.instanceId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
            int count = 0;
            for (String topic : topics) {
                List<PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                count += info == null ? 0 : info.size();
            }
            this.partitionCount = count;
            consumer.subscribe(topics, new Listener());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Endpoint {}: backfill from {} started on this instance (group {}, {} input partition(s) of {})", id, from, group,
                partitionCount, topics);
    }

    static String groupId(String applicationId, String endpointId, Instant from) {
        return applicationId + "-backfill-" + endpointId + "-" + from.toEpochMilli();
    }

    /** The endpoint's definition changed without a new {@code replayFrom}: the rest of the backfill uses it. */
    void update(Endpoint newEndpoint, String egressTopic) {
        this.endpoint = newEndpoint;
        this.definition = LiveDefinition.of(newEndpoint);
        this.route = new Route(newEndpoint.id(), egressTopic);
    }

    Instant from() {
        return from;
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(parts::remove);
            reassignHistory();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            Map<TopicPartition, Long> fresh = new HashMap<>();
            for (TopicPartition tp : partitions) {
                Part part = new Part(tp);
                OffsetAndMetadata c = committed.get(tp);
                if (c != null) {
                    part.next = c.offset();
                    part.restore(c.metadata());
                } else {
                    fresh.put(tp, from.toEpochMilli());
                }
                parts.put(tp, part);
            }
            if (!fresh.isEmpty()) {
                Map<TopicPartition, OffsetAndTimestamp> at = consumer.offsetsForTimes(fresh);
                Map<TopicPartition, Long> beginning = consumer.beginningOffsets(fresh.keySet());
                Map<TopicPartition, Long> end = consumer.endOffsets(fresh.keySet());
                for (TopicPartition tp : fresh.keySet()) {
                    Part part = parts.get(tp);
                    OffsetAndTimestamp first = at.get(tp);
                    part.start = first == null ? end.get(tp) : first.offset();
                    part.next = part.start;
                    // Records before the oldest one left are gone; when that one is after replayFrom, some may have been after it too.
                    if (first != null && first.offset() == beginning.get(tp) && beginning.get(tp) > 0
                            && first.timestamp() > from.toEpochMilli()) {
                        part.oldestRetained = Instant.ofEpochMilli(first.timestamp());
                    }
                    consumer.seek(tp, part.start);
                }
            }
            reassignHistory();
            boundsReadAt = 0;
        }
    }

    /** The history reader follows the changelog partitions of the input partitions this instance has. */
    private void reassignHistory() {
        List<TopicPartition> changelogs = parts.keySet().stream()
                .map(tp -> new TopicPartition(LiveHistoryRecorder.changelogTopic(settings.applicationId(), tp.topic()), tp.partition()))
                .toList();
        historyReader.assign(changelogs);
        historyReader.seekToBeginning(changelogs);
    }

    /**
     * One round: read the takeover points when due, read a batch, route it, commit it with its
     * progress and offsets in one transaction.
     *
     * @return true when it did something (the caller may go straight on)
     * @throws InterruptedException when the thread is stopped while it waits for the rate limit
     */
    boolean step() throws InterruptedException {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(Duration.ofMillis(100));
        } catch (OffsetOutOfRangeException e) {
            pastRetention(e.offsetOutOfRangePartitions());
            return true;
        }
        if (System.currentTimeMillis() - boundsReadAt >= BOUNDS_EVERY.toMillis()) {
            readBounds();
        }
        parts.values().forEach(this::pauseOrResume);
        if (records.isEmpty() && parts.values().stream().noneMatch(p -> p.changed)) {
            return false;
        }
        limiter.acquire(records.count());
        producer.beginTransaction();
        boolean committed = false;
        try {
            for (TopicPartition tp : records.partitions()) {
                Part part = parts.get(tp);
                if (part == null) {
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                    if (part.bound < 0 || r.offset() >= part.bound) {
                        // Past what the backfill may read yet: read it again once the bound moved.
                        consumer.seek(tp, r.offset());
                        break;
                    }
                    route(r, part);
                    part.next = r.offset() + 1;
                    part.changed = true;
                }
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (Part part : parts.values()) {
                boolean doneNow = part.takeover != null && part.next >= part.takeover;
                if (doneNow != part.done) {
                    part.done = doneNow;
                    part.changed = true;
                }
                pauseOrResume(part);
                if (part.changed) {
                    offsets.put(part.tp, new OffsetAndMetadata(part.next, part.metadata()));
                    ReplayProgress progress = new ReplayProgress(id, from, part.tp.topic(), part.tp.partition(), partitionCount,
                            part.progress());
                    producer.send(new ProducerRecord<>(settings.progressTopic(), progress.key().getBytes(StandardCharsets.UTF_8),
                            progress.toBytes()));
                }
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            committed = true;
            parts.values().forEach(p -> p.changed = false);
        } finally {
            if (!committed) {
                // The caller closes this job and starts it again from the committed offsets.
                try {
                    producer.abortTransaction();
                } catch (RuntimeException ignored) {
                    // fenced or broken: closing is all that is left
                }
            }
        }
        return true;
    }

    private void route(ConsumerRecord<byte[], byte[]> r, Part part) {
        byte[] value = r.value();
        if (value != null && value.length > settings.maxEventBytes()) {
            return;  // dead-lettered by the live routing as oversized
        }
        boolean raw = r.topic().equals(rawTopic);
        BackfillSelector.Decision d = selector.decide(definition, part.history.at(r.offset()), raw, r.timestamp(), r.key(), value);
        if (d.verdict() != BackfillSelector.Verdict.ROUTE) {
            return;
        }
        Headers headers = EgressCopies.backfill(r.headers(), d.eventType(), d.eventId(), settings.lineage(), r.topic(), r.partition(),
                r.offset(), replayHeader, route);
        if (EgressCopies.size(r.key(), value, headers) > settings.maxRecordBytes()) {
            return;  // the live routing would dead-letter this copy as oversized; the backfill leaves it out
        }
        producer.send(new ProducerRecord<>(route.egressTopic(), null, r.timestamp(), r.key(), value, headers));
        part.routed++;
    }

    /** Records deleted by retention before the backfill read them: counted, and the backfill goes on from the oldest left. */
    private void pastRetention(Map<TopicPartition, Long> outOfRange) {
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(outOfRange.keySet());
        outOfRange.forEach((tp, at) -> {
            Part part = parts.get(tp);
            long oldest = beginning.get(tp);
            if (part != null && oldest > at) {
                part.pastRetention += oldest - at;
                part.next = oldest;
                part.changed = true;
                LOG.warn("Endpoint {}: backfill from {}: {} record(s) of {} were deleted by retention before it read them", id, from,
                        oldest - at, tp);
            }
            consumer.seek(tp, Math.max(oldest, at));
        });
    }

    /**
     * Where the backfill may read to on each partition: the takeover offset when the routing task
     * has recorded it, else the router's committed offset, read first.
     */
    private void readBounds() {
        boundsReadAt = System.currentTimeMillis();
        if (parts.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> committed = routerOffsets.committed(parts.keySet());
        Set<TopicPartition> changelogs = historyReader.assignment();
        Map<TopicPartition, Long> end = historyReader.endOffsets(changelogs);
        int rounds = 0;
        while (!reached(end) && rounds++ < 50) {
            for (ConsumerRecord<String, byte[]> r : historyReader.poll(Duration.ofMillis(100))) {
                if (!id.equals(r.key())) {
                    continue;
                }
                Part part = parts.get(new TopicPartition(inputTopicOf(r.topic()), r.partition()));
                if (part != null) {
                    try {
                        part.history = LiveHistory.fromBytes(r.value());
                    } catch (IllegalArgumentException e) {
                        part.history = LiveHistory.EMPTY;
                    }
                }
            }
        }
        if (!reached(end)) {
            return;  // the history is not read to its end: the bounds stay as they were
        }
        boolean waiting = false;
        for (Part part : parts.values()) {
            Optional<Long> takeover = part.history.takeover(from);
            if (takeover.isPresent()) {
                if (!takeover.get().equals(part.takeover)) {
                    part.takeover = takeover.get();
                    part.changed = true;
                }
                part.bound = takeover.get();
            } else {
                Long c = committed.get(part.tp);
                part.bound = c == null ? -1 : c;
                waiting = true;
            }
        }
        if (waiting && !reportedWaiting) {
            LOG.info("Endpoint {}: backfill from {} waits on some partitions for the live routing to take over (it has not "
                    + "routed a record of them with this replayFrom yet)", id, from);
            reportedWaiting = true;
        }
    }

    private String inputTopicOf(String changelogTopic) {
        for (String t : topics) {
            if (changelogTopic.equals(LiveHistoryRecorder.changelogTopic(settings.applicationId(), t))) {
                return t;
            }
        }
        return changelogTopic;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (historyReader.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void pauseOrResume(Part part) {
        boolean stop = part.done || part.bound < 0 || part.next >= part.bound;
        boolean paused = consumer.paused().contains(part.tp);
        if (stop && !paused) {
            consumer.pause(List.of(part.tp));
        } else if (!stop && paused) {
            consumer.resume(List.of(part.tp));
        }
    }

    @Override
    public void close() {
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException ignored) {
            // closing
        }
        try {
            historyReader.close(Duration.ofSeconds(2));
        } catch (RuntimeException ignored) {
            // closing
        }
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException ignored) {
            // closing
        }
    }
}
