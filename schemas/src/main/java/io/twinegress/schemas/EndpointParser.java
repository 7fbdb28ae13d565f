package io.twinegress.schemas;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.twinegress.schemas.filter.Filter;
import io.twinegress.schemas.filter.FilterException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one {@code twin.endpoints} record (key = id, value = JSON) and checks every
 * record-level rule of the endpoint contract (docs/router.md). The table-level rule (at most one DeviceMessage
 * endpoint) needs the other endpoints: see {@link EndpointTableRules}.
 *
 * <p>The seed's management-API bodies carry {@code connectionString} and
 * {@code secondaryConnectionString}; they are tolerated, never kept, never quoted, and
 * reported as warnings. Other unknown fields are ignored with a warning naming them.
 *
 * <p>Thread-safe; build one and share it.
 */
public final class EndpointParser {

    /** Endpoint ids: {@code [A-Za-z0-9._-]{1,200}}, so {@code twin.egress.<id>} is a legal topic name. */
    public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    /** Longest {@code path} accepted (Service Bus topic names go to 260). */
    public static final int MAX_PATH_LENGTH = 260;

    /** The secret-bearing fields of the seed's bodies. */
    public static final Set<String> SECRET_FIELDS = Set.of("connectionString", "secondaryConnectionString");

    /** Warning for a secret found in a record; names the field, never its value. */
    public static final String SECRET_WARNING =
            "%s found in the endpoint record and ignored: connection strings belong in the sink connector's "
                    + "config (connection.string / secondary.connection.string), never in a Kafka topic";
    /** Warning for an unknown field. */
    public static final String UNKNOWN_FIELD_WARNING = "unknown field %s ignored";

    private static final Set<String> KNOWN_FIELDS = Set.of("type", "eventTypes", "path", "filter", "replayFrom");

    private final ObjectMapper mapper = new ObjectMapper();

    /** Checks an endpoint id on its own. */
    public static void checkId(String id) {
        if (id == null || !ID_PATTERN.matcher(id).matches()) {
            throw new InvalidEndpointException(EndpointRule.ID_FORMAT, "id",
                    id == null ? "the record has no key" : "got " + EventParser.quote(id));
        }
    }

    /**
     * Parses and validates a record.
     *
     * @throws InvalidEndpointException naming the first rule the record breaks
     */
    public ParsedEndpoint parse(String id, byte[] value) {
        checkId(id);
        JsonNode root;
        try {
            root = value == null ? null : mapper.readTree(value);
        } catch (JsonProcessingException e) {
            // Only where, never Jackson's message: it quotes the token it choked on, and in an
            // endpoint record that token can be an unquoted connection string or key.
            JsonLocation where = e.getLocation();
            throw new InvalidEndpointException(EndpointRule.MALFORMED_JSON, "$", where == null ? "not valid JSON"
                    : "not valid JSON at line " + where.getLineNr() + ", column " + where.getColumnNr());
        } catch (IOException e) {
            throw new InvalidEndpointException(EndpointRule.MALFORMED_JSON, "$", "not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEndpointException(EndpointRule.MALFORMED_JSON, "$",
                    root == null ? "empty value" : "got " + typeName(root.getNodeType()));
        }
        List<String> warnings = warnings(root);

        EndpointType type = parseType(root.get("type"));
        Set<EventType> eventTypes = parseEventTypes(root.get("eventTypes"));
        if (eventTypes.contains(EventType.DeviceMessage)) {
            if (type != EndpointType.EventHub) {
                throw new InvalidEndpointException(EndpointRule.DEVICE_MESSAGE_ONLY_EVENT_HUB, "eventTypes", "type is " + type);
            }
            if (eventTypes.size() > 1) {
                throw new InvalidEndpointException(EndpointRule.DEVICE_MESSAGE_ALONE, "eventTypes", "got " + eventTypes);
            }
        }
        String path = parsePath(root.get("path"), eventTypes.contains(EventType.DeviceMessage));
        Filter filter = parseFilter(root.get("filter"), eventTypes.contains(EventType.DeviceMessage));
        Instant replayFrom = parseReplayFrom(root.get("replayFrom"));
        return new ParsedEndpoint(new Endpoint(id, type, eventTypes, path, filter, replayFrom), warnings);
    }

