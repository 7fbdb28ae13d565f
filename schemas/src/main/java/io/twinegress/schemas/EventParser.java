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
import io.twinegress.schemas.filter.Attribute;
import io.twinegress.schemas.filter.EventValues;
import io.twinegress.schemas.filter.FilterPlan;
import java.io.IOException;

/**
 * Reads and validates events in one streaming pass, without building a tree
 * unless asked to: the router calls {@link #envelope(byte[])} for every event, so it skips
 * {@code data} instead of materialising it, and checks the other fields' types and shape on the
 * parser's buffer without making Strings of what routing does not use.
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
 * <p>With a {@link FilterPlan} the same pass also keeps what the plan's filters read, and no
 * more: the text of the envelope attributes they use, and the {@code $body} paths they use (read
 * while {@code data} streams by; every other name in it is skipped as before). Which paths count
 * depends on the event's type when the event names it before {@code data}; otherwise every
 * filter's paths do. Whether an event is valid never depends on the plan.
 *
 * <p>Thread-safe; build one and share it.
 */
public final class EventParser {

    /** Deepest nesting accepted in an event; deeper input is rejected before it costs stack. */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final int MAX_VALUE_IN_MESSAGE = 64;

    /**
     * Stands for "present, a string" where the text is not kept: the envelope pass validates every
     * field but makes Strings only of {@code id} (and of a value quoted in an error message).
     * Only compared with null; never leaves this class.
     */
    private static final String NOT_KEPT = "";

    private final JsonFactory factory;
    private final ObjectMapper mapper;

