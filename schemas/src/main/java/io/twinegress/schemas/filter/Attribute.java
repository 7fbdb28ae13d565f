package io.twinegress.schemas.filter;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a filter can look at in an event. Each attribute has a CloudEvents-style name (the one a
 * filter is rendered with) and, for the envelope fields, the Event Grid field name it reads; a
 * filter may use either.
 */
public enum Attribute {
    /** The event's {@code eventType}. */
    TYPE("type", "eventType"),
    /** The event's {@code topic}, the full resource path of its source (optional in an event). */
    SOURCE("source", "topic"),
    /** The event's {@code subject}. */
    SUBJECT("subject", "subject"),
    /** The event's {@code id}. */
    ID("id", "id"),
    /** The event's {@code eventTime}, compared as the string it is. */
    TIME("time", "eventTime"),
    /** The event's {@code dataVersion}. */
    DATASCHEMA("dataschema", "dataVersion"),
    /** The event's {@code metadataVersion} (optional in an event). */
    METADATA_VERSION("metadataVersion", "metadataVersion"),
    /** The Kafka record key, decoded as UTF-8; the only attribute of raw telemetry. */
    KEY("key", "key"),
    /** The event's {@code data}, followed by a path: {@code $body.a.b} or {@code $body['any key']}. */
    BODY("$body", "data");

    private static final Attribute[] VALUES = values();

    private final String name;
    private final String eventGridName;

    Attribute(String name, String eventGridName) {
        this.name = name;
        this.eventGridName = eventGridName;
    }

    /** The name a filter is rendered with. */
    public String filterName() {
        return name;
    }

    /** The event's own field name ({@code eventType}, {@code topic}, {@code data}...), also accepted in a filter. */
    public String eventGridName() {
        return eventGridName;
    }

    /** True for the attributes read from the event's envelope (everything but the key and the body). */
    public boolean isEnvelope() {
        return this != KEY && this != BODY;
    }

    /** The attribute with this exact (case-sensitive) name, in either spelling. */
    public static Optional<Attribute> named(String word) {
        for (Attribute a : VALUES) {
            if (a.name.equals(word) || a.eventGridName.equals(word)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The attribute whose name differs from this word only in case, for a "did you mean" hint. */
    static Optional<Attribute> namedIgnoringCase(String word) {
        for (Attribute a : VALUES) {
            if (a.name.equalsIgnoreCase(word) || a.eventGridName.equalsIgnoreCase(word)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Every accepted name, for error messages. */
    static String names() {
        return Arrays.stream(VALUES).map(a -> a == BODY ? "$body.<path>" : a.name).collect(Collectors.joining(", "))
                + " (or the event's field names " + Arrays.stream(VALUES).filter(a -> !a.eventGridName.equals(a.name))
                .map(a -> a == BODY ? "data.<path>" : a.eventGridName).collect(Collectors.joining(", ")) + ")";
    }
}
