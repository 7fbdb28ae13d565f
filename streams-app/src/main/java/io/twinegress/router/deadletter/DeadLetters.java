package io.twinegress.router.deadletter;

import io.twinegress.schemas.EgressHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter record format. A dead-letter record is the failed input record — same key,
 * same value bytes (none when oversized), its original headers — plus these headers (UTF-8 strings):
 *
 * <ul>
 *   <li>{@value #ERROR}: what kind of failure, one of {@link Kind};</li>
 *   <li>{@value #REASON}: the reason in words, naming the field ({@code eventType: is required});</li>
 *   <li>{@value #FIELD}: the offending field, {@code $} for the record as a whole;</li>
 *   <li>the lineage headers of {@link EgressHeaders} (source topic, partition, offset);</li>
 *   <li>Kafka Streams' own {@code __streams.errors.exception|message|topic|partition|offset}, so a
 *       dead-letter consumer reads the router's records and those of Streams' built-in handlers
 *       alike (the router writes no stack trace).</li>
 * </ul>
 */
public final class DeadLetters {

    public static final String ERROR = "twin-egress.dlq.error";
    public static final String REASON = "twin-egress.dlq.reason";
    public static final String FIELD = "twin-egress.dlq.field";
    /** Set on an oversized record, whose value is not copied: its original size in bytes. */
    public static final String ORIGINAL_SIZE = "twin-egress.dlq.original-size";

    static final String STREAMS_EXCEPTION = "__streams.errors.exception";
    static final String STREAMS_MESSAGE = "__streams.errors.message";
    static final String STREAMS_TOPIC = "__streams.errors.topic";
    static final String STREAMS_PARTITION = "__streams.errors.partition";
    static final String STREAMS_OFFSET = "__streams.errors.offset";

    /** Longest reason written to a header. */
    private static final int MAX_REASON = 1000;

    /** What went wrong. */
    public enum Kind {
        /** Not a valid event: not JSON, not an object, a required field missing or of the wrong type, unknown eventType. */
        invalid_event,
        /** Larger than {@code twin.event.max.bytes}; the value is not copied (see the source coordinates). */
        oversized,
        /** The broker refused the routed record as too large for the egress topic. */
        record_too_large;

        /** Wire form, e.g. {@code invalid-event}. */
        public String wire() {
            return name().replace('_', '-');
        }
    }

    private DeadLetters() {
    }

    /**
     * The headers of a dead-letter record: a copy of the original headers plus the error headers.
     */
    public static Headers headers(Headers original, Kind kind, String exception, String field, String reason,
                                  String topic, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders(original == null ? new org.apache.kafka.common.header.Header[0] : original.toArray());
        for (String name : new String[] {ERROR, REASON, FIELD, ORIGINAL_SIZE, STREAMS_EXCEPTION, STREAMS_MESSAGE,
                STREAMS_TOPIC, STREAMS_PARTITION, STREAMS_OFFSET, EgressHeaders.SOURCE_TOPIC,
                EgressHeaders.SOURCE_PARTITION, EgressHeaders.SOURCE_OFFSET}) {
            headers.remove(name);
        }
        String cut = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
        add(headers, ERROR, kind.wire());
        add(headers, REASON, cut);
        add(headers, FIELD, field);
        add(headers, EgressHeaders.SOURCE_TOPIC, topic);
        add(headers, EgressHeaders.SOURCE_PARTITION, Integer.toString(partition));
        add(headers, EgressHeaders.SOURCE_OFFSET, Long.toString(offset));
        add(headers, STREAMS_EXCEPTION, exception);
        add(headers, STREAMS_MESSAGE, cut);
        add(headers, STREAMS_TOPIC, topic);
        add(headers, STREAMS_PARTITION, Integer.toString(partition));
        add(headers, STREAMS_OFFSET, Long.toString(offset));
        return headers;
    }

    static void add(Headers headers, String name, String value) {
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
