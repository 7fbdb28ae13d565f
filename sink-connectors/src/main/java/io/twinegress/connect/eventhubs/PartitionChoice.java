package io.twinegress.connect.eventhubs;

import io.twinegress.connect.core.AmqpBatches.Route;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.RecordRejectedException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Where an event goes in the event hub ({@link PartitionChoiceConfig}): by the partition key of a
 * named header, or to the partition a header names (checked against the hub's partitions), else by
 * the record key as partition key; none for a record without a key.
 */
final class PartitionChoice {

    /** Longest part of a refused partition id quoted in a reason. */
    static final int QUOTED_ID_CHARS = 32;

    private final Optional<String> keyHeader;
    private final Optional<String> idHeader;

    PartitionChoice(AbstractConfig config) {
        this(header(config, PartitionChoiceConfig.PARTITION_KEY_HEADER_CONFIG),
            header(config, PartitionChoiceConfig.PARTITION_ID_HEADER_CONFIG));
    }

    PartitionChoice(Optional<String> keyHeader, Optional<String> idHeader) {
        this.keyHeader = keyHeader;
        this.idHeader = idHeader;
    }

    static String reasonUnknownPartition(String header, String id, Set<String> partitionIds) {
        String quoted = id.length() > QUOTED_ID_CHARS ? id.substring(0, QUOTED_ID_CHARS) + "..." : id;
        return "Header '" + header + "' names partition '" + quoted + "', which the event hub does not have (its "
            + "partitions: " + String.join(", ", new TreeSet<>(partitionIds)) + ").";
    }

    /**
     * The route of {@code record}'s event.
     *
     * @param partitionIds the hub's partition ids, asked only when a record names one
     * @throws RecordRejectedException when the record names a partition the hub does not have
     */
    Route route(SinkRecord record, Supplier<Set<String>> partitionIds) {
        if (idHeader.isPresent()) {
            Optional<String> id = value(record, idHeader.get());
            if (id.isPresent()) {
                Set<String> ids = partitionIds.get();
                if (!ids.contains(id.get())) {
                    throw new RecordRejectedException(reasonUnknownPartition(idHeader.get(), id.get(), ids));
                }
                return Route.partitionId(id.get());
            }
        }
        Optional<String> key = keyHeader.flatMap(h -> value(record, h)).map(EventRecords::capped);
        return Route.key(key.or(() -> EventRecords.partitionKey(record)).orElse(null));
    }

    private static Optional<String> value(SinkRecord record, String header) {
        return EventRecords.header(record, header).filter(v -> !v.isEmpty());
    }

    private static Optional<String> header(AbstractConfig c, String key) {
        String v = c.getString(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }
}
