package io.twinegress.router.routing;

import io.twinegress.schemas.EgressHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Where one Active endpoint's records go.
 *
 * @param endpointIdHeader the endpoint-id header every record routed here carries, built once with
 *                         the route rather than once per record (a header is never changed once built)
 */
public record Route(String endpointId, String egressTopic, Header endpointIdHeader) {

    public Route(String endpointId, String egressTopic) {
        this(endpointId, egressTopic, new RecordHeader(EgressHeaders.ENDPOINT_ID, endpointId.getBytes(StandardCharsets.UTF_8)));
    }
}
