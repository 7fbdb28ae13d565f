package io.twinegress.router.routing;

/** Where one Active endpoint's records go. */
public record Route(String endpointId, String egressTopic) {
}
