package io.twinegress.router.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.Instants;
import io.twinegress.schemas.filter.Filter;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What decides which events the live routing sends an Active endpoint: its event types, its
 * filter and the {@code replayFrom} it was made Active with. Two definitions are equal when they
 * route the same events (the filter compared by its canonical form).
 */
public record LiveDefinition(Set<EventType> eventTypes, Filter filter, Instant replayFrom) {

    public LiveDefinition {
        eventTypes = Collections.unmodifiableSet(EnumSet.copyOf(eventTypes));
    }

    public static LiveDefinition of(Endpoint endpoint) {
        return new LiveDefinition(endpoint.eventTypes(), endpoint.filter(), endpoint.replayFrom());
    }

    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        ArrayNode types = node.putArray("eventTypes");
        eventTypes.forEach(t -> types.add(t.name()));
        if (filter != null) {
            node.put("filter", filter.canonical());
        }
        if (replayFrom != null) {
            node.put("replayFrom", Instants.format(replayFrom));
        }
        return node;
    }

    static LiveDefinition fromJson(JsonNode node) {
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        node.path("eventTypes").forEach(t -> types.add(EventType.valueOf(t.asText())));
        Filter filter = node.hasNonNull("filter") ? Filter.readBack(node.get("filter").asText()) : null;
        Instant from = node.hasNonNull("replayFrom") ? Instants.parse(node.get("replayFrom").asText()).orElseThrow() : null;
        return new LiveDefinition(types, filter, from);
    }
}
