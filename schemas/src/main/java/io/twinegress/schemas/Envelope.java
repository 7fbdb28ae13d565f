package io.twinegress.schemas;

/**
 * What routing needs of a valid event: its type and id. {@link EventParser#envelope} validates
 * the whole event but keeps only these, so the router does not pay for the other fields' text.
 *
 * @param id        the event's {@code id}, never empty
 * @param eventType one of the five event types
 */
public record Envelope(String id, EventType eventType) {
}
