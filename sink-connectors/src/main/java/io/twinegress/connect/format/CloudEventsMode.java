package io.twinegress.connect.format;

import java.util.Locale;

/**
 * Values of {@code cloudevents.mode}, the two modes of the CloudEvents AMQP binding: binary (the
 * attributes as {@code cloudEvents:}-prefixed application properties, the data as the body) and
 * structured (the whole event in the JSON format as the body).
 */
public enum CloudEventsMode {
    BINARY("binary"),
    STRUCTURED("structured");

    private final String value;

    CloudEventsMode(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** The mode named by a valid config value (any case). */
    public static CloudEventsMode of(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (CloudEventsMode m : values()) {
            if (m.value.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
