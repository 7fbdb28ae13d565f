package io.twinegress.router.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the live routing treated one endpoint on one input partition: a list of versions in offset
 * order, each saying "from this offset on, the endpoint was routed to with this definition" (or
 * not routed to at all: {@code definition == null}, e.g. deleted or Rejected). The routing task of
 * that partition appends a version in the same exactly-once transaction as the first record it
 * routes with the change, so the history says exactly which input records the live routing sent
 * the endpoint. The backfill reads it to route only what the live routing did not.
 *
 * <p>At most {@value #MAX_VERSIONS} versions are kept: older ones are of records long gone by
 * retention in any realistic setup (an endpoint changed that often inside one retention period
 * loses its oldest versions, and a backfill over them may repeat what they routed).
 */
public record LiveHistory(List<Version> versions) {

    static final int MAX_VERSIONS = 64;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** From {@code offset} on (until the next version), the endpoint was routed to with {@code definition}; null = not at all. */
    public record Version(long offset, LiveDefinition definition) {
    }

    public LiveHistory {
        versions = List.copyOf(versions);
    }

    public static final LiveHistory EMPTY = new LiveHistory(List.of());

    /** The definition the live routing used at this offset; empty when it did not route the endpoint there. */
    public Optional<LiveDefinition> at(long offset) {
        LiveDefinition found = null;
        for (Version v : versions) {
            if (v.offset() > offset) {
                break;
            }
            found = v.definition();
        }
        return Optional.ofNullable(found);
    }

    /** The definition of the last version, or null. */
    public LiveDefinition latest() {
        return versions.isEmpty() ? null : versions.get(versions.size() - 1).definition();
    }

    /**
     * Where the live routing took over for a backfill from {@code replayFrom}: the offset of the
     * first version of the latest unbroken run of versions made Active with that {@code replayFrom}.
     * Empty while the routing task has not yet routed with it.
     */
    public Optional<Long> takeover(Instant replayFrom) {
        Long start = null;
        for (Version v : versions) {
            boolean carries = v.definition() != null && replayFrom.equals(v.definition().replayFrom());
            if (carries && start == null) {
                start = v.offset();
            } else if (!carries) {
                start = null;
            }
        }
        return Optional.ofNullable(start);
    }

    /** This history with one more version (the same definition as the last one adds nothing). */
    LiveHistory append(long offset, LiveDefinition definition) {
        if (!versions.isEmpty() && Objects.equals(latest(), definition)) {
            return this;
        }
        if (versions.isEmpty() && definition == null) {
            return this;
        }
        List<Version> next = new ArrayList<>(versions);
        next.add(new Version(offset, definition));
        while (next.size() > MAX_VERSIONS) {
            next.remove(0);
        }
        return new LiveHistory(next);
    }

    public byte[] toBytes() {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode list = root.putArray("versions");
        for (Version v : versions) {
            ObjectNode n = list.addObject();
            n.put("offset", v.offset());
            if (v.definition() == null) {
                n.putNull("definition");
            } else {
                n.set("definition", v.definition().toJson());
            }
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a stored history.
     *
     * @throws IllegalArgumentException when the bytes do not read as one
     */
    public static LiveHistory fromBytes(byte[] bytes) {
        if (bytes == null) {
            return EMPTY;
        }
        try {
            JsonNode root = MAPPER.readTree(bytes);
            List<Version> versions = new ArrayList<>();
            for (JsonNode n : root.path("versions")) {
                JsonNode d = n.get("definition");
                versions.add(new Version(n.get("offset").asLong(), d == null || d.isNull() ? null : LiveDefinition.fromJson(d)));
            }
            return new LiveHistory(versions);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a live history: " + e.getClass().getSimpleName(), e);
        }
    }
}
