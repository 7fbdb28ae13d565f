package io.twinegress.schemas;

import java.util.Optional;

/** The three endpoint types; constant names are the wire names. */
public enum EndpointType {
    /** An Azure Service Bus topic; {@code path} is the topic name. */
    ServiceBus,
    /** An Azure Event Grid topic; {@code path} is its host name (or a full URL, locally). */
    EventGrid,
    /** An Azure Event Hub; {@code path} is the hub name. */
    EventHub;

    /** The type with this exact (case-sensitive) wire name, or empty. */
    public static Optional<EndpointType> fromWire(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (EndpointType type : values()) {
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