    public EventParser() {
        // No STRICT_DUPLICATE_DETECTION: it builds a hash set for every object, data included, and
        // cost the router about 8% of its CPU. The envelope's own fields are checked by hand below.
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    /** Parses and validates a whole event, {@code data} included. */
    public Event parse(byte[] value) {
        Fields f = read(value, true, FilterPlan.NONE);
        return new Event(f.id, f.subject, f.data, f.eventType, f.eventTime, f.dataVersion, f.metadataVersion, f.topic);
    }

    /**
     * Validates a whole event exactly as {@link #parse} does (same checks, same messages) but keeps
     * only what routing needs: the cheap form, called by the router for every event.
     */
    public Envelope envelope(byte[] value) {
        return envelope(value, FilterPlan.NONE);
    }

    /**
     * The same, also collecting what the plan's filters read (in the same pass).
     *
     * @return the envelope; its {@link Envelope#values()} are null for an empty plan
     */
    public Envelope envelope(byte[] value, FilterPlan plan) {
        Fields f = read(value, false, plan);
        if (f.values != null) {
            f.values.envelope(Attribute.TYPE, f.eventType.name());
            f.values.envelope(Attribute.ID, f.id);
        }
        return new Envelope(f.id, f.eventType, f.values);
    }

    private Fields read(byte[] value, boolean full, FilterPlan plan) {
        if (value == null) {
            throw new InvalidEventException("$", "the record has no value");
        }
        try (JsonParser parser = factory.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException("$", "an event must be a JSON object");
            }
            Fields fields = new Fields();
            fields.values = plan.isEmpty() ? null : plan.newValues();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                fields.markSeen(name);
                switch (name) {
                    case "id" -> fields.id = text(parser, token, name);
                    case "eventType" -> readEventType(parser, token, fields);
                    case "eventTime" -> {
                        readEventTime(parser, token, fields, full || plan.wants(Attribute.TIME));
                        fields.keep(Attribute.TIME, plan, fields.eventTime);
                    }
                    case "subject" -> fields.subject = fields.keep(Attribute.SUBJECT, plan, field(parser, token, name, full, plan, Attribute.SUBJECT));
                    case "dataVersion" -> fields.dataVersion = fields.keep(Attribute.DATASCHEMA, plan,
                            field(parser, token, name, full, plan, Attribute.DATASCHEMA));
                    case "metadataVersion" -> fields.metadataVersion = fields.keep(Attribute.METADATA_VERSION, plan,
                            field(parser, token, name, full, plan, Attribute.METADATA_VERSION));
                    case "topic" -> fields.topic = fields.keep(Attribute.SOURCE, plan, field(parser, token, name, full, plan, Attribute.SOURCE));
                    case "data" -> {
                        if (token != JsonToken.START_OBJECT) {
                            throw new InvalidEventException("data", "expected a JSON object, got " + describe(token));
                        }
                        fields.hasData = true;
                        if (full) {
                            fields.data = mapper.readTree(parser);
                        } else if (fields.values != null && plan.readsBody(fields.eventType)) {
                            plan.readBody(parser, fields.eventType, fields.values);
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
            fields.validate();
            return fields;
        } catch (StreamConstraintsException e) {
            throw new InvalidEventException("$", "nested deeper than " + MAX_NESTING_DEPTH + " levels or over a size limit");
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("$", "not valid JSON: " + e.getOriginalMessage() + at(e.getLocation()));
        } catch (IOException e) {
            throw new InvalidEventException("$", "not valid JSON: " + e.getMessage());
        }
    }

    /** Matches the type on the parser's text buffer; a String is made only of an unknown type, for its message. */
    private static void readEventType(JsonParser parser, JsonToken token, Fields fields) throws IOException {
        if (isString(parser, token, "eventType")) {
            fields.eventType = EventType.fromWire(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            if (fields.eventType == null) {
                fields.unknownEventType = parser.getText();
            }
        }
    }

    /** Checks the date-time on the parser's text buffer; keeps the text in a full parse, or to quote it when invalid. */
    private static void readEventTime(JsonParser parser, JsonToken token, Fields fields, boolean full) throws IOException {
        if (isString(parser, token, "eventTime")) {
            fields.eventTimeValid = Rfc3339.isDateTime(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            fields.eventTime = full || !fields.eventTimeValid ? parser.getText() : NOT_KEPT;
        }
    }

    /** A string field's text when it is kept (a full parse, or a filter reads it), else only checked. */
    private static String field(JsonParser parser, JsonToken token, String name, boolean full, FilterPlan plan, Attribute attribute)
            throws IOException {
        return full || plan.wants(attribute) ? text(parser, token, name) : checked(parser, token, name);
    }

    /** The string value's text; null for a JSON null. */
    private static String text(JsonParser parser, JsonToken token, String field) throws IOException {
        return isString(parser, token, field) ? parser.getText() : null;
    }

    /** {@link #NOT_KEPT} for a string value, null for a JSON null: the type checked, no text made. */
    private static String checked(JsonParser parser, JsonToken token, String field) {
        return isString(parser, token, field) ? NOT_KEPT : null;
    }

    /** True for a string, false for null; anything else is the wrong type. */
    private static boolean isString(JsonParser parser, JsonToken token, String field) {
        if (token == JsonToken.VALUE_NULL) {
            return false;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw new InvalidEventException(field, "expected a string, got " + describe(token));
        }
        return true;
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

    /** One event's fields as read; in the envelope pass most hold {@link #NOT_KEPT} rather than their text. */
    private static final class Fields {
        String id;
        EventType eventType;
        /** The text of an eventType that is none of the five, for the error message. */
        String unknownEventType;
        String subject;
        String eventTime;
        boolean eventTimeValid;
        String dataVersion;
        String metadataVersion;
        String topic;
        JsonNode data;
        boolean hasData;
        /** What the plan's filters read; null for an empty plan. */
        EventValues values;
        private int seen;

        /** Hands a kept field's value to the filters that read it (a JSON null included); returns it. */
        String keep(Attribute attribute, FilterPlan plan, String text) {
            if (values != null && plan.wants(attribute)) {
                values.envelope(attribute, text);
            }
            return text;
        }

        /** Rejects a second occurrence of an envelope field; other names are not tracked. */
        void markSeen(String name) {
            int bit = switch (name) {
                case "id" -> 1;
                case "subject" -> 1 << 1;
                case "data" -> 1 << 2;
                case "eventType" -> 1 << 3;
                case "eventTime" -> 1 << 4;
                case "dataVersion" -> 1 << 5;
                case "metadataVersion" -> 1 << 6;
                case "topic" -> 1 << 7;
                default -> 0;
            };
            if ((seen & bit) != 0) {
                throw new InvalidEventException("$", "not valid JSON: Duplicate field '" + name + "'");
            }
            seen |= bit;
        }

        /** The checks on required fields, in this order (the first failing one is the reason). */
        void validate() {
            if (eventType == null && unknownEventType == null) {
                throw new InvalidEventException("eventType", "is required");
            }
            if (eventType == null) {
                throw new InvalidEventException("eventType",
                        "unknown event type " + quote(unknownEventType) + "; expected one of " + EventType.names());
            }
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
            if (!eventTimeValid) {
                throw new InvalidEventException("eventTime", "not an ISO-8601 date-time with offset: " + quote(eventTime));
            }
            if (dataVersion == null) {
                throw new InvalidEventException("dataVersion", "is required");
            }
        }
    }
}
