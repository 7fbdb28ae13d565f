package io.twinegress.schemas.filter;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.twinegress.schemas.EventParser;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.InvalidEventException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An endpoint's content filter, compiled: an expression in the style of Azure Digital Twins
 * route filters over the event's envelope ({@code type}, {@code source}, {@code subject},
 * {@code id}, {@code time}, {@code dataschema}, {@code metadataVersion}, or their Event Grid
 * names), its {@code data} ({@code $body.<path>}) and the Kafka record {@code key}:
 *
 * <pre>
 * type = 'SensorChange' AND $body.DataType IN ('Motion', 'Temperature')
 * STARTS_WITH(subject, 'Extended') OR $body.SpacesToNotify = '3a16d146-ca39-49ee-b803-17a18a12ba36'
 * NOT IS_DEFINED($body.Properties['ms-client-request-id'])
 * </pre>
 *
 * Parsed and checked once ({@link #parse}); evaluated per event through a {@link FilterPlan},
 * which binds many filters to one pass over the event. Immutable and thread-safe; two filters
 * are equal when they mean the same, i.e. have the same {@link #canonical()} text.
 */
public final class Filter {

    /** Longest filter accepted, in characters. */
    public static final int MAX_LENGTH = 4096;
    /** Deepest nesting accepted: each parenthesis and each NOT opens a level. */
    public static final int MAX_DEPTH = 32;

    private static final Parser.Limits USER = new Parser.Limits(MAX_LENGTH, MAX_DEPTH);
    /**
     * What {@link #readBack} accepts: the canonical text of a filter within {@link #USER} limits
     * can be longer (spaces around operators, {@code data} written {@code $body}) and one level
     * deeper per level (parentheses around an AND inside an OR), never more.
     */
    private static final Parser.Limits READ_BACK = new Parser.Limits(16 * MAX_LENGTH, 2 * MAX_DEPTH + 2);

    private static final EventParser EVENTS = new EventParser();

    private final String text;
    private final Node root;
    private final String canonical;
    private final Set<Attribute> attributes;
    private volatile Standalone standalone;

    private Filter(String text, Node root) {
        this.text = text;
        this.root = root;
        StringBuilder out = new StringBuilder();
        root.render(out);
        this.canonical = out.toString();
        Set<Attribute> used = EnumSet.noneOf(Attribute.class);
        root.attributes(ref -> used.add(ref.attribute()));
        this.attributes = Collections.unmodifiableSet(used);
    }

    /**
     * Parses and checks a filter as an operator wrote it.
     *
     * @throws FilterException naming what was expected and where; never anything else
     */
    public static Filter parse(String text) {
        return new Filter(Objects.requireNonNull(text, "text"), Parser.parse(text, USER, false));
    }

    /**
     * The same for the filter of a DeviceMessage endpoint: raw telemetry is never parsed, so only
     * {@code key} may be used.
     */
    public static Filter parseKeyOnly(String text) {
        return new Filter(Objects.requireNonNull(text, "text"), Parser.parse(text, USER, true));
    }

    /**
     * Reads back a filter the router already accepted, e.g. the canonical text in a status record:
     * the same language, with limits widened to what {@link #canonical()} can produce (so a
     * rendered filter always reads back), still bounded.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Filter readBack(String text) {
        return new Filter(Objects.requireNonNull(text, "text"), Parser.parse(text, READ_BACK, false));
    }

    /** The filter as written. */
    public String text() {
        return text;
    }

    /**
     * The filter as understood: keywords and function names upper case, attributes by their
     * {@link Attribute#filterName()}, strings re-quoted, AND and OR chains with parentheses exactly
     * where precedence needs them ({@code a OR b AND c} is {@code a OR (b AND c)}).
     */
    @JsonValue
    public String canonical() {
        return canonical;
    }

    /** The attributes the filter reads. */
    public Set<Attribute> attributes() {
        return attributes;
    }

    /** True when the filter reads the event's {@code data}. */
    public boolean usesBody() {
        return attributes.contains(Attribute.BODY);
    }

    Node root() {
        return root;
    }

    /**
     * Evaluates the filter on one event on its own (tools and tests; the router binds all its
     * filters to one plan instead).
     *
     * @param key   the record key, or null
     * @param event the record value, a JSON event
     * @throws InvalidEventException when the value is not a valid event
     */
    public boolean matches(byte[] key, byte[] event) {
        Standalone s = standalone();
        EventValues values = EVENTS.envelope(event, s.plan()).values();
        values.key(key);
        return s.matcher().matches(values);
    }

    /** Evaluates the filter on raw telemetry with this key: nothing but the key is defined. */
    public boolean matchesRawTelemetry(byte[] key) {
        Standalone s = standalone();
        EventValues values = s.plan().newValues();
        values.key(key);
        return s.matcher().matches(values);
    }

    private record Standalone(FilterPlan plan, Matcher matcher) {
    }

    private Standalone standalone() {
        Standalone s = standalone;
        if (s == null) {
            FilterPlan.Builder builder = FilterPlan.builder();
            Matcher matcher = builder.add(this, EnumSet.allOf(EventType.class));
            s = new Standalone(builder.build(), matcher);
            standalone = s;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Filter other && canonical.equals(other.canonical);
    }

    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    @Override
    public String toString() {
        return canonical;
    }
}
