package io.twinegress.router.endpoints;

import io.twinegress.schemas.EndpointStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The endpoint table while one endpoint record (or one retry of a promotion) is decided: reads go to
 * the store, writes and the status records to send wait here until the decision is complete, and
 * {@link #apply} then writes them all. A decision that is abandoned half-way (the record must be
 * processed again, or something unexpected failed) leaves nothing behind, whether or not the state
 * store is rolled back with the transaction.
 *
 * <p>The store holds the rows as bytes and this class decodes them: a row that does not decode (a
 * newer router version's format, say) reads as absent, is reported once through
 * {@code onUnreadable}, and is replaced by the next record for that endpoint.
 */
final class PendingTable {

    private static final Serializer<TableEntry> WRITER = TableEntry.serde().serializer();
    private static final Deserializer<TableEntry> READER = TableEntry.serde().deserializer();

    private final KeyValueStore<String, byte[]> store;
    private final Consumer<String> onUnreadable;
    /** Rows written during this decision; a null value deletes the row. */
    private final Map<String, TableEntry> writes = new LinkedHashMap<>();
    private final List<KeyValue<String, EndpointStatus>> statuses = new ArrayList<>();

    PendingTable(KeyValueStore<String, byte[]> store, Consumer<String> onUnreadable) {
        this.store = store;
        this.onUnreadable = onUnreadable;
    }

    /** The row of an endpoint, or null when there is none (or it does not read). */
    TableEntry get(String id) {
        if (writes.containsKey(id)) {
            return writes.get(id);
        }
        return decode(id, store.get(id));
    }

    /** Every readable row, by endpoint id. */
    Map<String, TableEntry> all() {
        Map<String, TableEntry> rows = new TreeMap<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> row = it.next();
                TableEntry entry = decode(row.key, row.value);
                if (entry != null) {
                    rows.put(row.key, entry);
                }
            }
        }
        writes.forEach((id, entry) -> {
            if (entry == null) {
                rows.remove(id);
            } else {
                rows.put(id, entry);
            }
        });
        return rows;
    }

    void put(String id, TableEntry entry) {
        writes.put(id, entry);
    }

    void delete(String id) {
        writes.put(id, null);
    }

    /** A status record to write for {@code id} once the decision is complete. */
    void report(String id, EndpointStatus status) {
        statuses.add(KeyValue.pair(id, status));
    }

    /** Whether a status record for {@code id} is waiting to be written. */
    boolean reported(String id) {
        return statuses.stream().anyMatch(s -> s.key.equals(id));
    }

    /** Writes the rows to the store, then hands the status records over, in the order they were reported. */
    void apply(BiConsumer<String, EndpointStatus> forward) {
        writes.forEach((id, entry) -> {
            if (entry == null) {
                store.delete(id);
            } else {
                store.put(id, WRITER.serialize(null, entry));
            }
        });
        statuses.forEach(s -> forward.accept(s.key, s.value));
    }

    private TableEntry decode(String id, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return READER.deserialize(null, bytes);
        } catch (RuntimeException e) {
            onUnreadable.accept(id);
            return null;
        }
    }
}
