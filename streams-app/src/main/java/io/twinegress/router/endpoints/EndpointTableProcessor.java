package io.twinegress.router.endpoints;

import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointParser;
import io.twinegress.schemas.EndpointRule;
import io.twinegress.schemas.EndpointState;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.EndpointTableRules;
import io.twinegress.schemas.InvalidEndpointException;
import io.twinegress.schemas.ParsedEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane: reads {@code twin.endpoints} (one partition, so one task sees every record
 * in order), keeps the endpoint table in a changelogged store, validates each record and writes
 * the outcome to {@code twin.endpoints.status}.
 *
 * <p>Per record:
 * <ol>
 *   <li>tombstone: the row is removed and {@code Deleted} written;</li>
 *   <li>invalid record ({@link EndpointParser}): {@code Rejected} with the rule's message;</li>
 *   <li>a second DeviceMessage endpoint while another one is Active: {@code Rejected}
 *       ({@code DEVICE_MESSAGE_UNIQUE}) and remembered as <em>waiting</em>;</li>
 *   <li>otherwise the egress topic is created (idempotently) and then {@code Active} written.</li>
 * </ol>
 *
 * <p><b>When the DeviceMessage holder goes away</b> (deleted, changed to other event types, or
 * replaced by an invalid record), the waiting candidate whose record has the lowest offset in
 * {@code twin.endpoints} — the one registered first — is promoted to Active at once, with no new
 * record from the operator: "rejected while the first exists" ends when the first stops existing.
 * The decision depends only on the order of records in the single-partition topic and on the
 * store, which exactly_once_v2 commits atomically with the status records and the input offset,
 * so a crash or restart replays it identically. (An application reset that re-reads a compacted
 * {@code twin.endpoints} from scratch sees each endpoint's latest record only and re-applies the
 * same rule to that order.)
 *
 * <p>Secrets: the parser never keeps connection strings; they show up only as warnings naming
 * the field. This processor catches every exception it can provoke, so an endpoint record never
 * reaches a dead-letter topic or a log through Kafka Streams' error handlers.
 */
public final class EndpointTableProcessor implements Processor<String, byte[], String, EndpointStatus> {

    public static final String STORE = "endpoint-table";
    private static final Logger LOG = LoggerFactory.getLogger(EndpointTableProcessor.class);

    private final EgressTopics.Factory topicsFactory;
    private final Function<String, String> egressTopicOf;
    private final EndpointParser parser = new EndpointParser();
    private ProcessorContext<String, EndpointStatus> context;
    private KeyValueStore<String, TableEntry> table;
    private EgressTopics topics;

    public EndpointTableProcessor(EgressTopics.Factory topicsFactory, Function<String, String> egressTopicOf) {
        this.topicsFactory = topicsFactory;
        this.egressTopicOf = egressTopicOf;
    }

