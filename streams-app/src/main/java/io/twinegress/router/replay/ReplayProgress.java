package io.twinegress.router.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.schemas.Instants;
import io.twinegress.schemas.ReplayStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One input partition's progress in one backfill, as the backfill writes it to
 * {@code twin.endpoints.replay} in the same transaction as the records it routed (so it never runs
 * ahead of them). The endpoint table merges it into the endpoint's status record.
 *
 * @param partitionCount how many input partitions the backfill covers in all
 */
public record ReplayProgress(String endpointId, Instant from, String topic, int partition, int partitionCount,
                             ReplayStatus.Partition progress) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The record key: one per endpoint and input partition (the topic is compacted). */
    public String key() {
        return endpointId + " " + topic + "-" + partition;
    }

    /** {@code <topic>-<partition>}, as the status names it. */
    public String partitionName() {
        return topic + "-" + partition;
    }

    public byte[] toBytes() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("endpoint", endpointId);
        n.put("from", Instants.format(from));
        n.put("topic", topic);
        n.put("partition", partition);
        n.put("partitionCount", partitionCount);
        n.put("start", progress.start());
        if (progress.until() != null) {
            n.put("until", progress.until());
        }
        n.put("next", progress.next());
        n.put("routed", progress.routed());
        n.put("pastRetention", progress.pastRetention());
        if (progress.oldestRetained() != null) {
            n.put("oldestRetained", Instants.format(progress.oldestRetained()));
        }
        n.put("done", progress.done());
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when the bytes are not a progress record */
    public static ReplayProgress fromBytes(byte[] bytes) {
        try {
            JsonNode n = MAPPER.readTree(bytes);
            ReplayStatus.Partition p = new ReplayStatus.Partition(n.get("start").asLong(),
                    n.hasNonNull("until") ? n.get("until").asLong() : null, n.get("next").asLong(), n.get("routed").asLong(),
                    n.path("pastRetention").asLong(0),
                    n.hasNonNull("oldestRetained") ? Instants.parse(n.get("oldestRetained").asText()).orElseThrow() : null,
                    n.get("done").asBoolean());
            return new ReplayProgress(n.get("endpoint").asText(), Instants.parse(n.get("from").asText()).orElseThrow(),
                    n.get("topic").asText(), n.get("partition").asInt(), n.get("partitionCount").asInt(), p);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a replay progress record: " + e.getClass().getSimpleName(), e);
        }
    }
}
