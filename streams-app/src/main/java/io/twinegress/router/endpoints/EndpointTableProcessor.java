package io.twinegress.router.endpoints;

import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointParser;
import io.twinegress.schemas.EndpointState;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.EndpointTableRules;
import io.twinegress.schemas.InvalidEndpointException;
import io.twinegress.schemas.ParsedEndpoint;
import io.twinegress.schemas.ReplayStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
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
 * <p><b>The egress topic is a side effect, not a verdict.</b> The whole egress-topic step of one
 * record has one deadline ({@code twin.egress.topic.create.timeout.ms}). When the topic exists but
 * its size could not be checked, the endpoint is Active with a warning. When the topic could not be
 * created and trying again may help (a timeout, no controller), the record is processed again: the
 * processor throws {@link EndpointRecordRetryException} before deciding anything, the task fails,
 * and exactly_once_v2 reads the record again from the last commit, up to
 * {@code twin.egress.topic.create.attempts} times in a row. After that, or when the cluster refused:
 * an endpoint that was Active stays Active as it was (same route, a warning says the record was not
 * applied), a DeviceMessage endpoint keeps waiting for its turn, and any other endpoint is Rejected
 * (re-send the record to retry). A failing side effect never turns an Active endpoint into Rejected.
 *
 * <p><b>When the DeviceMessage holder goes away</b> (deleted, changed to other event types, or
 * replaced by an invalid record), the waiting candidate whose record has the lowest offset in
 * {@code twin.endpoints} — the one registered first — is promoted to Active at once, with no new
 * record from the operator. When its egress topic cannot be created it keeps its place, waiting,
 * and the next one is tried; while DeviceMessage is free and someone waits, every later endpoint
 * record, and a timer every {@value #PROMOTION_RETRY_SECONDS} s, try again in the same order.
 * The decision depends only on the order of records in the single-partition topic, on the store
 * (which exactly_once_v2 commits atomically with the status records and the input offset) and on
 * the egress topics being creatable.
 *
 * <p>Secrets: the parser never keeps connection strings; they show up only as warnings naming
 * the field. Everything this processor does for a record is inside one try block: nothing it
 * provokes reaches Kafka Streams' error handlers but the retry signal, which the router's
 * processing exception handler answers without copying the record anywhere.
 */
public final class EndpointTableProcessor implements Processor<String, byte[], String, EndpointStatus> {

    public static final String STORE = "endpoint-table";
    static final int PROMOTION_RETRY_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(EndpointTableProcessor.class);

    private final EgressTopics.Factory topicsFactory;
    private final Function<String, String> egressTopicOf;
    private final Duration stepTimeout;
    private final EgressAttempts attempts;
    private final EndpointParser parser = new EndpointParser();
    private final Set<String> unreadableReported = new HashSet<>();
    private ProcessorContext<String, EndpointStatus> context;
    private KeyValueStore<String, byte[]> store;
    private EgressTopics topics;

    /**
     * @param stepTimeout the one deadline of the egress-topic step of a record
     * @param attempts    one per topology, shared by every instance of this processor
     */
    public EndpointTableProcessor(EgressTopics.Factory topicsFactory, Function<String, String> egressTopicOf, Duration stepTimeout,
                                  EgressAttempts attempts) {
        this.topicsFactory = topicsFactory;
        this.egressTopicOf = egressTopicOf;
        this.stepTimeout = stepTimeout;
        this.attempts = attempts;
    }

    /**
     * The endpoint table: in memory (a few hundred small rows at most), backed by its changelog
     * topic {@code <application.id>-endpoint-table-changelog}, which exactly_once_v2 writes in
     * the same transaction as the status records. Rows are kept as bytes (a small JSON document,
     * {@link TableEntry}) and decoded here, so a row that does not read is skipped, not fatal.
     */
    public static org.apache.kafka.streams.state.StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder() {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(STORE),
                org.apache.kafka.common.serialization.Serdes.String(), org.apache.kafka.common.serialization.Serdes.ByteArray());
    }

    @Override
    public void init(ProcessorContext<String, EndpointStatus> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        this.topics = topicsFactory.create(context.appConfigs());
        context.schedule(Duration.ofSeconds(PROMOTION_RETRY_SECONDS), PunctuationType.WALL_CLOCK_TIME, now -> retryPromotion());
    }

    /** What the processor decides for one record, and the deadline of its egress-topic step. */
    private final class Step {
        final PendingTable table = new PendingTable(store, EndpointTableProcessor.this::unreadable);
        final long started = System.nanoTime();
        final long timestamp;
        /** Endpoints whose egress topic this step already asked for. */
        final Set<String> tried = new HashSet<>();

        Step(long timestamp) {
            this.timestamp = timestamp;
        }

        Duration timeLeft() {
            return stepTimeout.minusNanos(System.nanoTime() - started);
        }

        void apply() {
            table.apply((id, status) -> context.forward(new Record<>(id, status, timestamp)));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String id = record.key();
        long offset = offset();
        if (id == null) {
            // A status record needs a key (the status topic is compacted): nothing to report it under.
            LOG.warn("Ignored an endpoint record without a key at offset {}", offset);
            return;
        }
        try {
            Step step = new Step(record.timestamp());
            TableEntry previous = step.table.get(id);
            if (record.value() == null) {
                step.table.delete(id);
                step.table.report(id, EndpointStatus.deleted(now()));
                LOG.info("Endpoint {} Deleted (tombstone at offset {})", id, offset);
            } else {
                register(step, id, offset, record.value(), previous);
            }
            TableEntry now = step.table.get(id);
            boolean holderLeft = previous != null && previous.holdsDeviceMessages() && (now == null || !now.holdsDeviceMessages());
            // Also when an earlier promotion failed and DeviceMessage is still free: any record gives the line a turn.
            promoteWaiting(step, holderLeft);
            reportIfStillWaiting(step, id);
            step.apply();
        } catch (EndpointRecordRetryException e) {
            // Nothing decided: the router's processing exception handler fails the task (and logs it, once).
            throw e;
        } catch (RuntimeException e) {
            internalError(record, id, offset, e);
        }
    }

    private void register(Step step, String id, long offset, byte[] value, TableEntry previous) {
        ParsedEndpoint parsed;
        try {
            parsed = parser.parse(id, value);
        } catch (InvalidEndpointException e) {
            reject(step, id, new TableEntry(offset, EndpointState.Rejected, null, false, e.getMessage(), List.of(), null));
            return;
        }
        Endpoint endpoint = parsed.endpoint();
        // A DeviceMessage endpoint that already waits keeps its place in line when its record comes again.
        long place = previous != null && previous.waiting() ? previous.offset() : offset;
        Optional<InvalidEndpointException> conflict = EndpointTableRules.check(endpoint, activeEndpoints(step));
        if (conflict.isPresent()) {
            reject(step, id, new TableEntry(place, EndpointState.Rejected, endpoint, true, conflict.get().getMessage(),
                    parsed.warnings(), null));
            return;
        }
        boolean holds = previous != null && previous.holdsDeviceMessages();
        if (endpoint.carriesDeviceMessages() && !holds && !waitingBefore(step, id, place).isEmpty()) {
            // Nobody holds DeviceMessage, but endpoints registered earlier wait for it: this one queues behind them.
            step.table.put(id, new TableEntry(place, EndpointState.Rejected, endpoint, true, null, parsed.warnings(), null));
            return;
        }
        String egressTopic = egressTopicOf.apply(id);
        step.tried.add(id);
        EgressOutcome outcome = ensure(id, egressTopic, step.timeLeft(), true);
        if (outcome.ready()) {
            activate(step, new TableEntry(offset, EndpointState.Active, endpoint, false, null,
                    concat(parsed.warnings(), outcome.warnings()), egressTopic, replayFor(endpoint, previous)));
        } else if (previous != null && previous.isActive()) {
            // The previous configuration keeps its route; nothing about the table changes.
            String notApplied = "the endpoint record at offset " + offset + " was not applied: " + outcome.failure()
                    + "; the previous configuration stays Active; re-send the record to retry";
            step.table.report(id, previous.activeStatus(List.of(notApplied), now()));
            LOG.warn("Endpoint {} stays Active as before: its record at offset {} was not applied ({})", id, offset, outcome.failure());
        } else if (endpoint.carriesDeviceMessages()) {
            reject(step, id, new TableEntry(place, EndpointState.Rejected, endpoint, true, waitingReason(outcome.failure()),
                    parsed.warnings(), null));
        } else {
            reject(step, id, new TableEntry(offset, EndpointState.Rejected, null, false,
                    outcome.failure() + "; re-send the endpoint record to retry", parsed.warnings(), null));
        }
    }

    /** The endpoints other than {@code id} waiting for DeviceMessage with a place before {@code place}. */
    private static List<String> waitingBefore(Step step, String id, long place) {
        return step.table.all().values().stream()
                .filter(e -> e.waiting() && e.offset() < place && !e.endpoint().id().equals(id))
                .map(e -> e.endpoint().id()).toList();
    }

    /** The record's own DeviceMessage endpoint, queued behind others and not promoted: say why it waits. */
    private void reportIfStillWaiting(Step step, String id) {
        TableEntry entry = step.table.get(id);
        if (entry == null || !entry.waiting() || step.table.reported(id)) {
            return;
        }
        String reason = EndpointTableRules.check(entry.endpoint(), activeEndpoints(step)).map(Throwable::getMessage)
                .orElseGet(() -> "DeviceMessage is free, but endpoints registered before this one wait for it ("
                        + String.join(", ", waitingBefore(step, id, entry.offset()))
                        + ", their egress topics could not be created yet); this one follows them");
        reject(step, id, new TableEntry(entry.offset(), EndpointState.Rejected, entry.endpoint(), true, reason, entry.warnings(), null));
    }

    /**
     * Promotes the first waiting DeviceMessage endpoint (lowest offset) when nobody holds
     * DeviceMessage. One whose topic cannot be created keeps its place and the next is tried; a
     * retriable failure stops here (order kept), and fails the task only when {@code holderLeft}
     * (this record freed DeviceMessage) and only for the first candidate.
     */
    private void promoteWaiting(Step step, boolean holderLeft) {
        Map<String, TableEntry> rows = step.table.all();
        if (rows.values().stream().anyMatch(TableEntry::holdsDeviceMessages)) {
            return;
        }
        List<TableEntry> waiting = new ArrayList<>(rows.values().stream()
                .filter(e -> e.waiting() && !step.tried.contains(e.endpoint().id())).toList());
        waiting.sort(Comparator.comparingLong(TableEntry::offset));
        boolean first = true;
        for (TableEntry candidate : waiting) {
            String id = candidate.endpoint().id();
            Duration time = step.timeLeft();
            if (time.isZero() || time.isNegative()) {
                LOG.info("DeviceMessage is free; endpoint {} waits for it and is tried again later (no time left in this step)", id);
                return;
            }
            String egressTopic = egressTopicOf.apply(id);
            step.tried.add(id);
            EgressOutcome outcome = ensure(id, egressTopic, time, holderLeft && first);
            first = false;
            if (outcome.ready()) {
                LOG.info("DeviceMessage is free again: promoting endpoint {}, the first waiting for it", id);
                activate(step, new TableEntry(candidate.offset(), EndpointState.Active, candidate.endpoint(), false, null,
                        concat(candidate.warnings(), outcome.warnings()), egressTopic, replayFor(candidate.endpoint(), candidate)));
                return;
            }
            String reason = waitingReason(outcome.failure());
            if (!reason.equals(candidate.reason())) {
                reject(step, id, new TableEntry(candidate.offset(), EndpointState.Rejected, candidate.endpoint(), true, reason,
                        candidate.warnings(), null));
            }
            if (outcome.tryAgain()) {
                return;
            }
        }
    }

    /** The timer: DeviceMessage free and someone waiting (an earlier promotion failed), with no endpoint record coming. */
    private void retryPromotion() {
        try {
            Step step = new Step(context.currentSystemTimeMs());
            promoteWaiting(step, false);
            step.apply();
        } catch (RuntimeException e) {
            LOG.error("Retrying the DeviceMessage promotion failed ({}); tried again in {} s", e.getClass().getName(),
                    PROMOTION_RETRY_SECONDS);
        }
    }

    private static String waitingReason(String failure) {
        return "DeviceMessage is free, but this endpoint's egress topic could not be created: " + failure
                + "; it keeps its place among the endpoints waiting for DeviceMessage and is tried again at the next endpoint "
                + "record or within " + PROMOTION_RETRY_SECONDS + " s";
    }

    /** The egress-topic step's outcome for the processor: ready (with warnings), or failed and why. */
    private record EgressOutcome(List<String> warnings, String failure, boolean tryAgain) {
        boolean ready() {
            return failure == null;
        }
    }

    /**
     * @param mayFailTask a retriable failure with attempts left fails the task; otherwise it is
     *                    returned as {@code tryAgain} (the caller stops and tries again later)
     */
    private EgressOutcome ensure(String id, String egressTopic, Duration time, boolean mayFailTask) {
        try {
            List<String> warnings = topics.ensure(egressTopic, time);
            attempts.succeeded(egressTopic);
            return new EgressOutcome(warnings, null, false);
        } catch (EgressTopics.EgressTopicException e) {
            if (!e.retriable()) {
                attempts.succeeded(egressTopic);
                return new EgressOutcome(List.of(), e.getMessage(), false);
            }
            if (attempts.failedMayRetry(egressTopic)) {
                if (mayFailTask) {
                    throw new EndpointRecordRetryException("endpoint " + id + ": " + e.getMessage(), e);
                }
                return new EgressOutcome(List.of(), e.getMessage(), true);
            }
            return new EgressOutcome(List.of(), e.getMessage() + " (" + attempts.maxAttempts() + " attempts in a row)", false);
        }
    }

    /** Writes the row, then Active. */
    private void activate(Step step, TableEntry entry) {
        String id = entry.endpoint().id();
        step.table.put(id, entry);
        step.table.report(id, entry.activeStatus(List.of(), now()));
        LOG.info("Endpoint {} Active: {} {} -> {}{}{}", id, entry.endpoint().type(), entry.endpoint().eventTypes(),
                entry.egressTopic(), entry.replay() == null ? "" : ", backfill from " + entry.replay().from()
                        + (entry.replay().done() ? " (done)" : ""),
                entry.warnings().isEmpty() ? "" : " (warnings: " + entry.warnings() + ")");
    }

    /**
     * The backfill of an endpoint made Active: none without {@code replayFrom}; the one it has when it
     * was Active with the same {@code replayFrom} already (the same value sent again does not replay
     * again); else a new one, which the router's backfill picks up from the status record.
     */
    private ReplayStatus replayFor(Endpoint endpoint, TableEntry previous) {
        Instant from = endpoint.replayFrom();
        if (from == null) {
            return null;
        }
        if (previous != null && previous.isActive() && previous.replay() != null && previous.replay().from().equals(from)) {
            return previous.replay();
        }
        return ReplayStatus.started(from, Instant.ofEpochMilli(now()));
    }

    private void reject(Step step, String id, TableEntry entry) {
        step.table.put(id, entry);
        step.table.report(id, new EndpointStatus(EndpointState.Rejected, entry.reason(), null, entry.warnings(), null, now()));
        LOG.info("Endpoint {} Rejected: {}", id, entry.reason());
    }

    /**
     * Something this processor did not foresee: nothing of the decision is applied. The endpoint keeps
     * its row; a status record says the record was not applied (Active stays Active). Only the
     * exception's class is reported: its message could quote the record.
     */
    private void internalError(Record<String, byte[]> record, String id, long offset, RuntimeException e) {
        LOG.error("Endpoint {}: the record at offset {} could not be processed ({}); nothing changed, re-send it to retry",
                id, offset, e.getClass().getName());
        Step step = new Step(record.timestamp());
        TableEntry previous = step.table.get(id);
        String what = "the endpoint record at offset " + offset + " could not be processed (internal error " + e.getClass().getName()
                + ") and was not applied; re-send it to retry";
        if (previous != null && previous.isActive()) {
            step.table.report(id, previous.activeStatus(List.of(what), now()));
        } else {
            step.table.report(id, EndpointStatus.rejected(what, List.of(), now()));
        }
        step.apply();
    }

    private List<Endpoint> activeEndpoints(Step step) {
        return step.table.all().values().stream().filter(TableEntry::isActive).map(TableEntry::endpoint).toList();
    }

    private void unreadable(String id) {
        if (unreadableReported.add(id)) {
            LOG.warn("The endpoint table's row for {} does not read (written by another router version?); it counts as absent "
                    + "until the next record for that endpoint replaces it", id);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
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
