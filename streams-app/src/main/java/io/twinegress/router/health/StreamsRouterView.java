package io.twinegress.router.health;

import io.twinegress.router.endpoints.StatusIndexUpdater;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A running router's view: the Kafka Streams client's state and its global endpoint status store
 * (the copy of {@code twin.endpoints.status} every instance routes from), read through interactive
 * queries. Kafka Streams restores global stores before it reports RUNNING, so a readable store in
 * state RUNNING means the whole table is loaded.
 */
public final class StreamsRouterView implements RouterView {

    private final KafkaStreams streams;

    public StreamsRouterView(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public KafkaStreams.State streamsState() {
        return streams.state();
    }

    @Override
    public SortedMap<String, byte[]> statusTable() {
        SortedMap<String, byte[]> table = new TreeMap<>();
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
                    StatusIndexUpdater.STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
            try (KeyValueIterator<String, byte[]> rows = store.all()) {
                while (rows.hasNext()) {
                    KeyValue<String, byte[]> row = rows.next();
                    table.put(row.key, row.value);
                }
            }
        } catch (InvalidStateStoreException e) {
            throw new TableUnavailableException("the endpoint table (store " + StatusIndexUpdater.STORE + ") cannot be read while "
                    + "Kafka Streams is " + streams.state(), e);
        }
        return table;
    }
}
