package io.twinegress.schemas.filter;

import com.fasterxml.jackson.core.JsonParser;
import io.twinegress.schemas.EventType;
import java.io.IOException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a set of filters needs from an event, so one streaming pass collects it all and nothing
 * more: the envelope attributes any filter reads, and the {@code $body} paths, per event type
 * (when the event names its type before its {@code data}) and for all types together (when the
 * type comes after). Filters are bound to it with {@link Builder#add}, which gives each one a
 * {@link Matcher} reading the plan's slots.
 *
 * <p>Immutable and thread-safe once built: build one per routing table and share it.
 */
public final class FilterPlan {

    /** The plan of no filter at all: the event parser collects nothing. */
    public static final FilterPlan NONE = builder().build();

    private final boolean empty;
    private final boolean[] envelope;
    private final PathNode anyType;
    private final Map<EventType, PathNode> byType;
    private final int size;

    private FilterPlan(Builder b) {
        this.empty = b.filters == 0;
        this.envelope = b.envelope.clone();
        this.anyType = b.allPaths.isEmpty() ? null : PathNode.of(b.allPaths);
        this.byType = new EnumMap<>(EventType.class);
        b.pathsByType.forEach((type, paths) -> {
            if (!paths.isEmpty()) {
                byType.put(type, PathNode.of(paths));
            }
        });
        this.size = EventValues.FIRST_BODY_SLOT + b.bodySlots.size();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when no filter was added: there is nothing to collect and no matcher to run. */
    public boolean isEmpty() {
        return empty;
    }

    /** True when some filter reads this envelope attribute (the parser keeps its text then). */
    public boolean wants(Attribute attribute) {
        return envelope[attribute.ordinal()];
    }

    /**
     * True when {@code data} must be read rather than skipped.
     *
     * @param type the event's type when the parser has already met it, else null (then any filter's paths count)
     */
    public boolean readsBody(EventType type) {
        return pathsFor(type) != null;
    }

    /**
     * Reads the paths of {@code data} the filters need into {@code out}, skipping the rest. The
     * parser's current token is the START_OBJECT of {@code data}; on return it is its END_OBJECT.
     * Throws only what the parser throws for malformed JSON, exactly as skipping would.
     */
    public void readBody(JsonParser parser, EventType type, EventValues out) throws IOException {
        PathNode paths = pathsFor(type);
        if (paths == null) {
            parser.skipChildren();
        } else {
            paths.readRoot(parser, out);
        }
    }

    private PathNode pathsFor(EventType type) {
        return type == null ? anyType : byType.get(type);
    }

    /** A fresh, empty set of values for one event. */
    public EventValues newValues() {
        return new EventValues(size);
    }

    /** Collects filters and binds each one; not thread-safe. */
    public static final class Builder {

        private final Map<List<String>, Integer> bodySlots = new HashMap<>();
        private final Map<List<String>, Integer> allPaths = new LinkedHashMap<>();
        private final Map<EventType, Map<List<String>, Integer>> pathsByType = new EnumMap<>(EventType.class);
        private final boolean[] envelope = new boolean[Attribute.values().length];
        private Set<EventType> current = EnumSet.noneOf(EventType.class);
        private int filters;

        private Builder() {
        }

        /**
         * Adds the filter of an endpoint that receives these event types.
         *
         * @return the filter bound to this plan's slots, for the events of this plan only
         */
        public Matcher add(Filter filter, Set<EventType> eventTypes) {
            filters++;
            current = eventTypes.isEmpty() ? EnumSet.noneOf(EventType.class) : EnumSet.copyOf(eventTypes);
            return new Matcher(filter, filter.root().bind(this));
        }

        /** The slot of an attribute, noting that the current filter's event types need it. */
        int slot(AttributeRef ref) {
            Attribute attribute = ref.attribute();
            if (attribute != Attribute.BODY) {
                if (attribute.isEnvelope()) {
                    envelope[attribute.ordinal()] = true;
                }
                return attribute.ordinal();
            }
            int slot = bodySlots.computeIfAbsent(ref.path(), p -> EventValues.FIRST_BODY_SLOT + bodySlots.size());
            allPaths.put(ref.path(), slot);
            for (EventType type : current) {
                pathsByType.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(ref.path(), slot);
            }
            return slot;
        }

        public FilterPlan build() {
            return new FilterPlan(this);
        }
    }
}
