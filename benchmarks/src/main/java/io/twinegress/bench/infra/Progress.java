package io.twinegress.bench.infra;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a Kafka Streams subject has written and committed everything, asked from the broker
 * (no record is read): under exactly_once_v2 its group's committed offsets of the input reach the
 * input's end (they commit in the same transaction as the output); under at_least_once the output's
 * end offsets add up to the expected count (no transaction markers there).
 */
public final class Progress {

    private final Admin admin;
    private final String group;
    private final String input;
    private final Collection<String> outputs;
    private final long expected;
    private final boolean transactional;
    private Map<TopicPartition, Long> inputEnd;

    public Progress(Admin admin, String group, String input, Collection<String> outputs, long expected, String guarantee) {
        this.admin = admin;
        this.group = group;
        this.input = input;
        this.outputs = List.copyOf(outputs);
        this.expected = expected;
        this.transactional = guarantee.startsWith("exactly_once");
    }

    /** False while work is left, and when the broker did not answer in time (asked again at the next call). */
    public boolean done() {
        try {
            return transactional ? inputCommitted() : outputEnd() >= expected;
        } catch (Exception e) {
            return false;
        }
    }

    private boolean inputCommitted() throws Exception {
        if (inputEnd == null) {
            inputEnd = endOffsets(List.of(input));
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
            .get(5, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, Long> e : inputEnd.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            if (c == null || c.offset() < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private long outputEnd() throws Exception {
        return endOffsets(outputs).values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<TopicPartition, Long> endOffsets(Collection<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).forEach((name, d) ->
            d.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = admin.listOffsets(request).all().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        answer.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }
}
