package io.twinegress.router.endpoints;

import io.twinegress.router.replay.ReplayProgress;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.ReplayStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the backfills' progress ({@code twin.endpoints.replay}) into the endpoints' status records.
 * It runs in the task of the endpoint table (both topics have one partition and share the
 * {@value EndpointTableProcessor#STORE} store), so the endpoint table stays the only writer of
 * {@code twin.endpoints.status}, in one order, and a progress record can never bring back an older
 * definition of an endpoint: it changes only the {@code replay} part of the row it finds.
 *
 * <p>A progress record of a backfill the row no longer has (another {@code replayFrom} since, the
 * endpoint deleted or Rejected) is ignored. The row is updated at once; the status record is
 * written when the backfill is done, and otherwise at most every {@value #STATUS_EVERY_SECONDS} s
 * per endpoint (a backfill reports many times a second).
 */
public final class ReplayProgressProcessor implements Processor<String, byte[], String, EndpointStatus> {

    static final int STATUS_EVERY_SECONDS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(ReplayProgressProcessor.class);
    private static final Serializer<TableEntry> WRITER = TableEntry.serde().serializer();
    private static final Deserializer<TableEntry> READER = TableEntry.serde().deserializer();

    private final Set<String> dirty = new LinkedHashSet<>();
    private final Map<String, Boolean> unreadableLogged = new HashMap<>();
    private ProcessorContext<String, EndpointStatus> context;
    private KeyValueStore<String, byte[]> store;

    @Override
    public void init(ProcessorContext<String, EndpointStatus> context) {
        this.context = context;
        this.store = context.getStateStore(EndpointTableProcessor.STORE);
        context.schedule(Duration.ofSeconds(STATUS_EVERY_SECONDS), PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        ReplayProgress progress;
        try {
            progress = ReplayProgress.fromBytes(record.value());
        } catch (IllegalArgumentException e) {
            if (unreadableLogged.put(String.valueOf(record.key()), true) == null) {
                LOG.warn("Ignored an unreadable backfill progress record (key {}): {}", record.key(), e.getMessage());
            }
            return;
        }
        String id = progress.endpointId();
        TableEntry entry = read(id);
        if (entry == null || !entry.isActive() || entry.replay() == null || !entry.replay().from().equals(progress.from())) {
            return;
        }
        ReplayStatus before = entry.replay();
        ReplayStatus after = merge(before, progress);
        if (after.equals(before)) {
            return;
        }
        store.put(id, WRITER.serialize(null, entry.withReplay(after)));
        if (after.done() && !before.done()) {
            dirty.remove(id);
            LOG.info("Endpoint {}: backfill from {} done, {} event(s) routed over {} input partition(s){}", id, after.from(),
                    after.routed(), after.partitionCount(),
                    after.pastRetention() > 0 ? ", " + after.pastRetention() + " record(s) past retention" : "");
            context.forward(new Record<>(id, entry.withReplay(after).activeStatus(List.of(), context.currentSystemTimeMs()),
                    record.timestamp()));
        } else {
            dirty.add(id);
        }
    }

    /** One partition's report folded into the backfill: sums over the partitions, done when every partition is. */
    static ReplayStatus merge(ReplayStatus replay, ReplayProgress progress) {
        Map<String, ReplayStatus.Partition> partitions = new HashMap<>(replay.partitions());
        partitions.put(progress.partitionName(), progress.progress());
        int count = Math.max(replay.partitionCount(), progress.partitionCount());
        long routed = 0;
        long past = 0;
        boolean allDone = count > 0 && partitions.size() >= count;
        for (ReplayStatus.Partition p : partitions.values()) {
            routed += p.routed();
            past += p.pastRetention();
            allDone &= p.done();
        }
        // Once done, a backfill stays done (a late report of a partition cannot reopen it).
        return new ReplayStatus(replay.from(), replay.until(), routed, allDone || replay.done(), past, count, partitions);
    }

    private void flush() {
        for (String id : List.copyOf(dirty)) {
            TableEntry entry = read(id);
            if (entry != null && entry.isActive() && entry.replay() != null) {
                context.forward(new Record<>(id, entry.activeStatus(List.of(), context.currentSystemTimeMs()),
                        context.currentSystemTimeMs()));
            }
        }
        dirty.clear();
    }

    private TableEntry read(String id) {
        byte[] bytes = store.get(id);
        if (bytes == null) {
            return null;
        }
        try {
            return READER.deserialize(null, bytes);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
