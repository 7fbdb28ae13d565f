package io.twinegress.schemas;

/**
 * Names of the Kafka record headers the router sets on every egress record, and that the
 * sink connectors read. Values are UTF-8 strings.
 *
 * <p>The connectors fall back to the event body when a header is missing (records produced
 * straight onto an egress topic by someone other than the router).
 */
public final class EgressHeaders {

    /** The event's {@code eventType}, e.g. {@code SensorChange}. */
    public static final String EVENT_TYPE = "twin-egress.event-type";
    /** The event's {@code id}; absent for raw device messages, which are never parsed. */
    public static final String EVENT_ID = "twin-egress.event-id";
    /** The id of the endpoint this record was routed to. */
    public static final String ENDPOINT_ID = "twin-egress.endpoint-id";
    /** Lineage: the input topic the event was read from. */
    public static final String SOURCE_TOPIC = "twin-egress.source-topic";
    /** Lineage: the input partition, decimal. */
    public static final String SOURCE_PARTITION = "twin-egress.source-partition";
    /** Lineage: the input offset, decimal. */
    public static final String SOURCE_OFFSET = "twin-egress.source-offset";

    /**
     * On a record the router's backfill routed (an endpoint record's {@code replayFrom}), not the live
     * stream: the {@code replayFrom} it was routed for, RFC 3339 in UTC. The live routing never
     * passes on a producer's header of this name.
     */
    public static final String REPLAY = "twin.replay";

    private EgressHeaders() {
    }
}
