package io.twinegress.cli.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The offsets of one dead-letter partition that have been replayed, as sorted, disjoint,
 * non-adjacent ranges {@code [from, to)}: each dead letter is copied at most once, whatever
 * selection (reason, time) a run made. One record per partition in {@code twin.dlq.replayed},
 * written in the same transaction as the copies it counts. Not thread-safe.
 */
public final class ReplayedOffsets {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** from → to (exclusive). */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    public boolean contains(long offset) {
        Map.Entry<Long, Long> e = ranges.floorEntry(offset);
        return e != null && offset < e.getValue();
    }

    public void add(long offset) {
        long from = offset;
        long to = offset + 1;
        Map.Entry<Long, Long> before = ranges.floorEntry(offset);
        if (before != null && before.getValue() >= offset) {
            if (before.getValue() > offset) {
                return;
            }
            from = before.getKey();
            ranges.remove(before.getKey());
        }
        Long after = ranges.get(to);
        if (after != null) {
            ranges.remove(to);
            to = after;
        }
        ranges.put(from, to);
    }

    /** Forgets what is below the partition's first offset: those records are gone. */
    public void forgetBelow(long logStart) {
        for (Map.Entry<Long, Long> e : List.copyOf(ranges.entrySet())) {
            if (e.getValue() <= logStart) {
                ranges.remove(e.getKey());
            } else if (e.getKey() < logStart) {
                ranges.remove(e.getKey());
                ranges.put(logStart, e.getValue());
            }
        }
    }

    /** The ranges, for tests and display. */
    public List<long[]> ranges() {
        List<long[]> out = new ArrayList<>();
        ranges.forEach((f, t) -> out.add(new long[] {f, t}));
        return out;
    }

    public byte[] toBytes(String topic, int partition, long updatedAt) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("topic", topic);
        n.put("partition", partition);
        ArrayNode list = n.putArray("replayed");
        ranges.forEach((f, t) -> list.addArray().add(f).add(t));
        n.put("updatedAt", updatedAt);
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when the bytes are not a progress record */
    public static ReplayedOffsets fromBytes(byte[] bytes) {
        ReplayedOffsets r = new ReplayedOffsets();
        try {
            JsonNode n = MAPPER.readTree(bytes);
            for (JsonNode range : n.get("replayed")) {
                r.ranges.put(range.get(0).asLong(), range.get(1).asLong());
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a replay progress record", e);
        }
        return r;
    }

    /** The key of a partition's record: {@code <topic>/<partition>} ('/' never appears in a topic name). */
    public static String key(String topic, int partition) {
        return topic + "/" + partition;
    }
}
