package io.twinegress.connect.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.JsonBytes;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.schemas.EgressHeaders;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * An egress record as a CloudEvents 1.0 event (the SDK's {@link CloudEvent}, whose builder checks
 * the attributes), mapped as Azure maps an Event Grid-schema event to a CloudEvent:
 *
 * <table>
 *   <caption>Event Grid event → CloudEvent</caption>
 *   <tr><td>{@code id}</td><td>{@code id} (else the router's event-id header)</td></tr>
 *   <tr><td>{@code topic}</td><td>{@code source} (else the configured {@code cloudevents.source})</td></tr>
 *   <tr><td>{@code subject}</td><td>{@code subject}</td></tr>
 *   <tr><td>{@code eventType}</td><td>{@code type}</td></tr>
 *   <tr><td>{@code eventTime}</td><td>{@code time}</td></tr>
 *   <tr><td>{@code dataVersion}</td><td>{@code dataschema}</td></tr>
 *   <tr><td>{@code data}</td><td>{@code data}, the producer's JSON bytes, {@code datacontenttype} {@value #JSON}</td></tr>
 * </table>
 *
 * <p>{@code specversion} is 1.0; {@code metadataVersion} has no CloudEvents counterpart and is left
 * out. Raw device telemetry is never parsed: its CloudEvent has the bytes as data
 * ({@value #OCTET_STREAM}), type {@code DeviceMessage}, the record key as subject, the record's
 * timestamp as time, the router's event-id header (else {@code topic-partition-offset}) as id and
 * the configured source. A valid W3C trace context ({@link TraceContext}) becomes the
 * distributed-tracing extension ({@code traceparent}, {@code tracestate}).
 *
 * <p>A record that cannot be mapped (not a JSON object, no {@code id} or {@code eventType}, a time
 * or URI that is not valid) is refused with the reason, never the payload
 * ({@link RecordRejectedException}).
 */
public final class CloudEventMapper {

    public static final String JSON = "application/json";
    public static final String OCTET_STREAM = "application/octet-stream";

    static final String NOT_AN_OBJECT = "The record value is not a JSON object, so it cannot be mapped to a CloudEvent.";
    static final String NO_ID = "The event has no id (a string), which a CloudEvent requires.";
    static final String NO_TYPE = "The event has no eventType (a string), which a CloudEvent requires as its type.";

    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private final URI defaultSource;
    /** The last topic and dataVersion read, as URIs: most events of an endpoint repeat the same ones. */
    private final LastUri sources = new LastUri("topic");
    private final LastUri schemas = new LastUri("dataVersion");

    /** @param defaultSource {@code cloudevents.source}: the source of events without a topic, and of raw telemetry */
    public CloudEventMapper(String defaultSource) {
        this.defaultSource = URI.create(defaultSource);
    }

    /**
     * The CloudEvent of {@code record}.
     *
     * @param raw whether the record is raw device telemetry (never parsed)
     */
    public CloudEvent toCloudEvent(SinkRecord record, boolean raw) {
        CloudEventBuilder builder = raw ? telemetry(record) : event(record);
        TraceContext.of(record).ifPresent(t -> {
            builder.withExtension(TraceContext.TRACEPARENT, t.traceparent());
            if (t.tracestate() != null) {
                builder.withExtension(TraceContext.TRACESTATE, t.tracestate());
            }
        });
        try {
            return builder.build();
        } catch (RuntimeException e) {
            throw new RecordRejectedException("The event cannot be mapped to a CloudEvent: " + e.getMessage());
        }
    }

    private CloudEventBuilder telemetry(SinkRecord record) {
        CloudEventBuilder b = CloudEventBuilder.v1()
            .withId(EventRecords.header(record, EgressHeaders.EVENT_ID).filter(s -> !s.isEmpty())
                .orElseGet(() -> EventRecords.coordinatesId(record)))
            .withSource(defaultSource)
            .withType(EventRecords.DEVICE_MESSAGE)
            .withData(OCTET_STREAM, EventRecords.body(record));
        EventRecords.key(record).filter(k -> !k.isEmpty()).ifPresent(b::withSubject);
        if (record.timestamp() != null && record.timestamp() >= 0) {
            b.withTime(Instant.ofEpochMilli(record.timestamp()).atOffset(ZoneOffset.UTC));
        }
        return b;
    }

    private CloudEventBuilder event(SinkRecord record) {
        byte[] body = EventRecords.body(record);
        Fields f = scan(body);
        String id = f.id != null ? f.id : EventRecords.header(record, EgressHeaders.EVENT_ID).filter(s -> !s.isEmpty()).orElse(null);
        if (id == null || id.isEmpty()) {
            throw new RecordRejectedException(NO_ID);
        }
        if (f.eventType == null || f.eventType.isEmpty()) {
            throw new RecordRejectedException(NO_TYPE);
        }
        CloudEventBuilder b = CloudEventBuilder.v1()
            .withId(id)
            .withSource(f.topic == null || f.topic.isBlank() ? defaultSource : sources.of(f.topic))
            .withType(f.eventType);
        if (f.subject != null) {
            b.withSubject(f.subject);
        }
        if (f.eventTime != null) {
            b.withTime(time(f.eventTime));
        }
        if (f.dataVersion != null && !f.dataVersion.isEmpty()) {
            b.withDataSchema(schemas.of(f.dataVersion));
        }
        if (f.dataStart >= 0) {
            b.withData(JSON, Arrays.copyOfRange(body, f.dataStart, f.dataEnd));
        }
        return b;
    }

    private static URI uri(String field, String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new RecordRejectedException("The event's " + field + " is not a URI-reference, which the CloudEvent "
                + "attribute it maps to must be (" + e.getReason() + ").");
        }
    }

    /**
     * A member's last value as a URI, so that a value the events repeat is parsed once. Shared by the
     * threads that map (a task's and its sender's): each entry is immutable.
     */
    private static final class LastUri {
        private record Entry(String text, URI uri) {
        }

        private final String field;
        private volatile Entry last = new Entry(null, null);

        LastUri(String field) {
            this.field = field;
        }

        URI of(String value) {
            Entry e = last;
            if (value.equals(e.text)) {
                return e.uri;
            }
            URI uri = uri(field, value);
            last = new Entry(value, uri);
            return uri;
        }
    }

    /**
     * RFC 3339; a time without an offset (which Event Grid also takes) is read as UTC. The common shape is
     * read by hand ({@link Rfc3339}); anything else goes to the general ISO parser, which decides.
     */
    static OffsetDateTime time(String value) {
        OffsetDateTime common = Rfc3339.parse(value);
        if (common != null) {
            return common;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(value).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw new RecordRejectedException("The event's eventTime is not an RFC 3339 time, which the CloudEvent "
                    + "time must be.");
            }
        }
    }

    /** The top-level members the mapping reads; {@code data} as the byte range of its value (-1 when absent or null). */
    private static final class Fields {
        String id;
        String topic;
        String subject;
        String eventType;
        String eventTime;
        String dataVersion;
        int dataStart = -1;
        int dataEnd = -1;
    }

    /** The string at the parser, or null for another kind of value. */
    private static String text(JsonParser p, JsonToken value) throws IOException {
        return value == JsonToken.VALUE_STRING ? p.getText() : null;
    }

    /** One streaming pass over the top level; nested values are skipped, never built. */
    private static Fields scan(byte[] body) {
        Fields f = new Fields();
        boolean inData = false;
        try (JsonParser p = JSON_FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RecordRejectedException(NOT_AN_OBJECT);
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                if (inData) {
                    f.dataEnd = JsonBytes.valueEnd(body, Math.toIntExact(p.currentTokenLocation().getByteOffset()));
                    inData = false;
                }
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> f.id = text(p, value);
                    case "topic" -> f.topic = text(p, value);
                    case "subject" -> f.subject = text(p, value);
                    case "eventType" -> f.eventType = text(p, value);
                    case "eventTime" -> f.eventTime = text(p, value);
                    case "dataVersion" -> f.dataVersion = text(p, value);
                    case "data" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            f.dataStart = Math.toIntExact(p.currentTokenLocation().getByteOffset());
                            inData = true;
                        } else {
                            f.dataStart = -1;
                        }
                    }
                    default -> {
                    }
                }
                p.skipChildren();
            }
            if (t != JsonToken.END_OBJECT) {
                throw new RecordRejectedException(NOT_AN_OBJECT);
            }
            if (inData) {
                f.dataEnd = JsonBytes.valueEnd(body, Math.toIntExact(p.currentTokenLocation().getByteOffset()));
            }
            if (p.nextToken() != null) {
                throw new RecordRejectedException(NOT_AN_OBJECT);
            }
        } catch (IOException e) {
            throw new RecordRejectedException(NOT_AN_OBJECT);
        }
        return f;
    }
}
