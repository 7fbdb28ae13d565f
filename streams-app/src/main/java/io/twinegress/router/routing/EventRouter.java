package io.twinegress.router.routing;

import io.twinegress.router.deadletter.DeadLetters;
import io.twinegress.router.metrics.RouterMetrics;
import io.twinegress.router.replay.LiveHistoryRecorder;
import io.twinegress.router.replay.PositionLookup;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.Envelope;
import io.twinegress.schemas.EventParser;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.InvalidEventException;
import io.twinegress.schemas.filter.EventValues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the records of one input topic where they arrive (no repartition): one output record per
 * Active endpoint whose eventTypes hold the event's type and whose filter (if any) the event
 * passes, same key, same value bytes, same timestamp, the input headers plus the router's (event
 * type, event id, endpoint id, and the source topic/partition/offset its {@link Lineage} keeps). Bad
 * input becomes one dead-letter record instead.
 *
 * <p>Two modes:
 * <ul>
 *   <li>events ({@code twin.events}): each value is validated in one streaming pass
 *       ({@link EventParser#envelope}), which also collects what the endpoints' filters read
 *       (the routing table's plan), whatever their number; its eventType picks the endpoints,
 *       their filters decide;</li>
 *   <li>raw telemetry ({@code twin.device-messages}): never parsed; every record is a
 *       DeviceMessage and goes byte for byte to the DeviceMessage endpoint, whose filter can
 *       read only the record key.</li>
 * </ul>
 *
 * <p>Before each record, the processor's {@link LiveHistoryRecorder} notes any change of the routing
 * table at that record's offset, in the same transaction: the backfill of an endpoint with
 * {@code replayFrom} reads it to route exactly what the live routing did not.
 *
 * <p>Every record the router writes fits in one produce request ({@link io.twinegress.router.config.RouterConfig#maxRecordBytes}):
 * an event whose routed copy (key, value, every header) would not is dead-lettered as oversized
 * instead, and a dead-letter record that would not leaves out the value, then the input headers.
 * The producer refuses a record over its limit, and under exactly_once_v2 that fails the whole
 * transaction whatever the production exception handler answers: the same event would fail it
 * again after every restart.
 *
 * <p>Why the router dead-letters bad events itself instead of through a throwing deserializer and
 * Kafka Streams' handlers: the reason header is one concise line ("eventType: is required")
 * rather than a 10 KB stack trace, nothing is logged per record (one summary line a minute, see
 * {@link RouterMetrics}), and it works the same under exactly_once_v2 and at-least-once (the
 * built-in handlers lose the record under exactly_once_v2 unless they continue). Input is read as
 * raw bytes, so no deserialization can fail.
 */
public final class EventRouter implements Processor<byte[], byte[], byte[], Outgoing> {

    /** How often an idle routing task looks whether the routing table changed (for the live history). */
    static final Duration HISTORY_TIMER = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(EventRouter.class);

    private final boolean rawDeviceMessages;
    private final EndpointIndex index;
    private final RouterMetrics metrics;
    private final String dlqTopic;
    private final int maxEventBytes;
    private final int maxRecordBytes;
    private final Lineage lineage;
    private final EventParser parser = new EventParser();
    private final SourceHeaders sourceHeaders = new SourceHeaders();
    private final String inputTopic;
    private final PositionLookup.Factory positions;
    private ProcessorContext<byte[], Outgoing> context;
    private LiveHistoryRecorder history;
    private PositionLookup lookup;
    private boolean lookupFailureLogged;

    private EventRouter(boolean rawDeviceMessages, EndpointIndex index, RouterMetrics metrics, String dlqTopic, int maxEventBytes,
                        int maxRecordBytes, Lineage lineage, String inputTopic, PositionLookup.Factory positions) {
        this.lineage = lineage;
        this.rawDeviceMessages = rawDeviceMessages;
        this.inputTopic = inputTopic;
        this.positions = positions;
        this.index = index;
        this.metrics = metrics;
        this.dlqTopic = dlqTopic;
        this.maxEventBytes = maxEventBytes;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * For an input topic of JSON events.
     *
     * @param maxEventBytes  the largest value routed
     * @param maxRecordBytes the largest record written (key, value and headers)
     * @param lineage        the lineage headers of the routed copies
     * @param inputTopic     the topic it reads: its live history is kept in {@link LiveHistoryRecorder#storeName}
     * @param positions      where an idle task learns its resume position (for the live history)
     */
    public static EventRouter events(EndpointIndex index, RouterMetrics metrics, String dlqTopic, int maxEventBytes, int maxRecordBytes,
                                     Lineage lineage, String inputTopic, PositionLookup.Factory positions) {
        return new EventRouter(false, index, metrics, dlqTopic, maxEventBytes, maxRecordBytes, lineage, inputTopic, positions);
    }

    /** For the raw device telemetry topic. */
    public static EventRouter deviceMessages(EndpointIndex index, RouterMetrics metrics, String dlqTopic, int maxEventBytes,
                                             int maxRecordBytes, Lineage lineage, String inputTopic, PositionLookup.Factory positions) {
        return new EventRouter(true, index, metrics, dlqTopic, maxEventBytes, maxRecordBytes, lineage, inputTopic, positions);
    }

    @Override
    public void init(ProcessorContext<byte[], Outgoing> context) {
        this.context = context;
        this.history = new LiveHistoryRecorder(context.getStateStore(LiveHistoryRecorder.storeName(inputTopic)),
                rawDeviceMessages ? Endpoint::carriesDeviceMessages : endpoint -> true);
        context.schedule(HISTORY_TIMER, PunctuationType.WALL_CLOCK_TIME, now -> historyTimer());
    }

    /** An idle partition still records a routing change, at the offset it will process next. */
    private void historyTimer() {
        TopicPartition partition = new TopicPartition(inputTopic, context.taskId().partition());
        try {
            history.onTimer(index.table(), () -> {
                if (lookup == null) {
                    lookup = positions.create(context.appConfigs());
                }
                return lookup.resumePosition(partition);
            });
            lookupFailureLogged = false;
        } catch (RuntimeException e) {
            if (!lookupFailureLogged) {
                LOG.warn("Routing task of {}: could not record a routing change while idle ({}); trying again every {} s",
                        partition, e.toString(), HISTORY_TIMER.toSeconds());
                lookupFailureLogged = true;
            }
        }
    }

    @Override
    public void close() {
        if (lookup != null) {
            lookup.close();
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        // One read of the index per record: the routes, the plan their filters are bound to and the
        // live history agree on what this record is routed with.
        EndpointIndex.Table table = index.table();
        history.beforeRecord(table, source.offset());
        byte[] value = record.value();
        if (value != null && value.length > maxEventBytes) {
            deadLetter(record, DeadLetters.Kind.oversized, "RecordTooLargeException", "$",
                    "value is " + value.length + " bytes, over twin.event.max.bytes=" + maxEventBytes, null, source);
            return;
        }
        EventType eventType;
        byte[] eventId;
        EventValues values = null;
        if (rawDeviceMessages) {
            if (value == null) {
                // A tombstone is nothing to deliver: an Event Hub cannot take it, and a sink would hold the endpoint on it.
                deadLetter(record, DeadLetters.Kind.invalid_event, InvalidEventException.class.getName(), "$",
                        "$: a tombstone (null value) is not a device message", null, source);
                return;
            }
            eventType = EventType.DeviceMessage;
            eventId = null;
            if (!table.plan().isEmpty()) {
                values = table.plan().newValues();
            }
        } else {
            Envelope event;
            try {
                event = parser.envelope(value, table.plan());
            } catch (InvalidEventException e) {
                deadLetter(record, DeadLetters.Kind.invalid_event, e.getClass().getName(), e.field(), e.getMessage(), value, source);
                return;
            }
            eventType = event.eventType();
            eventId = event.id().getBytes(StandardCharsets.UTF_8);
            values = event.values();
        }
        if (values != null) {
            values.key(record.key());   // decoded only if a filter reads it
        }
        List<Route> routes = table.routes(eventType);
        Header[] headers = null;
        int endpointSlot = 0;
        for (Route route : routes) {
            if (!route.accepts(values)) {
                continue;
            }
            if (headers == null) {
                // The first endpoint that takes the event: build the copies' headers and check their size, once.
                headers = EgressCopies.headers(record.headers(), eventType, eventId, lineage, sourceHeaders.topic(source.topic()),
                        sourceHeaders.partition(source.partition()), source.offset(), null);
                endpointSlot = headers.length - 1;
                long size = RecordSize.withoutHeaders(record.key(), value) + RecordSize.of(headers, endpointSlot)
                        + table.largestEndpointIdHeader(eventType);
                if (size > maxRecordBytes) {
                    deadLetter(record, DeadLetters.Kind.oversized, "RecordTooLargeException", "$", "the routed record (key, value and "
                            + "headers) would be up to " + size + " bytes, over the " + maxRecordBytes + " bytes the router may write "
                            + "(max.request.size, and the max.message.bytes of the topics it sizes)", null, source);
                    return;
                }
            }
            // RecordHeaders copies the array, so every route reuses it with its own endpoint id in the last slot.
            headers[endpointSlot] = route.endpointIdHeader();
            context.forward(new Record<>(record.key(), new Outgoing(route.egressTopic(), value), record.timestamp(),
                    new RecordHeaders(headers)));
            metrics.routed(route.endpointId());
        }
        if (headers == null) {
            metrics.unmatched();
        }
    }

    /**
     * Writes the dead-letter record: the input's key, {@code value} (null when it is left out) and
     * headers plus the reason. When that would be over the record limit the value is left out, then
     * the input headers, then the key: the source coordinates always point to the input record.
     */
    private void deadLetter(Record<byte[], byte[]> record, DeadLetters.Kind kind, String exception, String field, String reason,
                            byte[] value, RecordMetadata source) {
        byte[] key = record.key();
        Headers headers = deadLetterHeaders(record.headers(), kind, exception, field, reason, value, record.value(), source);
        if (value != null && RecordSize.withoutHeaders(key, value) + RecordSize.of(headers) > maxRecordBytes) {
            value = null;
            headers = deadLetterHeaders(record.headers(), kind, exception, field, reason, null, record.value(), source);
        }
        if (RecordSize.withoutHeaders(key, null) + RecordSize.of(headers) > maxRecordBytes) {
            headers = deadLetterHeaders(null, kind, exception, field, reason, null, record.value(), source);
        }
        if (RecordSize.withoutHeaders(key, null) + RecordSize.of(headers) > maxRecordBytes) {
            key = null;
        }
        context.forward(new Record<>(key, new Outgoing(dlqTopic, value), record.timestamp(), headers));
        metrics.deadLettered(kind, field, source.topic(), source.partition(), source.offset());
    }

    private static Headers deadLetterHeaders(Headers input, DeadLetters.Kind kind, String exception, String field, String reason,
                                             byte[] value, byte[] original, RecordMetadata source) {
        Headers headers = DeadLetters.headers(input, kind, exception, field, reason, source.topic(), source.partition(), source.offset());
        if (value == null && original != null) {
            headers.add(DeadLetters.ORIGINAL_SIZE, Integer.toString(original.length).getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }
}
