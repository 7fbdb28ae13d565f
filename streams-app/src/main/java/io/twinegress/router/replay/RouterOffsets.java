package io.twinegress.router.replay;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The input offsets the router's routing has committed (its Kafka Streams group, the
 * {@code application.id}), read stable: a commit still inside an open transaction is waited for,
 * never read half-way. Under exactly_once_v2 such an offset is committed in the same transaction
 * as everything routed before it, live history included.
 */
public final class RouterOffsets {

    private final Admin admin;
    private final String group;
    private final boolean streamsProtocol;
    private final long timeoutMs;

    public RouterOffsets(Admin admin, Map<String, Object> streamsConfigs, long timeoutMs) {
        this.admin = admin;
        this.group = String.valueOf(streamsConfigs.get(StreamsConfig.APPLICATION_ID_CONFIG));
        this.streamsProtocol = "streams".equalsIgnoreCase(String.valueOf(streamsConfigs.get(StreamsConfig.GROUP_PROTOCOL_CONFIG)));
        this.timeoutMs = timeoutMs;
    }

    /** Committed offsets of these partitions; a partition the routing never committed is absent. */
    public Map<TopicPartition, Long> committed(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> found = streamsProtocol
                ? get(admin.listStreamsGroupOffsets(Map.of(group, new ListStreamsGroupOffsetsSpec().topicPartitions(partitions)),
                        new ListStreamsGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata(group))
                : get(admin.listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(partitions)),
                        new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata(group));
        Map<TopicPartition, Long> out = new HashMap<>();
        found.forEach((tp, o) -> {
            if (o != null) {
                out.put(tp, o.offset());
            }
        });
        return out;
    }

    /** The first offset still in each partition (what the routing starts from when it never committed). */
    public Map<TopicPartition, Long> earliest(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.earliest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        get(admin.listOffsets(request).all()).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** Where the routing task of this partition resumes: its committed offset, or the partition's first offset. */
    public long resumePosition(TopicPartition tp) {
        Long committed = committed(List.of(tp)).get(tp);
        return committed != null ? committed : earliest(List.of(tp)).get(tp);
    }

    private <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("reading the offsets of group " + group + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("reading the offsets of group " + group + ": no answer within " + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while reading the offsets of group " + group, e);
        }
    }
}
