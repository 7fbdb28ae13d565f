package io.twinegress.router.routing;

import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.filter.FilterPlan;
import io.twinegress.schemas.filter.Matcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Active endpoints indexed by event type, in memory, shared by the global thread (which
 * writes it from {@code twin.endpoints.status}) and every stream thread (which reads it per
 * event). Readers never lock: they read an immutable {@link Table} through a volatile field;
 * writers (the global thread, rarely) copy and swap.
 *
 * <p>Each table compiles nothing: the filters were compiled when their status records were read.
 * It binds them all to one {@link FilterPlan}, so the event parser collects, in its one pass,
 * exactly what the table's filters read.
 */
public final class EndpointIndex {

    /**
     * One consistent view: the routes by event type, the plan their filters are bound to (a
     * route's matcher reads only values collected with this plan), and the Active endpoints by id
     * that the routes were made from. A new table is published only when what routes changes, so
     * "the same table" means "the same routing".
     *
     * @param idHeaderBytes per event type, the largest endpoint-id header among its routes (as
     *                      {@link RecordSize} counts it): the size check of a routed copy reads it
     *                      instead of going through every route of the type for every event
     */
    public record Table(Map<EventType, List<Route>> byType, FilterPlan plan, Map<String, Endpoint> endpoints,
                        Map<EventType, Long> idHeaderBytes) {

        /** The routes for an event type, sorted by endpoint id; empty when none. Never null. */
        public List<Route> routes(EventType type) {
            return byType.get(type);
        }

        /** The largest endpoint-id header of the type's routes; 0 when it has none. */
        long largestEndpointIdHeader(EventType type) {
            return idHeaderBytes.get(type);
        }
    }

    private static final Table EMPTY = publishable(new TreeMap<>());

    private volatile Table table = EMPTY;

    // Guarded by this: the Active endpoints by id.
    private Map<String, Active> current = new TreeMap<>();

    private record Active(String egressTopic, Endpoint endpoint) {
    }

    /** The current table; read it once per event. */
    public Table table() {
        return table;
    }

    /** The routes for an event type in the current table, sorted by endpoint id; empty when none. Never null. */
    public List<Route> routes(EventType type) {
        return table.routes(type);
    }

    /** The Active endpoint ids, sorted. */
    public synchronized List<String> activeIds() {
        return List.copyOf(current.keySet());
    }

    /** Applies one status record (null = tombstone): Active adds or replaces the endpoint, anything else removes it. */
    public synchronized void apply(String endpointId, EndpointStatus status) {
        Active now = status != null && status.isActive() ? new Active(status.egressTopic(), status.endpoint()) : null;
        if (java.util.Objects.equals(current.get(endpointId), now)) {
            // A status record that changes nothing that routes (a backfill's progress, a warning): same table.
            return;
        }
        Map<String, Active> entries = new TreeMap<>(current);
        if (now != null) {
            entries.put(endpointId, now);
        } else {
            entries.remove(endpointId);
        }
        publish(entries);
    }

    /** Replaces the whole index (after the global store was restored). */
    public synchronized void replaceAll(Map<String, EndpointStatus> statuses) {
        Map<String, Active> entries = new TreeMap<>();
        statuses.forEach((id, status) -> {
            if (status != null && status.isActive()) {
                entries.put(id, new Active(status.egressTopic(), status.endpoint()));
            }
        });
        publish(entries);
    }

    private void publish(Map<String, Active> entries) {
        current = entries;
        table = publishable(entries);
    }

    private static Table publishable(Map<String, Active> entries) {
        FilterPlan.Builder plan = FilterPlan.builder();
        Map<EventType, List<Route>> byType = new EnumMap<>(EventType.class);
        Map<String, Endpoint> endpoints = new TreeMap<>();
        for (EventType type : EventType.values()) {
            byType.put(type, new ArrayList<>());
        }
        entries.forEach((id, active) -> {
            Endpoint endpoint = active.endpoint();
            endpoints.put(id, endpoint);
            Matcher matcher = endpoint.filter() == null ? null : plan.add(endpoint.filter(), endpoint.eventTypes());
            Route route = new Route(id, active.egressTopic(), matcher);
            for (EventType type : endpoint.eventTypes()) {
                byType.get(type).add(route);
            }
        });
        byType.replaceAll((type, list) -> List.copyOf(list));
        Map<EventType, Long> idHeaderBytes = new EnumMap<>(EventType.class);
        byType.forEach((type, routes) -> idHeaderBytes.put(type,
                routes.stream().mapToLong(route -> RecordSize.of(route.endpointIdHeader())).max().orElse(0)));
        return new Table(Collections.unmodifiableMap(byType), plan.build(), Collections.unmodifiableMap(endpoints),
                Collections.unmodifiableMap(idHeaderBytes));
    }
}
