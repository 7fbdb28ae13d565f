package io.twinegress.connect.eventgrid;

import java.util.Locale;

/**
 * Values of {@code eventgrid.kind}: an Event Grid (basic) topic, or a topic of an Event Grid
 * namespace (the newer Event Grid, also its MQTT broker's), which takes CloudEvents only.
 */
public enum EventGridKind {
    TOPIC("topic"),
    NAMESPACE_TOPIC("namespace-topic");

    private final String value;

    EventGridKind(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** The kind named by a valid config value (any case). */
    public static EventGridKind of(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (EventGridKind k : values()) {
            if (k.value.equals(v)) {
                return k;
            }
        }
        throw new IllegalArgumentException(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
