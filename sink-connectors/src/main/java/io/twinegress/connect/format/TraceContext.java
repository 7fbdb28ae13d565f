package io.twinegress.connect.format;

import io.twinegress.connect.core.EventRecords;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The W3C trace context of a record: its {@code traceparent} header (name in any case), when it is
 * a valid W3C traceparent, and its {@code tracestate} header with it (at most
 * {@value #MAX_TRACESTATE_CHARS} characters). An invalid traceparent carries nothing: a consumer
 * that continues a malformed trace would fail or start a wrong one.
 *
 * <p>Where it goes: the Service Bus and Event Hubs application properties {@value #DIAGNOSTIC_ID}
 * (what the Azure SDKs read as the parent of their spans) and {@value #TRACEPARENT} /
 * {@value #TRACESTATE}; in a CloudEvent, the distributed-tracing extension attributes of the same
 * names.
 *
 * @param traceparent the header's value
 * @param tracestate  the tracestate header's value, or null
 */
public record TraceContext(String traceparent, String tracestate) {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    public static final String DIAGNOSTIC_ID = "Diagnostic-Id";
    public static final int MAX_TRACESTATE_CHARS = 512;

    /** Version 00 exactly; a later version may add fields after a dash; version ff is invalid. */
    private static final Pattern TRACEPARENT_FORMAT =
        Pattern.compile("(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    private static final Pattern LATER_VERSION_FORMAT =
        Pattern.compile("(?!00|ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}-.*");

    /** The record's trace context, or empty without a valid {@code traceparent} header. */
    public static Optional<TraceContext> of(SinkRecord record) {
        String parent = null;
        String state = null;
        for (Header h : record.headers()) {
            // compared in place: lower-casing every header name of every record costs more than the rest
            String name = h.key();
            if (TRACEPARENT.equalsIgnoreCase(name)) {
                parent = EventRecords.header(record, h.key()).orElse(null);
            } else if (TRACESTATE.equalsIgnoreCase(name)) {
                state = EventRecords.header(record, h.key()).orElse(null);
            }
        }
        if (parent == null || !isValid(parent.trim())) {
            return Optional.empty();
        }
        if (state != null && (state.isBlank() || state.length() > MAX_TRACESTATE_CHARS)) {
            state = null;
        }
        return Optional.of(new TraceContext(parent.trim(), state == null ? null : state.trim()));
    }

    static boolean isValid(String traceparent) {
        return TRACEPARENT_FORMAT.matcher(traceparent).matches() || LATER_VERSION_FORMAT.matcher(traceparent).matches();
    }

    /** Puts {@value #DIAGNOSTIC_ID}, {@value #TRACEPARENT} and, when present, {@value #TRACESTATE} into AMQP application properties. */
    public void putInto(Map<String, Object> applicationProperties) {
        applicationProperties.put(DIAGNOSTIC_ID, traceparent);
        applicationProperties.put(TRACEPARENT, traceparent);
        if (tracestate != null) {
            applicationProperties.put(TRACESTATE, tracestate);
        }
    }
}
