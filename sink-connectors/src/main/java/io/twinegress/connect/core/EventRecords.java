package io.twinegress.connect.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.twinegress.schemas.EgressHeaders;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the connectors read from an egress record, the same way for all three targets.
 *
 * <ul>
 *   <li>{@link #body}: the value as bytes, exactly as they arrived: {@code byte[]} (worker or
 *       connector with {@code ByteArrayConverter}, recommended), {@link ByteBuffer}, or a
 *       {@code String} (StringConverter) as UTF-8. Anything else cannot be forwarded without
 *       re-encoding: {@link RecordRejectedException}.</li>
 *   <li>{@link #fields}: event id and type from the router's headers
 *       ({@link EgressHeaders}); when a header is missing, from the JSON body's top-level
 *       {@code id} / {@code eventType} (streamed, stops once both are found). A raw
 *       {@code DeviceMessage} body is never parsed.</li>
 *   <li>{@link #headers}: every record header as a string; bytes (the recommended
 *       {@code header.converter=ByteArrayConverter}) become UTF-8 text unchanged. Connect's default
 *       {@code SimpleHeaderConverter} parses header values and so re-formats some of them
 *       ({@code "007"} arrives as the int 7, {@code "1.50"} as 1.5): they are converted back to text
 *       as well as can be, and the first such header is logged once, naming the setting.</li>
 * </ul>
 */
public final class EventRecords {

    /** The event type of raw device telemetry, forwarded byte for byte and never parsed. */
    public static final String DEVICE_MESSAGE = "DeviceMessage";

    private static final JsonFactory JSON = new JsonFactory();
    private static final Logger LOG = LoggerFactory.getLogger(EventRecords.class);
    /** One warning per worker JVM is enough for an operator; per record would flood the log. */
    private static final AtomicBoolean PARSED_HEADER_WARNED = new AtomicBoolean();

    private EventRecords() {
    }

    /** The id and type of an event; either may be absent (raw telemetry, foreign records). */
    public record EventFields(Optional<String> id, Optional<String> type) {
    }

    /** The record value as bytes, unchanged. */
    public static byte[] body(SinkRecord record) {
        Object v = record.value();
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof ByteBuffer buf) {
            ByteBuffer dup = buf.duplicate();
            byte[] out = new byte[dup.remaining()];
            dup.get(out);
            return out;
        }
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (v == null) {
            throw new RecordRejectedException("The record has no value (a tombstone): there is no event to deliver.");
        }
        throw new RecordRejectedException("The record value is a " + v.getClass().getSimpleName()
            + "; the connector forwards bytes or strings unchanged: use value.converter="
            + "org.apache.kafka.connect.converters.ByteArrayConverter (or StringConverter).");
    }

    /** Size used for batching decisions before the target's own accounting; cheap. */
    public static long approximateSize(SinkRecord record) {
        Object v = record.value();
        if (v instanceof byte[] b) {
            return b.length;
        }
        if (v instanceof ByteBuffer buf) {
            return buf.remaining();
        }
        if (v instanceof String s) {
            return s.length();
        }
        return 0;
    }

    /** The last header named {@code name}, as a string. */
    public static Optional<String> header(SinkRecord record, String name) {
        Header last = record.headers().lastWithName(name);
        return last == null ? Optional.empty() : Optional.ofNullable(headerString(last));
    }

    /** Every header, last value wins, as strings, in record order. */
    public static Map<String, String> headers(SinkRecord record) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            String v = headerString(h);
            if (v != null) {
                out.put(h.key(), v);
            }
        }
        return out;
    }

    private static String headerString(Header h) {
        Object v = h.value();
        if (v == null) {
            return null;
        }
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (!(v instanceof String) && PARSED_HEADER_WARNED.compareAndSet(false, true)) {
            LOG.warn("Header '{}' arrived as {}, parsed by the worker's header converter (Connect's default "
                + "SimpleHeaderConverter re-formats values, e.g. 007 becomes 7): forwarding it as text as well as it can be. "
                + "Set header.converter=org.apache.kafka.connect.converters.ByteArrayConverter on the connector or the worker "
                + "to forward header values byte for byte.", h.key(), h.schema() == null ? v.getClass().getSimpleName() : h.schema().type());
        }
        return Values.convertToString(h.schema(), v);
    }

    /** Event id and type: headers first, then the body (never for a DeviceMessage). */
    public static EventFields fields(SinkRecord record) {
        Optional<String> id = header(record, EgressHeaders.EVENT_ID).filter(s -> !s.isEmpty());
        Optional<String> type = header(record, EgressHeaders.EVENT_TYPE).filter(s -> !s.isEmpty());
        if ((id.isPresent() && type.isPresent()) || type.filter(DEVICE_MESSAGE::equals).isPresent()) {
            return new EventFields(id, type);
        }
        Object v = record.value();
        if (!(v instanceof byte[] || v instanceof String || v instanceof ByteBuffer)) {
            return new EventFields(id, type);
        }
        String[] found = topLevelStrings(body(record));
        return new EventFields(id.isPresent() ? id : Optional.ofNullable(found[0]),
            type.isPresent() ? type : Optional.ofNullable(found[1]));
    }

    /** The top-level {@code id} and {@code eventType} strings of a JSON object; nulls when absent or not JSON. */
    static String[] topLevelStrings(byte[] json) {
        String[] out = new String[2];
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_STRING && "id".equals(field)) {
                    out[0] = p.getText();
                } else if (t == JsonToken.VALUE_STRING && "eventType".equals(field)) {
                    out[1] = p.getText();
                } else {
                    p.skipChildren();
                }
                if (out[0] != null && out[1] != null) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            return out; // not JSON: no fields
        }
        return out;
    }

    /**
     * The record key as a string (Event Hubs partition key, per-object order): {@code byte[]} as
     * UTF-8, other values through Connect's {@link Values}; empty for a null key.
     */
    public static Optional<String> key(SinkRecord record) {
        Object k = record.key();
        if (k == null) {
            return Optional.empty();
        }
        if (k instanceof byte[] b) {
            return Optional.of(new String(b, StandardCharsets.UTF_8));
        }
        if (k instanceof ByteBuffer buf) {
            ByteBuffer dup = buf.duplicate();
            byte[] out = new byte[dup.remaining()];
            dup.get(out);
            return Optional.of(new String(out, StandardCharsets.UTF_8));
        }
        return Optional.ofNullable(Values.convertToString(record.keySchema(), k));
    }

    /** The longest MessageId Service Bus takes, and the longest partition key of Service Bus and Event Hubs. */
    public static final int MAX_ID_LENGTH = 128;

    /**
     * {@code id} when it has at most {@value #MAX_ID_LENGTH} characters, else {@code sha256-<hex>} of
     * its UTF-8 bytes (71 characters): for the targets' MessageId and partition key. Stable, so the
     * same id or key always maps to the same value (duplicate detection, one partition per object).
     */
    public static String capped(String id) {
        if (id.length() <= MAX_ID_LENGTH) {
            return id;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The record key as a partition key: {@link #key} capped as {@link #capped} says; none for a
     * null or empty key.
     */
    public static Optional<String> partitionKey(SinkRecord record) {
        return key(record).filter(k -> !k.isEmpty()).map(EventRecords::capped);
    }

    /** Whether the router marked this record as raw device telemetry (forward its bytes, never parse them). */
    public static boolean isDeviceMessage(SinkRecord record) {
        return header(record, EgressHeaders.EVENT_TYPE).filter(DEVICE_MESSAGE::equals).isPresent();
    }

    /** {@code topic-partition-offset} of the record's original coordinates: a stable id for records without one. */
    public static String coordinatesId(SinkRecord record) {
        return record.originalTopic() + "-" + record.originalKafkaPartition() + "-" + record.originalKafkaOffset();
    }
}
