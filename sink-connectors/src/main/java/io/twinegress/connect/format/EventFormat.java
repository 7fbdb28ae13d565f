package io.twinegress.connect.format;

import java.util.Locale;

/** Values of {@code event.format}: the event as it came, or as a CloudEvents 1.0 event. */
public enum EventFormat {
    AS_IS("as-is"),
    CLOUDEVENTS("cloudevents");

    private final String value;

    EventFormat(String value) {
        this.value = value;
    }

    /** The config value, e.g. {@code as-is}. */
    public String value() {
        return value;
    }

    /** The format named by a valid config value (any case). */
    public static EventFormat of(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (EventFormat f : values()) {
            if (f.value.equals(v)) {
                return f;
            }
        }
        throw new IllegalArgumentException(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
