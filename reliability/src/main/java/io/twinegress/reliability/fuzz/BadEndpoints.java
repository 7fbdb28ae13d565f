package io.twinegress.reliability.fuzz;

import io.twinegress.schemas.EndpointRule;

import java.util.ArrayList;
import java.util.List;

/**
 * Endpoint records the router must reject: one for each of the seed's rules, and malformed JSON.
 * Each is sent under its own id; the status topic must say Rejected with the rule's message.
 */
public final class BadEndpoints {

    /** @param value null = not sent as JSON but as the raw text in {@code raw} */
    public record Bad(String id, String value, String reasonContains) {
    }

    private BadEndpoints() {
    }

    /**
     * @param prefix   id prefix, unique per run
     * @param canary   a secret that must never appear anywhere: put in connectionString fields
     */
    public static List<Bad> all(String prefix, String canary) {
        String cs = "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + canary;
        List<Bad> b = new ArrayList<>();
        b.add(new Bad(prefix + "json-garbage", "{not json", "not valid JSON"));
        b.add(new Bad(prefix + "json-truncated", "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"", "not valid JSON"));
        b.add(new Bad(prefix + "json-array", "[\"ServiceBus\"]", EndpointRule.MALFORMED_JSON.message()));
        b.add(new Bad(prefix + "json-number", "42", EndpointRule.MALFORMED_JSON.message()));
        b.add(new Bad(prefix + "json-unquoted-secret", "{connectionString: " + canary + "}", "not valid JSON"));
        b.add(new Bad("bad id with spaces", "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}",
                EndpointRule.ID_FORMAT.message()));
        b.add(new Bad(prefix + "x".repeat(200), "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}",
                EndpointRule.ID_FORMAT.message()));
        b.add(new Bad(prefix + "no-type", "{\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}",
                EndpointRule.FIELD_REQUIRED.message()));
        b.add(new Bad(prefix + "no-event-types", "{\"type\":\"ServiceBus\",\"path\":\"t\"}",
                EndpointRule.FIELD_REQUIRED.message()));
        b.add(new Bad(prefix + "type-wrong-type", "{\"type\":7,\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}",
                EndpointRule.FIELD_TYPE.message()));
        b.add(new Bad(prefix + "unknown-type", "{\"type\":\"Kinesis\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}",
                "type must be one of"));
        b.add(new Bad(prefix + "empty-event-types", "{\"type\":\"ServiceBus\",\"eventTypes\":[],\"path\":\"t\"}",
                EndpointRule.EVENT_TYPES_EMPTY.message()));
        b.add(new Bad(prefix + "unknown-event-type", "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChanged\"],\"path\":\"t\"}",
                "eventTypes may only hold"));
        b.add(new Bad(prefix + "duplicate-event-type",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\",\"SensorChange\"],\"path\":\"t\"}",
                EndpointRule.EVENT_TYPE_DUPLICATE.message()));
        b.add(new Bad(prefix + "dm-on-servicebus", "{\"type\":\"ServiceBus\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"t\","
                + "\"connectionString\":\"" + cs + "\"}", EndpointRule.DEVICE_MESSAGE_ONLY_EVENT_HUB.message()));
        b.add(new Bad(prefix + "dm-on-eventgrid", "{\"type\":\"EventGrid\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"t\"}",
                EndpointRule.DEVICE_MESSAGE_ONLY_EVENT_HUB.message()));
        b.add(new Bad(prefix + "dm-not-alone", "{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\",\"SensorChange\"],\"path\":\"h\"}",
                EndpointRule.DEVICE_MESSAGE_ALONE.message()));
        b.add(new Bad(prefix + "dm-no-path", "{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"]}",
                EndpointRule.DEVICE_MESSAGE_ENTITY_REQUIRED.message()));
        b.add(new Bad(prefix + "dm-second", "{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"h2\","
                + "\"secondaryConnectionString\":\"" + cs + "\"}", EndpointRule.DEVICE_MESSAGE_UNIQUE.message()));
        b.add(new Bad(prefix + "path-blank", "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"a b\"}",
                "path must name"));
        b.add(new Bad(prefix + "path-too-long", "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\""
                + "p".repeat(261) + "\"}", "path must name"));
        return b;
    }
}
