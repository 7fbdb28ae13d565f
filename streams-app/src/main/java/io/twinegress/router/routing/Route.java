package io.twinegress.router.routing;

import io.twinegress.schemas.EgressHeaders;
import io.twinegress.schemas.filter.EventValues;
import io.twinegress.schemas.filter.Matcher;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Where one Active endpoint's records go.
 *
 * @param endpointIdHeader the endpoint-id header every record routed here carries, built once with
 *                         the route rather than once per record (a header is never changed once built)
 * @param matcher          the endpoint's filter bound to its routing table's plan; null = no filter
 */
public record Route(String endpointId, String egressTopic, Header endpointIdHeader, Matcher matcher) {

    public Route(String endpointId, String egressTopic, Matcher matcher) {
        this(endpointId, egressTopic, new RecordHeader(EgressHeaders.ENDPOINT_ID, endpointId.getBytes(StandardCharsets.UTF_8)), matcher);
    }

    public Route(String endpointId, String egressTopic) {
        this(endpointId, egressTopic, null);
    }

    /** True when an event of one of the endpoint's types goes here: no filter, or the filter says so. */
    public boolean accepts(EventValues event) {
        return matcher == null || matcher.matches(event);
    }
}
