package io.twinegress.router.routing;

import io.twinegress.schemas.EgressHeaders;
import io.twinegress.schemas.EventType;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a routed copy, the same for the live routing and the backfill: the input headers
 * but the router's own (a producer's header with one of those names is never passed on), event
 * type, event id (when parsed), the {@link Lineage} headers configured (source topic, partition and
 * offset), the backfill's {@link EgressHeaders#REPLAY} when it is one, and the endpoint id last.
 */
public final class EgressCopies {

    /** Each event type's header, built once: a header is never changed once built, so records share it. */
    private static final Header[] TYPE_HEADERS = java.util.Arrays.stream(EventType.values())
            .map(t -> new RecordHeader(EgressHeaders.EVENT_TYPE, t.name().getBytes(StandardCharsets.UTF_8))).toArray(Header[]::new);
    private static final String[] OWN_HEADERS = {EgressHeaders.EVENT_TYPE, EgressHeaders.EVENT_ID, EgressHeaders.ENDPOINT_ID,
            EgressHeaders.SOURCE_TOPIC, EgressHeaders.SOURCE_PARTITION, EgressHeaders.SOURCE_OFFSET, EgressHeaders.REPLAY};

    private EgressCopies() {
    }

    /**
     * The headers of every copy of one record, with a last slot left empty for the endpoint id
     * (each route puts its own there; {@link RecordHeaders} copies the array).
     *
     * @param sourceTopic     the source-topic header, used when the lineage has it
     * @param sourcePartition the source-partition header, used when the lineage has it
     * @param replay          the backfill's header, or null for the live routing
     */
    static Header[] headers(Headers input, EventType eventType, byte[] eventId, Lineage lineage, Header sourceTopic,
                            Header sourcePartition, long sourceOffset, Header replay) {
        Header[] carried = input.toArray();
        int kept = 0;
        for (Header header : carried) {
            kept += isOwn(header.key()) ? 0 : 1;
        }
        Header[] headers = new Header[kept + (eventId == null ? 2 : 3) + lineage.count() + (replay == null ? 0 : 1)];
        int i = 0;
        if (kept == carried.length) {
            System.arraycopy(carried, 0, headers, 0, kept);
            i = kept;
        } else {
            for (Header header : carried) {
                if (!isOwn(header.key())) {
                    headers[i++] = header;
                }
            }
        }
        headers[i++] = TYPE_HEADERS[eventType.ordinal()];
        if (eventId != null) {
            headers[i++] = new RecordHeader(EgressHeaders.EVENT_ID, eventId);
        }
        if (lineage.topic()) {
            headers[i++] = sourceTopic;
        }
        if (lineage.partition()) {
            headers[i++] = sourcePartition;
        }
        if (lineage.offset()) {
            headers[i++] = new RecordHeader(EgressHeaders.SOURCE_OFFSET, Long.toString(sourceOffset).getBytes(StandardCharsets.UTF_8));
        }
        if (replay != null) {
            headers[i] = replay;
        }
        return headers;
    }

    /**
     * The headers of the backfill's copy of one input record for one endpoint.
     *
     * @param eventId null for raw telemetry (never parsed)
     */
    public static Headers backfill(Headers input, EventType eventType, String eventId, Lineage lineage, String sourceTopic,
                                   int sourcePartition, long sourceOffset, Header replay, Route route) {
        Header[] headers = headers(input, eventType, eventId == null ? null : eventId.getBytes(StandardCharsets.UTF_8), lineage,
                new RecordHeader(EgressHeaders.SOURCE_TOPIC, sourceTopic.getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(EgressHeaders.SOURCE_PARTITION, Integer.toString(sourcePartition).getBytes(StandardCharsets.UTF_8)),
                sourceOffset, replay);
        headers[headers.length - 1] = route.endpointIdHeader();
        return new RecordHeaders(headers);
    }

    /** An upper bound of the record's size as the producer counts it (see {@link RecordSize}). */
    public static long size(byte[] key, byte[] value, Headers headers) {
        return RecordSize.withoutHeaders(key, value) + RecordSize.of(headers);
    }

    private static boolean isOwn(String headerName) {
        for (String own : OWN_HEADERS) {
            if (own.equals(headerName)) {
                return true;
            }
        }
        return false;
    }
}
