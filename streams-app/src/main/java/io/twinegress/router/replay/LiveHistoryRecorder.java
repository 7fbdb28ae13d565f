package io.twinegress.router.replay;

import io.twinegress.router.routing.EndpointIndex;
import io.twinegress.schemas.Endpoint;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link LiveHistory} of every endpoint on one input partition, in the routing task of
 * that partition: when the routing table the task routes with differs from the one it last
 * compared, every endpoint whose definition changed (or that appeared or went away) gets a new
 * version starting at the offset of the record about to be routed with the new table. The store is
 * changelogged, so the versions commit in the same exactly-once transaction as that record's routed
 * copies and its input offset: the history never claims a record was routed when it was not, or
 * the other way round.
 *
 * <p>When the table changes while the partition is idle, a timer records the change at the offset
 * the task will process next: the one after the last record it processed, or, when it processed
 * none since it started, its resume position asked from the broker. Either way it is the first
 * record the task routes with the new table. The backfill needs that to know where the live
 * routing takes over, even on a partition that receives nothing.
 *
 * <p>Kept per task (the store of the input topic's sub-topology, partition = input partition);
 * its changelog {@code <application.id>-live-history-<topic>-changelog} is what the backfill reads.
 */
public final class LiveHistoryRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(LiveHistoryRecorder.class);
    private static final String STORE_PREFIX = "live-history-";

    private final KeyValueStore<String, byte[]> store;
    private final Predicate<Endpoint> routedHere;
    private final Map<String, LiveHistory> histories = new HashMap<>();
    private EndpointIndex.Table compared;
    private long next = -1;

    /** The store of an input topic's live history (one per sub-topology). */
    public static String storeName(String inputTopic) {
        return STORE_PREFIX + inputTopic;
    }

    /** Its changelog topic, which the backfill reads. */
    public static String changelogTopic(String applicationId, String inputTopic) {
        return applicationId + "-" + storeName(inputTopic) + "-changelog";
    }

    public static StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder(String inputTopic) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(storeName(inputTopic)), Serdes.String(), Serdes.ByteArray());
    }

    /**
     * @param routedHere the endpoints this input topic can be routed to (on the raw telemetry topic:
     *                   the DeviceMessage endpoint only); the others count as not routed
     */
    public LiveHistoryRecorder(KeyValueStore<String, byte[]> store, Predicate<Endpoint> routedHere) {
        this.store = store;
        this.routedHere = routedHere;
        try (KeyValueIterator<String, byte[]> rows = store.all()) {
            while (rows.hasNext()) {
                KeyValue<String, byte[]> row = rows.next();
                try {
                    histories.put(row.key, LiveHistory.fromBytes(row.value));
                } catch (IllegalArgumentException e) {
                    // Another version's format: start this endpoint's history again from here.
                    LOG.warn("The live history of endpoint {} does not read ({}); it starts again", row.key, e.getMessage());
                }
            }
        }
    }

    /** Before the record at {@code offset} is routed with {@code table}. */
    public void beforeRecord(EndpointIndex.Table table, long offset) {
        if (table != compared) {
            changes(table).forEach((id, definition) -> append(id, offset, definition));
            compared = table;
        }
        next = offset + 1;
    }

    /**
     * The timer, on an idle partition: records a table change at the offset processed next.
     *
     * @param resumePosition where the task resumes, asked only when something routed here changed and
     *                       the task processed nothing since it started; may throw when the broker does
     *                       not answer (tried again at the next tick)
     */
    public void onTimer(EndpointIndex.Table table, LongSupplier resumePosition) {
        if (table == compared) {
            return;
        }
        Map<String, LiveDefinition> changes = changes(table);
        if (!changes.isEmpty()) {
            long at = next >= 0 ? next : resumePosition.getAsLong();
            changes.forEach((id, definition) -> append(id, at, definition));
        }
        compared = table;
    }

    /** The endpoints whose definition here differs from their history's last one (null value: no longer routed here). */
    private Map<String, LiveDefinition> changes(EndpointIndex.Table table) {
        Map<String, LiveDefinition> changes = new HashMap<>();
        Map<String, Endpoint> active = new HashMap<>();
        table.endpoints().forEach((id, endpoint) -> {
            if (routedHere.test(endpoint)) {
                active.put(id, endpoint);
                LiveDefinition definition = LiveDefinition.of(endpoint);
                if (!Objects.equals(histories.getOrDefault(id, LiveHistory.EMPTY).latest(), definition)) {
                    changes.put(id, definition);
                }
            }
        });
        histories.forEach((id, history) -> {
            if (!active.containsKey(id) && history.latest() != null) {
                changes.put(id, null);
            }
        });
        return changes;
    }

    private void append(String id, long offset, LiveDefinition definition) {
        LiveHistory before = histories.getOrDefault(id, LiveHistory.EMPTY);
        if (Objects.equals(before.latest(), definition)) {
            return;
        }
        LiveHistory after = before.append(offset, definition);
        if (after != before) {
            histories.put(id, after);
            store.put(id, after.toBytes());
        }
    }
}
