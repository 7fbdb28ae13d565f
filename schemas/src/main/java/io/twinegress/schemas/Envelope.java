package io.twinegress.schemas;

import io.twinegress.schemas.filter.EventValues;
import io.twinegress.schemas.filter.FilterPlan;

/**
 * What routing needs of a valid event: its type and id, and what the filters of a
 * {@link FilterPlan} read. {@link EventParser#envelope} validates the whole event but keeps only
 * these, so the router does not pay for the other fields' text.
 *
 * @param id        the event's {@code id}, never empty
 * @param eventType one of the five event types
 * @param values    what the plan's filters read (key not set yet); null for an empty plan
 */
public record Envelope(String id, EventType eventType, EventValues values) {

    public Envelope(String id, EventType eventType) {
        this(id, eventType, null);
    }
}
