package io.twinegress.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Reads and validates events (DESIGN §2) in one streaming pass, without building a tree
 * unless asked to: the router calls {@link #envelope(byte[])} for every event, so it skips
 * {@code data} instead of materialising it.
 *
 * <p>Required: {@code id} (non-empty), {@code subject}, {@code data} (an object),
 * {@code eventType} (one of the five), {@code eventTime} (ISO-8601 with offset),
 * {@code dataVersion} — what Event Grid requires of a published event. Optional:
 * {@code metadataVersion} and {@code topic}, which Event Grid sets itself. Unknown fields
 * are tolerated (and forwarded untouched by the router). A duplicate envelope field, trailing
 * content and nesting deeper than {@link #MAX_NESTING_DEPTH} are rejected; duplicate names
 * inside {@code data} are the publisher's business and are not looked for (that check costs a
 * hash set per object on the router's hot path).
 *
 * <p>Thread-safe; build one and share it.
 */
public final class EventParser {

    /** Deepest nesting accepted in an event; deeper input is rejected before it costs stack. */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final int MAX_VALUE_IN_MESSAGE = 64;

    private static final java.util.List<String> ENVELOPE_FIELDS = java.util.List.of(
            "id", "subject", "data", "eventType", "eventTime", "dataVersion", "metadataVersion", "topic");

    private final ObjectMapper mapper;

    public EventParser() {
        // No STRICT_DUPLICATE_DETECTION: it builds a hash set for every object, data included, and
        // cost the router about 8% of its CPU. The envelope's own fields are checked by hand below.
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    /** Parses and validates a whole event, {@code data} included. */
    public Event parse(byte[] value) {
        return read(value, true);
    }

    /**
     * Validates a whole event but returns it without {@code data} (null): the cheap form
     * for routing, which needs only the envelope.
     */
    public Event envelope(byte[] value) {
        return read(value, false);
    }

    private Event read(byte[] value, boolean keepData) {
        if (value == null) {
            throw new InvalidEventException("$", "the record has no value");
        }
        try (JsonParser parser = mapper.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException("$", "an event must be a JSON object");
            }
            Fields fields = new Fields();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                fields.markSeen(name);
                switch (name) {
                    case "id" -> fields.id = text(parser, token, name);
                    case "subject" -> fields.subject = text(parser, token, name);
                    case "eventType" -> fields.eventType = text(parser, token, name);
                    case "eventTime" -> fields.eventTime = text(parser, token, name);
                    case "dataVersion" -> fields.dataVersion = text(parser, token, name);
                    case "metadataVersion" -> fields.metadataVersion = text(parser, token, name);
                    case "topic" -> fields.topic = text(parser, token, name);
                    case "data" -> {
                        if (token != JsonToken.START_OBJECT) {
                            throw new InvalidEventException("data", "expected a JSON object, got " + describe(token));
                        }
                        fields.hasData = true;
                        if (keepData) {
                            fields.data = mapper.readTree(parser);
                        } else {
                            parser.skipChildren();
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new InvalidEventException("$", "unexpected content after the event's JSON object");
            }
            return fields.toEvent();
        } catch (StreamConstraintsException e) {
            throw new InvalidEventException("$", "nested deeper than " + MAX_NESTING_DEPTH + " levels or over a size limit");
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("$", "not valid JSON: " + e.getOriginalMessage() + at(e.getLocation()));
        } catch (IOException e) {
            throw new InvalidEventException("$", "not valid JSON: " + e.getMessage());
        }
    }

    private static String text(JsonParser parser, JsonToken token, String field) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw new InvalidEventException(field, "expected a string, got " + describe(token));
        }
        return parser.getText();
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** Quotes a value for an error message, cut short so a huge field cannot flood a header. */
    static String quote(String value) {
        String cut = value.length() > MAX_VALUE_IN_MESSAGE ? value.substring(0, MAX_VALUE_IN_MESSAGE) + "..." : value;
        return '"' + cut + '"';
    }

    private static final class Fields {
        String id;
        String subject;
        String eventType;
        String eventTime;
        String dataVersion;
        String metadataVersion;
        String topic;
        JsonNode data;
        boolean hasData;
        private int seen;

        /** Rejects a second occurrence of an envelope field; other names are not tracked. */
        void markSeen(String name) {
            int bit = ENVELOPE_FIELDS.indexOf(name);
            if (bit < 0) {
                return;
            }
            if ((seen & (1 << bit)) != 0) {
                throw new InvalidEventException("$", "not valid JSON: Duplicate field '" + name + "'");
            }
            seen |= 1 << bit;
        }

        Event toEvent() {
            if (eventType == null) {
                throw new InvalidEventException("eventType", "is required");
            }
            EventType type = EventType.fromWire(eventType).orElseThrow(() -> new InvalidEventException(
                    "eventType", "unknown event type " + quote(eventType) + "; expected one of " + EventType.names()));
            if (id == null || id.isEmpty()) {
                throw new InvalidEventException("id", "is required and must not be empty");
            }
            if (subject == null) {
                throw new InvalidEventException("subject", "is required");
            }
            if (!hasData) {
                throw new InvalidEventException("data", "is required");
            }
            if (eventTime == null) {
                throw new InvalidEventException("eventTime", "is required");
            }
            if (!Rfc3339.isDateTime(eventTime)) {
                throw new InvalidEventException("eventTime", "not an ISO-8601 date-time with offset: " + quote(eventTime));
            }
            if (dataVersion == null) {
                throw new InvalidEventException("dataVersion", "is required");
            }
            return new Event(id, subject, data, type, eventTime, dataVersion, metadataVersion, topic);
        }
    }
}