    /**
     * The endpoint table: in memory (a few hundred small rows at most), backed by its changelog
     * topic {@code <application.id>-endpoint-table-changelog}, which exactly_once_v2 writes in
     * the same transaction as the status records.
     */
    public static org.apache.kafka.streams.state.StoreBuilder<KeyValueStore<String, TableEntry>> storeBuilder() {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(STORE),
                org.apache.kafka.common.serialization.Serdes.String(), TableEntry.serde());
    }

    @Override
    public void init(ProcessorContext<String, EndpointStatus> context) {
        this.context = context;
        this.table = context.getStateStore(STORE);
        this.topics = topicsFactory.create(context.appConfigs());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String id = record.key();
        if (id == null) {
            // A status record needs a key (the status topic is compacted): nothing to report it under.
            LOG.warn("Ignored an endpoint record without a key at offset {}", offset());
            return;
        }
        long offset = offset();
        TableEntry previous = table.get(id);
        try {
            if (record.value() == null) {
                table.delete(id);
                emit(record, id, EndpointStatus.deleted(now()));
                LOG.info("Endpoint {} Deleted (tombstone at offset {})", id, offset);
            } else {
                register(record, id, offset);
            }
        } catch (RuntimeException e) {
            // Not expected; never let Kafka Streams' handlers copy the record (it may hold secrets) anywhere.
            reject(record, id, new TableEntry(offset, EndpointState.Rejected, null, false,
                    "internal error while registering the endpoint: " + e.getClass().getName(), List.of(), null));
            LOG.error("Endpoint {} Rejected after an internal error ({}); re-send the record to retry", id, e.getClass().getName());
        }
        if (previous != null && previous.holdsDeviceMessages()) {
            TableEntry now = table.get(id);
            if (now == null || !now.holdsDeviceMessages()) {
                promoteWaitingDeviceMessageEndpoint(record);
            }
        }
    }

    private void register(Record<String, byte[]> record, String id, long offset) {
        ParsedEndpoint parsed;
        try {
            parsed = parser.parse(id, record.value());
        } catch (InvalidEndpointException e) {
            reject(record, id, new TableEntry(offset, EndpointState.Rejected, null, false, safeReason(e), List.of(), null));
            return;
        }
        Endpoint endpoint = parsed.endpoint();
        Optional<InvalidEndpointException> conflict = EndpointTableRules.check(endpoint, activeEndpoints());
        if (conflict.isPresent()) {
            reject(record, id, new TableEntry(offset, EndpointState.Rejected, endpoint, true, conflict.get().getMessage(),
                    parsed.warnings(), null));
            return;
        }
        activate(record, new TableEntry(offset, EndpointState.Active, endpoint, false, null, parsed.warnings(),
                egressTopicOf.apply(id)));
    }

    /** Creates the egress topic, then writes Active; Rejected when the topic cannot be created. */
    private void activate(Record<String, ?> cause, TableEntry entry) {
        String id = entry.endpoint().id();
        try {
            topics.ensure(entry.egressTopic());
        } catch (EgressTopics.EgressTopicException e) {
            reject(cause, id, new TableEntry(entry.offset(), EndpointState.Rejected, null, false,
                    e.getMessage() + "; re-send the endpoint record to retry", entry.warnings(), null));
            return;
        }
        table.put(id, entry);
        emit(cause, id, EndpointStatus.active(entry.endpoint(), entry.egressTopic(), entry.warnings(), now()));
        LOG.info("Endpoint {} Active: {} {} -> {}{}", id, entry.endpoint().type(), entry.endpoint().eventTypes(),
                entry.egressTopic(), entry.warnings().isEmpty() ? "" : " (warnings: " + entry.warnings() + ")");
    }

    private void reject(Record<String, ?> cause, String id, TableEntry entry) {
        table.put(id, entry);
        emit(cause, id, new EndpointStatus(EndpointState.Rejected, entry.reason(), null, entry.warnings(), null, now()));
        LOG.info("Endpoint {} Rejected: {}", id, entry.reason());
    }

    private void promoteWaitingDeviceMessageEndpoint(Record<String, ?> cause) {
        TableEntry first = null;
        try (KeyValueIterator<String, TableEntry> all = table.all()) {
            while (all.hasNext()) {
                TableEntry entry = all.next().value;
                if (entry.waiting() && (first == null || entry.offset() < first.offset())) {
                    first = entry;
                }
            }
        }
        if (first == null) {
            return;
        }
        LOG.info("DeviceMessage is free again: promoting endpoint {}, the first waiting for it", first.endpoint().id());
        activate(cause, new TableEntry(first.offset(), EndpointState.Active, first.endpoint(), false, null, first.warnings(),
                egressTopicOf.apply(first.endpoint().id())));
    }

    /**
     * The reason written to the status topic and the log. A JSON parser's message quotes the
     * token it choked on, and in a malformed endpoint record that token can be an unquoted
     * connection string or key; so for unparseable JSON only the rule is reported.
     */
    static String safeReason(InvalidEndpointException e) {
        if (e.rule() == EndpointRule.MALFORMED_JSON && e.getMessage().contains("not valid JSON")) {
            return e.field() + ": " + e.rule().message() + " (not valid JSON)";
        }
        return e.getMessage();
    }

    private List<Endpoint> activeEndpoints() {
        List<Endpoint> active = new ArrayList<>();
        try (KeyValueIterator<String, TableEntry> all = table.all()) {
            while (all.hasNext()) {
                KeyValue<String, TableEntry> row = all.next();
                if (row.value.isActive()) {
                    active.add(row.value.endpoint());
                }
            }
        }
        return active;
    }

    private void emit(Record<String, ?> cause, String id, EndpointStatus status) {
        // A fresh record: the endpoint record's headers are not carried to the status topic.
        context.forward(new Record<>(id, status, cause.timestamp()));
    }

    private long offset() {
        return context.recordMetadata().map(m -> m.offset()).orElse(-1L);
    }

    private long now() {
        return context.currentSystemTimeMs();
    }

    @Override
    public void close() {
        if (topics != null) {
            topics.close();
        }
    }
}
