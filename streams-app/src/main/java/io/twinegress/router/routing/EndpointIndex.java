package io.twinegress.router.routing;

import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.EventType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Active endpoints indexed by event type, in memory, shared by the global thread (which
 * writes it from {@code twin.endpoints.status}) and every stream thread (which reads it per
 * event). Readers never lock: they read an immutable snapshot through a volatile field; writers
 * (the global thread, rarely) copy and swap.
 */
public final class EndpointIndex {

    private record Snapshot(Map<String, Route> byId, Map<EventType, List<Route>> byType) {
    }

    private static final Snapshot EMPTY = new Snapshot(Map.of(), emptyByType());

    private volatile Snapshot snapshot = EMPTY;

    /** The routes for an event type, sorted by endpoint id; empty when none. Never null. */
    public List<Route> routes(EventType type) {
        return snapshot.byType().get(type);
    }

    /** The Active endpoint ids, sorted. */
    public List<String> activeIds() {
        return List.copyOf(snapshot.byId().keySet());
    }

    /** Applies one status record (null = tombstone): Active adds or replaces the endpoint, anything else removes it. */
    public synchronized void apply(String endpointId, EndpointStatus status) {
        Map<String, Entry> entries = new TreeMap<>(current);
        if (status != null && status.isActive()) {
            entries.put(endpointId, new Entry(new Route(endpointId, status.egressTopic()), status));
        } else {
            entries.remove(endpointId);
        }
        publish(entries);
    }

    /** Replaces the whole index (after the global store was restored). */
    public synchronized void replaceAll(Map<String, EndpointStatus> statuses) {
        Map<String, Entry> entries = new TreeMap<>();
        statuses.forEach((id, status) -> {
            if (status != null && status.isActive()) {
                entries.put(id, new Entry(new Route(id, status.egressTopic()), status));
            }
        });
        publish(entries);
    }

    private record Entry(Route route, EndpointStatus status) {
    }

    // Guarded by this.
    private Map<String, Entry> current = new TreeMap<>();

    private void publish(Map<String, Entry> entries) {
        current = entries;
        Map<String, Route> byId = new TreeMap<>();
        Map<EventType, List<Route>> byType = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            byType.put(type, new ArrayList<>());
        }
        entries.forEach((id, entry) -> {
            byId.put(id, entry.route());
            for (EventType type : entry.status().endpoint().eventTypes()) {
                byType.get(type).add(entry.route());
            }
        });
        byType.replaceAll((type, list) -> List.copyOf(list));
        snapshot = new Snapshot(Collections.unmodifiableMap(byId), Collections.unmodifiableMap(byType));
    }

    private static Map<EventType, List<Route>> emptyByType() {
        Map<EventType, List<Route>> byType = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            byType.put(type, List.of());
        }
        return Collections.unmodifiableMap(byType);
    }
}
