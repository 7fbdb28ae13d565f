package io.twinegress.schemas;

/** The outcome of an endpoint record, as written to {@code twin.endpoints.status}. */
public enum EndpointState {
    /** Valid; its egress topic exists and events are routed to it. */
    Active,
    /** Invalid; nothing is routed to it. {@code reason} says which rule failed. */
    Rejected,
    /** Tombstoned in {@code twin.endpoints}; nothing is routed to it any more. */
    Deleted
}
