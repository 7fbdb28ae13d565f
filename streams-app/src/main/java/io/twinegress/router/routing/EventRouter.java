package io.twinegress.router.routing;

import io.twinegress.router.deadletter.DeadLetters;
import io.twinegress.router.metrics.RouterMetrics;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.schemas.Envelope;
import io.twinegress.schemas.EventParser;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.InvalidEventException;
import io.twinegress.schemas.filter.EventValues;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Routes the records of one input topic where they arrive (no repartition): one output record per
 * Active endpoint whose eventTypes hold the event's type and whose filter (if any) the event
 * passes, same key, same value bytes, same timestamp, the input headers plus the router's (event
 * type, event id, endpoint id, source topic/partition/offset). Bad input becomes one dead-letter
 * record instead.
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

    /** Each event type's header, built once: a header is never changed once built, so records share it. */
    private static final Header[] TYPE_HEADERS = java.util.Arrays.stream(EventType.values())
            .map(t -> new RecordHeader(EgressHeaders.EVENT_TYPE, t.name().getBytes(StandardCharsets.UTF_8))).toArray(Header[]::new);
    private static final String[] OWN_HEADERS = {EgressHeaders.EVENT_TYPE, EgressHeaders.EVENT_ID, EgressHeaders.ENDPOINT_ID,
            EgressHeaders.SOURCE_TOPIC, EgressHeaders.SOURCE_PARTITION, EgressHeaders.SOURCE_OFFSET};

    private final boolean rawDeviceMessages;
    private final EndpointIndex index;
    private final RouterMetrics metrics;
    private final String dlqTopic;
    private final int maxEventBytes;
    private final int maxRecordBytes;
    private final EventParser parser = new EventParser();
    private final SourceHeaders sourceHeaders = new SourceHeaders();
    private ProcessorContext<byte[], Outgoing> context;

    private EventRouter(boolean rawDeviceMessages, EndpointIndex index, RouterMetrics metrics, String dlqTopic, int maxEventBytes,
                        int maxRecordBytes) {
        this.rawDeviceMessages = rawDeviceMessages;
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
     */
    public static EventRouter events(EndpointIndex index, RouterMetrics metrics, String dlqTopic, int maxEventBytes, int maxRecordBytes) {
        return new EventRouter(false, index, metrics, dlqTopic, maxEventBytes, maxRecordBytes);
    }

    /** For the raw device telemetry topic. */
    public static EventRouter deviceMessages(EndpointIndex index, RouterMetrics metrics, String dlqTopic, int maxEventBytes,
                                             int maxRecordBytes) {
        return new EventRouter(true, index, metrics, dlqTopic, maxEventBytes, maxRecordBytes);
    }

    @Override
    public void init(ProcessorContext<byte[], Outgoing> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        byte[] value = record.value();
        if (value != null && value.length > maxEventBytes) {
            deadLetter(record, DeadLetters.Kind.oversized, "RecordTooLargeException", "$",
                    "value is " + value.length + " bytes, over twin.event.max.bytes=" + maxEventBytes, null, source);
            return;
        }
        // One read of the index per record: the routes and the plan their filters are bound to agree.
        EndpointIndex.Table table = index.table();
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
                headers = outputHeaders(record.headers(), eventType, eventId, source);
                endpointSlot = headers.length - 1;
                long size = RecordSize.withoutHeaders(record.key(), value) + RecordSize.of(headers, endpointSlot)
                        + largestEndpointIdHeader(routes);
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

    private static long largestEndpointIdHeader(List<Route> routes) {
        long largest = 0;
        for (Route route : routes) {
            largest = Math.max(largest, RecordSize.of(route.endpointIdHeader()));
        }
        return largest;
    }

    /**
     * The headers of every copy of this record, in order: the input headers but the router's own
     * (never pass on a forged one), event type, event id (when parsed), source topic, partition and
     * offset, and a last slot left empty for the endpoint id.
     */
    private Header[] outputHeaders(Headers input, EventType eventType, byte[] eventId, RecordMetadata source) {
        Header[] carried = input.toArray();
        int kept = 0;
        for (Header header : carried) {
            kept += isOwn(header.key()) ? 0 : 1;
        }
        Header[] headers = new Header[kept + (eventId == null ? 5 : 6)];
        int i = 0;
        for (Header header : carried) {
            if (!isOwn(header.key())) {
                headers[i++] = header;
            }
        }
        headers[i++] = TYPE_HEADERS[eventType.ordinal()];
        if (eventId != null) {
            headers[i++] = new RecordHeader(EgressHeaders.EVENT_ID, eventId);
        }
        headers[i++] = sourceHeaders.topic(source.topic());
        headers[i++] = sourceHeaders.partition(source.partition());
        headers[i] = new RecordHeader(EgressHeaders.SOURCE_OFFSET, Long.toString(source.offset()).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static boolean isOwn(String headerName) {
        for (String own : OWN_HEADERS) {
            if (own.equals(headerName)) {
                return true;
            }
        }
        return false;
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
