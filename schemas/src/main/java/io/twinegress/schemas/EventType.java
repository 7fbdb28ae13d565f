package io.twinegress.schemas;

import java.util.Optional;

/**
 * The five event types of DESIGN §2. The constant names are the wire names, exactly as
 * they appear in an event's {@code eventType} and an endpoint's {@code eventTypes}.
 */
public enum EventType {
    /** A graph change; {@code subject} names the object type (Device, Sensor, Space...). */
    TopologyOperation,
    /** Sent explicitly by a user-defined function. */
    UdfCustom,
    /** A sensor's state changed, from telemetry. */
    SensorChange,
    /** A space's state changed, from telemetry. */
    SpaceChange,
    /** Raw device telemetry, forwarded byte for byte; only an EventHub endpoint takes it. */
    DeviceMessage;

    /** The type with this exact (case-sensitive) wire name, or empty. */
    public static Optional<EventType> fromWire(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (EventType type : values()) {
            if (type.name().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** Valid values, for error messages. */
    public static String names() {
        return java.util.Arrays.toString(values());
    }
}
