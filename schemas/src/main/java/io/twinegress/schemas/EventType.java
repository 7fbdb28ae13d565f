package io.twinegress.schemas;

import java.util.Optional;

/**
 * The five event types. The constant names are the wire names, exactly as
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
        return Optional.ofNullable(fromWire(name.toCharArray(), 0, name.length()));
    }

    private static final EventType[] VALUES = values();

    /**
     * The type whose wire name is exactly {@code chars[offset, offset + length)}, or null: the
     * router matches a parser's text buffer without making a String of it.
     */
    static EventType fromWire(char[] chars, int offset, int length) {
        for (EventType type : VALUES) {
            if (type.name().length() == length && matches(type.name(), chars, offset)) {
                return type;
            }
        }
        return null;
    }

    private static boolean matches(String name, char[] chars, int offset) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /** Valid values, for error messages. */
    public static String names() {
        return java.util.Arrays.toString(values());
    }
}
