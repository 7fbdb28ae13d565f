package io.twinegress.emulators.eventgrid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a publish request body the way Event Grid does for its own event schema: a JSON array,
 * every element an object with {@code id}, {@code subject}, {@code eventType}, {@code eventTime}
 * (ISO-8601), {@code data} and {@code dataVersion}; {@code topic} absent or equal to the topic's
 * resource id; each event and the whole request within the size limits. Pure: no I/O, no state.
 */
public final class EventGridValidator {

    /** One outcome: accepted events, or an HTTP status with the error code and message Event Grid would give. */
    public record Result(int status, String code, String message, List<JsonNode> events, List<String> eventJson) {
        public boolean accepted() {
            return status == 200;
        }
    }

    private static final String[] REQUIRED_TEXT = {"id", "subject", "eventType", "eventTime", "dataVersion"};

    private final ObjectMapper mapper;
    private final long maxRequestBytes;
    private final long maxEventBytes;
    private final int maxEvents;

    public EventGridValidator(ObjectMapper mapper, long maxRequestBytes, long maxEventBytes, int maxEvents) {
        this.mapper = mapper;
        this.maxRequestBytes = maxRequestBytes;
        this.maxEventBytes = maxEventBytes;
        this.maxEvents = maxEvents;
    }

    /** Validates {@code body} for the topic whose resource id is {@code topicResourceId}. */
    public Result validate(byte[] body, String topicResourceId) {
        if (body.length > maxRequestBytes) {
            return PublishedEvents.tooLarge("The request size " + body.length + " bytes exceeds the limit of " + maxRequestBytes
                    + " bytes.");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            return PublishedEvents.bad("The request body is not valid JSON: " + PublishedEvents.firstLine(e.getMessage()));
        }
        if (root == null || !root.isArray()) {
            return PublishedEvents.bad("This resource is configured to receive events in the EventGridEvent schema: the body must be"
                    + " a JSON array of events.");
        }
        List<JsonNode> events = new ArrayList<>(root.size());
        root.forEach(events::add);
        return PublishedEvents.check(mapper, events, maxEvents, maxEventBytes, e -> checkEvent(e, topicResourceId));
    }

    private static String checkEvent(JsonNode e, String topicResourceId) {
        if (!e.isObject()) {
            return "an event must be a JSON object.";
        }
        for (String field : REQUIRED_TEXT) {
            JsonNode v = e.get(field);
            if (v == null || v.isNull()) {
                return "required property '" + field + "' was not found.";
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                return "property '" + field + "' must be a non-empty string.";
            }
        }
        if (!e.has("data")) {
            return "required property 'data' was not found.";
        }
        try {
            OffsetDateTime.parse(e.get("eventTime").asText());
        } catch (DateTimeParseException ex) {
            return "property 'eventTime' is not an ISO-8601 date-time: '" + e.get("eventTime").asText() + "'.";
        }
        JsonNode topic = e.get("topic");
        if (topic != null && !topic.isNull()) {
            if (!topic.isTextual() || !topic.asText().equalsIgnoreCase(topicResourceId)) {
                return "property 'topic' is '" + topic.asText() + "' but must be absent or '" + topicResourceId
                        + "'.";
            }
        }
        JsonNode metadataVersion = e.get("metadataVersion");
        if (metadataVersion != null && !metadataVersion.isNull() && !"1".equals(metadataVersion.asText())) {
            return "property 'metadataVersion' must be absent or \"1\", got '" + metadataVersion.asText() + "'.";
        }
        return null;
    }

}
