package io.twinegress.router.endpoints;

import io.twinegress.router.routing.EndpointIndex;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.InvalidRecordException;
import io.twinegress.schemas.JsonSerdes;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing side's view of the endpoints: the global store over {@code twin.endpoints.status}
 * (every instance holds every endpoint) plus the in-memory {@link EndpointIndex} by event type.
 *
 * <p>Two things about global stores shape this class:
 * <ul>
 *   <li>restoring the store at start does not go through the live processor: older Kafka
 *       Streams versions copy the topic's bytes straight into the store, 4.3 re-processes the
 *       restored records through a separate instance of this processor. Either way
 *       {@link #init} rebuilds the index from the store, so the index is complete before the
 *       stream threads route their first event, whatever the version does;</li>
 *   <li>a global processor cannot forward: it only updates the store and the index.</li>
 * </ul>
 * The store keeps raw bytes (what restoration copies), so a corrupt status record — nobody but
 * the router should write there — is skipped by the index instead of failing the global thread,
 * which no Kafka Streams error handler covers.
 */
public final class StatusIndexUpdater implements Processor<String, byte[], Void, Void> {

    public static final String STORE = "endpoint-status";
    private static final Logger LOG = LoggerFactory.getLogger(StatusIndexUpdater.class);

    private final EndpointIndex index;
    private final Deserializer<EndpointStatus> statuses = JsonSerdes.endpointStatus().deserializer();
    private KeyValueStore<String, byte[]> store;

    public StatusIndexUpdater(EndpointIndex index) {
        this.index = index;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(STORE);
        Map<String, EndpointStatus> all = new HashMap<>();
        try (KeyValueIterator<String, byte[]> rows = store.all()) {
            while (rows.hasNext()) {
                KeyValue<String, byte[]> row = rows.next();
                EndpointStatus status = read(row.key, row.value);
                if (status != null) {
                    all.put(row.key, status);
                }
            }
        }
        index.replaceAll(all);
        LOG.info("Routing index rebuilt from {}: {} Active endpoint(s) {}", STORE, index.activeIds().size(), index.activeIds());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        index.apply(record.key(), read(record.key(), record.value()));
    }

    private EndpointStatus read(String id, byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return statuses.deserialize(null, value);
        } catch (InvalidRecordException | IllegalArgumentException | NullPointerException e) {
            LOG.warn("Ignored an unreadable status record for endpoint {}: {}", id, e.getMessage());
            return null;
        }
    }
}
