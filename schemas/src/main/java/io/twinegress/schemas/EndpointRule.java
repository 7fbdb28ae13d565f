package io.twinegress.schemas;

/**
 * Every rule an endpoint record must satisfy, each with its own message. The
 * messages are part of the contract: they reach operators through
 * {@code twin.endpoints.status}, and tests assert them word for word.
 */
public enum EndpointRule {
    /** The value is not a JSON object. */
    MALFORMED_JSON("endpoint record is not a JSON object"),
    /** The key is not a valid endpoint id. */
    ID_FORMAT("endpoint id must be 1 to 200 characters of A-Z a-z 0-9 . _ -"),
    /** A required field is missing or null. */
    FIELD_REQUIRED("field is required"),
    /** A field has the wrong JSON type. */
    FIELD_TYPE("field has the wrong type"),
    /** {@code type} is not one of the three endpoint types. */
    TYPE_UNKNOWN("type must be one of " + EndpointType.names()),
    /** {@code eventTypes} is empty. */
    EVENT_TYPES_EMPTY("eventTypes must name at least one event type"),
    /** {@code eventTypes} holds an unknown name. */
    EVENT_TYPE_UNKNOWN("eventTypes may only hold " + EventType.names()),
    /** {@code eventTypes} names the same type twice. */
    EVENT_TYPE_DUPLICATE("eventTypes names the same event type twice"),
    /** DeviceMessage on a ServiceBus or EventGrid endpoint. */
    DEVICE_MESSAGE_ONLY_EVENT_HUB("DeviceMessage is allowed only on an EventHub endpoint"),
    /** DeviceMessage mixed with other event types. */
    DEVICE_MESSAGE_ALONE("an endpoint with DeviceMessage carries no other event type"),
    /** A DeviceMessage endpoint without its Event Hub name. */
    DEVICE_MESSAGE_ENTITY_REQUIRED("an EventHub endpoint for DeviceMessage must name its Event Hub in path"),
    /** A second DeviceMessage endpoint while the first exists. */
    DEVICE_MESSAGE_UNIQUE("at most one endpoint may subscribe to DeviceMessage"),
    /** {@code path} missing, blank, too long or containing whitespace. */
    PATH_INVALID("path must name the Service Bus topic, Event Grid topic host or Event Hub: 1 to 260 characters, no whitespace"),
    /**
     * {@code filter} is not a string, empty, unparsable, too long or too deep, names an unknown
     * attribute or function, or uses more than {@code key} on a DeviceMessage endpoint. The reason
     * is the filter's own message: what was expected, and at which position.
     */
    FILTER_INVALID("filter must be a valid filter expression"),
    /** {@code replayFrom} is not an RFC 3339 date-time with a zone. */
    REPLAY_FROM_INVALID("replayFrom must be an RFC 3339 date-time with a time zone, e.g. 2026-11-20T08:00:00Z");

    private final String message;

    EndpointRule(String message) {
        this.message = message;
    }

    /** The operator-facing message of this rule. */
    public String message() {
        return message;
    }
}
