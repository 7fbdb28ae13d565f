package io.twinegress.localstack.traffic;

import io.twinegress.schemas.EventType;

/**
 * What the traffic generator sends: the seed's sample of each event type (a DeviceMessage event
 * too, on {@code twin.events}), and raw device telemetry on {@code twin.device-messages}.
 */
public enum Kind {
    TOPOLOGY_OPERATION(EventType.TopologyOperation, "samples/events/topology-operation.json"),
    UDF_CUSTOM(EventType.UdfCustom, "samples/events/udf-custom.json"),
    SENSOR_CHANGE(EventType.SensorChange, "samples/events/sensor-change.json"),
    SPACE_CHANGE(EventType.SpaceChange, "samples/events/space-change.json"),
    /** A JSON event with eventType DeviceMessage on twin.events (no seed sample: built here). */
    DEVICE_MESSAGE_EVENT(EventType.DeviceMessage, null),
    /** Raw telemetry bytes on twin.device-messages, never parsed by the router. */
    RAW_DEVICE_MESSAGE(EventType.DeviceMessage, null);

    private final EventType eventType;
    private final String seed;

    Kind(EventType eventType, String seed) {
        this.eventType = eventType;
        this.seed = seed;
    }

    public EventType eventType() {
        return eventType;
    }

    String seed() {
        return seed;
    }

    public String label() {
        return this == RAW_DEVICE_MESSAGE ? "raw device message" : eventType.name() + " event";
    }
}
