package io.twinegress.schemas;

import java.util.Optional;

/**
 * The table-level rule of the endpoint contract: at most one endpoint subscribes to DeviceMessage.
 * The router applies it in the order endpoint records arrive, so the one registered first
 * wins and a later one is rejected while the first exists.
 */
public final class EndpointTableRules {

    private EndpointTableRules() {
    }

    /**
     * Checks a record-valid candidate against the endpoints currently Active.
     *
     * @param candidate the endpoint being registered or updated
     * @param active    the Active endpoints (the candidate's own earlier version may be among them)
     * @return the violation, or empty when the candidate may become Active
     */
    public static Optional<InvalidEndpointException> check(Endpoint candidate, Iterable<Endpoint> active) {
        if (!candidate.carriesDeviceMessages()) {
            return Optional.empty();
        }
        for (Endpoint other : active) {
            if (!other.id().equals(candidate.id()) && other.carriesDeviceMessages()) {
                return Optional.of(new InvalidEndpointException(EndpointRule.DEVICE_MESSAGE_UNIQUE, "eventTypes",
                        "endpoint " + EventParser.quote(other.id()) + " already holds DeviceMessage"));
            }
        }
        return Optional.empty();
    }
}
