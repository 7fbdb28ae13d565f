package io.twinegress.schemas;

import java.util.List;
import java.util.Objects;

/**
 * The value of a {@code twin.endpoints.status} record (key = endpoint id).
 *
 * @param state       Active, Rejected or Deleted
 * @param reason      why it was rejected (the rule's message); null when Active or Deleted
 * @param egressTopic the topic events are routed to; set when Active
 * @param warnings    things that did not stop the endpoint but need an operator's eye,
 *                    e.g. connection strings found (and ignored) in the record
 * @param endpoint    the validated routing part; set when Active (the router's routing side
 *                    builds its index from these records alone)
 * @param updatedAt   when the router decided, epoch milliseconds
 * @param replay      the backfill of an Active endpoint whose record carries {@code replayFrom}; else null
 */
public record EndpointStatus(
        EndpointState state,
        String reason,
        String egressTopic,
        List<String> warnings,
        Endpoint endpoint,
        long updatedAt,
        ReplayStatus replay) {

    public EndpointStatus {
        Objects.requireNonNull(state, "state");
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        if (state == EndpointState.Active) {
            Objects.requireNonNull(egressTopic, "egressTopic of an Active endpoint");
            Objects.requireNonNull(endpoint, "endpoint of an Active endpoint");
        }
    }

    /** A status without a backfill. */
    public EndpointStatus(EndpointState state, String reason, String egressTopic, List<String> warnings, Endpoint endpoint,
                          long updatedAt) {
        this(state, reason, egressTopic, warnings, endpoint, updatedAt, null);
    }

    public static EndpointStatus active(Endpoint endpoint, String egressTopic, List<String> warnings, long now) {
        return new EndpointStatus(EndpointState.Active, null, egressTopic, warnings, endpoint, now, null);
    }

    /** The same status with this backfill. */
    public EndpointStatus withReplay(ReplayStatus newReplay) {
        return new EndpointStatus(state, reason, egressTopic, warnings, endpoint, updatedAt, newReplay);
    }

    public static EndpointStatus rejected(String reason, List<String> warnings, long now) {
        return new EndpointStatus(EndpointState.Rejected, Objects.requireNonNull(reason, "reason"), null, warnings, null, now);
    }

    public static EndpointStatus deleted(long now) {
        return new EndpointStatus(EndpointState.Deleted, null, null, List.of(), null, now);
    }

    public boolean isActive() {
        return state == EndpointState.Active;
    }
}
