package io.twinegress.emulators.eventgrid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a publish request body in the CloudEvents 1.0 JSON format, as Event Grid does for a topic with the
 * CloudEvents schema and for a namespace topic: the content type says a batch
 * ({@code application/cloudevents-batch+json}: a JSON array) or one event
 * ({@code application/cloudevents+json}: a JSON object); each event has {@code specversion} "1.0" and
 * non-empty string {@code id}, {@code source} and {@code type}; {@code time}, when present, is RFC 3339;
 * {@code data} and {@code data_base64} are not both present, and {@code data_base64} is base64; extension
 * attribute names are lower-case letters and digits. Sizes and counts as for {@link EventGridValidator}.
 * Pure: no I/O, no state.
 */
public final class CloudEventValidator {

    public static final String BATCH = "application/cloudevents-batch+json";
    public static final String SINGLE = "application/cloudevents+json";

    private static final Set<String> CONTEXT = Set.of("specversion", "id", "source", "type", "time", "subject",
            "datacontenttype", "dataschema", "data", "data_base64");

    private final ObjectMapper mapper;
    private final long maxEventBytes;
    private final int maxEvents;

    public CloudEventValidator(ObjectMapper mapper, long maxEventBytes, int maxEvents) {
        this.mapper = mapper;
        this.maxEventBytes = maxEventBytes;
        this.maxEvents = maxEvents;
    }

    /** Validates {@code body} sent with {@code contentType} (parameters such as {@code charset} are ignored). */
    public EventGridValidator.Result validate(byte[] body, String contentType) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        boolean batch = type.equals(BATCH);
        if (!batch && !type.equals(SINGLE)) {
            return new EventGridValidator.Result(415, "UnsupportedMediaType", "This resource accepts CloudEvents "
                    + "only: Content-Type must be " + BATCH + " (a JSON array) or " + SINGLE + " (one event), not '"
                    + contentType + "'.", List.of(), List.of());
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            return PublishedEvents.bad("The request body is not valid JSON: " + PublishedEvents.firstLine(e.getMessage()));
        }
        List<JsonNode> items = new ArrayList<>();
        if (batch) {
            if (root == null || !root.isArray()) {
                return PublishedEvents.bad("A " + BATCH + " body must be a JSON array of CloudEvents.");
            }
            root.forEach(items::add);
        } else {
            if (root == null || !root.isObject()) {
                return PublishedEvents.bad("A " + SINGLE + " body must be one CloudEvent as a JSON object.");
            }
            items.add(root);
        }
        return PublishedEvents.check(mapper, items, maxEvents, maxEventBytes, CloudEventValidator::check);
    }

    private static String check(JsonNode e) {
        if (!e.isObject()) {
            return "an event must be a JSON object.";
        }
        JsonNode version = e.get("specversion");
        if (version == null || version.isNull()) {
            return "required attribute 'specversion' was not found.";
        }
        if (!"1.0".equals(version.asText())) {
            return "attribute 'specversion' must be \"1.0\", got '" + version.asText() + "'.";
        }
        for (String field : List.of("id", "source", "type")) {
            JsonNode v = e.get(field);
            if (v == null || v.isNull()) {
                return "required attribute '" + field + "' was not found.";
            }
            if (!v.isTextual() || v.asText().isEmpty()) {
                return "attribute '" + field + "' must be a non-empty string.";
            }
        }
        for (String field : List.of("subject", "datacontenttype", "dataschema", "time")) {
            JsonNode v = e.get(field);
            if (v != null && !v.isNull() && !v.isTextual()) {
                return "attribute '" + field + "' must be a string.";
            }
        }
        JsonNode time = e.get("time");
        if (time != null && !time.isNull()) {
            try {
                OffsetDateTime.parse(time.asText());
            } catch (DateTimeParseException ex) {
                return "attribute 'time' is not an RFC 3339 timestamp: '" + time.asText() + "'.";
            }
        }
        if (e.has("data") && e.has("data_base64")) {
            return "an event carries 'data' or 'data_base64', not both.";
        }
        JsonNode b64 = e.get("data_base64");
        if (b64 != null && !b64.isNull()) {
            try {
                Base64.getDecoder().decode(b64.asText());
            } catch (IllegalArgumentException ex) {
                return "attribute 'data_base64' is not base64.";
            }
        }
        for (Iterator<String> names = e.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!CONTEXT.contains(name) && !name.matches("[a-z0-9]{1,20}")) {
                return "extension attribute name '" + name + "' must be 1 to 20 lower-case letters or digits.";
            }
        }
        return null;
    }

}