    /** The optional backfill start; absent or JSON null means none. Any RFC 3339 time, past or future. */
    private static Instant parseReplayFrom(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidEndpointException(EndpointRule.FIELD_TYPE, "replayFrom",
                    "expected a string, got " + typeName(node.getNodeType()));
        }
        return Instants.parse(node.asText()).orElseThrow(() -> new InvalidEndpointException(EndpointRule.REPLAY_FROM_INVALID,
                "replayFrom", "got " + EventParser.quote(node.asText())));
    }

    /**
     * The optional content filter; absent or JSON null means none. A DeviceMessage endpoint's filter
     * may read the record key only: raw telemetry is never parsed.
     */
    private static Filter parseFilter(JsonNode node, boolean deviceMessages) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw InvalidEndpointException.filter("expected a string, got " + typeName(node.getNodeType()));
        }
        try {
            return deviceMessages ? Filter.parseKeyOnly(node.asText()) : Filter.parse(node.asText());
        } catch (FilterException e) {
            throw InvalidEndpointException.filter(e.reason());
        }
    }

    private static List<String> warnings(JsonNode root) {
        List<String> warnings = new ArrayList<>();
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (SECRET_FIELDS.contains(name)) {
                warnings.add(String.format(SECRET_WARNING, name));
            } else if (!KNOWN_FIELDS.contains(name)) {
                warnings.add(String.format(UNKNOWN_FIELD_WARNING, EventParser.quote(name)));
            }
        }
        return warnings;
    }

    private static EndpointType parseType(JsonNode node) {
        String text = requiredText(node, "type");
        return EndpointType.fromWire(text).orElseThrow(() ->
                new InvalidEndpointException(EndpointRule.TYPE_UNKNOWN, "type", "got " + EventParser.quote(text)));
    }

    private static Set<EventType> parseEventTypes(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new InvalidEndpointException(EndpointRule.FIELD_REQUIRED, "eventTypes", null);
        }
        if (!node.isArray()) {
            throw new InvalidEndpointException(EndpointRule.FIELD_TYPE, "eventTypes",
                    "expected an array of strings, got " + typeName(node.getNodeType()));
        }
        if (node.isEmpty()) {
            throw new InvalidEndpointException(EndpointRule.EVENT_TYPES_EMPTY, "eventTypes", null);
        }
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (int i = 0; i < node.size(); i++) {
            String field = "eventTypes[" + i + "]";
            JsonNode element = node.get(i);
            if (!element.isTextual()) {
                throw new InvalidEndpointException(EndpointRule.FIELD_TYPE, field,
                        "expected a string, got " + typeName(element.getNodeType()));
            }
            EventType type = EventType.fromWire(element.asText()).orElseThrow(() -> new InvalidEndpointException(
                    EndpointRule.EVENT_TYPE_UNKNOWN, field, "got " + EventParser.quote(element.asText())));
            if (!types.add(type)) {
                throw new InvalidEndpointException(EndpointRule.EVENT_TYPE_DUPLICATE, field, "got " + type + " again");
            }
        }
        return types;
    }

    private static String parsePath(JsonNode node, boolean deviceMessages) {
        boolean missing = node == null || node.isNull() || (node.isTextual() && node.asText().isBlank());
        if (missing && deviceMessages) {
            throw new InvalidEndpointException(EndpointRule.DEVICE_MESSAGE_ENTITY_REQUIRED, "path", null);
        }
        if (missing) {
            throw new InvalidEndpointException(EndpointRule.PATH_INVALID, "path", "missing");
        }
        if (!node.isTextual()) {
            throw new InvalidEndpointException(EndpointRule.FIELD_TYPE, "path",
                    "expected a string, got " + typeName(node.getNodeType()));
        }
        String path = node.asText();
        if (path.length() > MAX_PATH_LENGTH) {
            throw new InvalidEndpointException(EndpointRule.PATH_INVALID, "path", path.length() + " characters");
        }
        if (path.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidEndpointException(EndpointRule.PATH_INVALID, "path", "contains whitespace");
        }
        return path;
    }

    private static String requiredText(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw new InvalidEndpointException(EndpointRule.FIELD_REQUIRED, field, null);
        }
        if (!node.isTextual()) {
            throw new InvalidEndpointException(EndpointRule.FIELD_TYPE, field,
                    "expected a string, got " + typeName(node.getNodeType()));
        }
        return node.asText();
    }

    static String typeName(JsonNodeType type) {
        return switch (type) {
            case OBJECT, POJO -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "null";
            case BINARY -> "binary";
        };
    }
}
