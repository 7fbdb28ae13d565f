package io.twinegress.schemas;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.twinegress.schemas.filter.Filter;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The routing part of an endpoint: what the router needs and nothing else.
 * Connection strings are never part of it; they live in the sink connector's config.
 *
 * @param id         the endpoint id, the {@code twin.endpoints} record key
 * @param type       where it delivers
 * @param eventTypes the event types it receives; never empty, iterated in declaration order
 * @param path       the Service Bus topic, Event Grid topic host (or URL) or Event Hub name
 * @param filter     the content filter an event of those types must also pass; null = every event of them
 * @param replayFrom the endpoint also receives, once, the events of the input topics since this time
 *                   (a backfill from their retention, beside the live stream); null = none. The same
 *                   value sent again does not replay again; a new value starts a new backfill
 */
public record Endpoint(String id, EndpointType type, Set<EventType> eventTypes, String path, Filter filter,
                       @JsonDeserialize(using = Instants.Reader.class) Instant replayFrom) {

    public Endpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(path, "path");
        eventTypes = Collections.unmodifiableSet(EnumSet.copyOf(Objects.requireNonNull(eventTypes, "eventTypes")));
    }

    /** An endpoint without a backfill. */
    public Endpoint(String id, EndpointType type, Set<EventType> eventTypes, String path, Filter filter) {
        this(id, type, eventTypes, path, filter, null);
    }

    /** An endpoint without a filter. */
    public Endpoint(String id, EndpointType type, Set<EventType> eventTypes, String path) {
        this(id, type, eventTypes, path, null, null);
    }

    /** Convenience for tests and tools. */
    public static Endpoint of(String id, EndpointType type, String path, EventType first, EventType... rest) {
        return new Endpoint(id, type, EnumSet.of(first, rest), path);
    }

    /** The same endpoint with this filter (null for none). */
    public Endpoint withFilter(Filter newFilter) {
        return new Endpoint(id, type, eventTypes, path, newFilter, replayFrom);
    }

    /** The same endpoint with this {@code replayFrom} (null for none). */
    public Endpoint withReplayFrom(Instant from) {
        return new Endpoint(id, type, eventTypes, path, filter, from);
    }

    /** True when this endpoint receives raw device messages. */
    public boolean carriesDeviceMessages() {
        return eventTypes.contains(EventType.DeviceMessage);
    }
}
