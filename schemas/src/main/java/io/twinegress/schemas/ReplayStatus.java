package io.twinegress.schemas;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The backfill of an endpoint whose record carries {@code replayFrom}: the {@code replay} part of
 * its {@code Active} status record.
 *
 * <p>On each input partition the backfill covers the offsets from the first record whose
 * timestamp is at or after {@code from} up to, not including, the first offset the live routing
 * routed with this {@code replayFrom} (the partition's {@code until}): below it the backfill
 * delivers, at it and above the live stream does, so each input record reaches the endpoint once.
 *
 * @param from           the endpoint record's {@code replayFrom}
 * @param until          when the router made the endpoint Active with this {@code replayFrom}: the
 *                       live routing takes over from about then (exactly: from each partition's
 *                       {@link Partition#until()} offset)
 * @param routed         events the backfill has routed to the endpoint so far
 * @param done           every partition is done
 * @param pastRetention  input records the backfill should have read but the broker had deleted
 *                       (retention) before it got to them
 * @param partitionCount how many input partitions the backfill covers; 0 until it has started
 * @param partitions     per input partition ({@code <topic>-<partition>}), as far as the backfill has reported
 */
public record ReplayStatus(
        @JsonDeserialize(using = Instants.Reader.class) Instant from,
        @JsonDeserialize(using = Instants.Reader.class) Instant until,
        long routed,
        boolean done,
        long pastRetention,
        int partitionCount,
        Map<String, Partition> partitions) {

    public ReplayStatus {
        Objects.requireNonNull(from, "from");
        partitions = partitions == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(partitions));
    }

    /** A backfill that has not started: nothing routed, nothing reported. */
    public static ReplayStatus started(Instant from, Instant until) {
        return new ReplayStatus(from, until, 0, false, 0, 0, Map.of());
    }

    /**
     * One input partition of a backfill.
     *
     * @param start          the first offset whose record is at or after {@code from} (or the log
     *                       end when there was none)
     * @param until          the first offset the live routing routed with this {@code replayFrom};
     *                       null until the router has recorded it
     * @param next           the next offset the backfill reads
     * @param routed         events routed from this partition
     * @param pastRetention  records deleted by retention before the backfill read them
     * @param oldestRetained when the oldest record still in the partition is after {@code from} and
     *                       older ones were deleted: its timestamp (events between {@code from} and
     *                       it may have been deleted before the backfill started); else null
     * @param done           {@code next} reached {@code until}
     */
    public record Partition(long start, Long until, long next, long routed, long pastRetention,
                            @JsonDeserialize(using = Instants.Reader.class) Instant oldestRetained, boolean done) {
    }
}
