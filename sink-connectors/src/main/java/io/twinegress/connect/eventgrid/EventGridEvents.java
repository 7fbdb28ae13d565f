package io.twinegress.connect.eventgrid;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.JsonBytes;
import io.twinegress.connect.core.RecordRejectedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns an egress record into one element of an Event Grid publish request.
 *
 * <p>The record value must be one JSON object in the Event Grid event schema: string {@code id},
 * {@code subject}, {@code eventType}, {@code eventTime}, {@code dataVersion}, and a {@code data}
 * value. Those are checked here (presence and JSON type only: the service judges the rest, such
 * as the {@code eventTime} format, and a 400 is isolated and dead-lettered by the core). The
 * event's {@code topic} is removed: Event Grid sets it and rejects one that does not name the
 * topic. Without a {@code topic} the value's bytes are used unchanged; with one, exactly the bytes
 * of that member (and of one comma and the whitespace next to it) are cut out, so every other byte
 * is kept: numbers keep their digits, duplicate members and escapes stay as the producer wrote them.
 *
 * <p>Raw device telemetry ({@code DeviceMessage}, by header or by the body's {@code eventType})
 * and anything that is not such a JSON object is rejected with the reason
 * ({@link RecordRejectedException}), so the core dead-letters it. Reasons never quote the payload.
 */
final class EventGridEvents {

    static final String DEVICE_MESSAGE_REJECTED =
        "A DeviceMessage (raw device telemetry) cannot be delivered to an Event Grid endpoint: only an EventHub "
            + "endpoint takes DeviceMessage events.";
    static final String NOT_AN_OBJECT = "The record value is not a JSON object in the Event Grid event schema.";
    static final String NOT_JSON = "The record value is not valid JSON, so it is not an Event Grid event.";

    /** Required top-level properties of the Event Grid event schema; {@code data} may be any non-null JSON. */
    static final List<String> REQUIRED_STRINGS = List.of("id", "subject", "eventType", "eventTime", "dataVersion");
    static final String DATA = "data";
    static final String TOPIC = "topic";

    private static final JsonFactory JSON = new JsonFactory();

    private EventGridEvents() {
    }

    /** The bytes of the event as it goes into the request's JSON array. */
    static byte[] toEvent(SinkRecord record) {
        if (EventRecords.isDeviceMessage(record)) {
            throw new RecordRejectedException(DEVICE_MESSAGE_REJECTED);
        }
        byte[] body = EventRecords.body(record);
        Scan scan = scan(body);
        if (EventRecords.DEVICE_MESSAGE.equals(scan.eventType)) {
            throw new RecordRejectedException(DEVICE_MESSAGE_REJECTED);
        }
        if (!scan.missing.isEmpty()) {
            throw new RecordRejectedException("The record is not an Event Grid event: "
                + String.join(", ", scan.missing) + ".");
        }
        return scan.topics.isEmpty() ? body : cut(body, scan);
    }

    private static final class Scan {
        final List<String> missing = new ArrayList<>();
        String eventType;
        /** Byte offset where each top-level member's name starts, and that of the closing brace last. */
        final List<Integer> memberStarts = new ArrayList<>();
        /** Indexes (into memberStarts) of the top-level {@code topic} members. */
        final List<Integer> topics = new ArrayList<>();
    }

    /**
     * The body without its top-level {@code topic} members. A member is cut from its name to the
     * end of its value together with the comma before it (after the first kept member) or after it
     * (while no member was kept yet), and the whitespace around that comma.
     */
    private static byte[] cut(byte[] body, Scan scan) {
        List<Integer> starts = scan.memberStarts;
        int members = starts.size() - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        int copied = 0;
        int leading = 0; // topic members before the first member that stays
        while (leading < members && scan.topics.contains(leading)) {
            leading++;
        }
        if (leading > 0) {
            int from = starts.get(0);
            int to = leading < members ? starts.get(leading) : JsonBytes.valueEnd(body, starts.get(members));
            out.write(body, copied, from - copied);
            copied = to;
        }
        for (int i : scan.topics) {
            if (i >= leading) {
                int from = JsonBytes.valueEnd(body, starts.get(i)); // just after the member before it
                int to = JsonBytes.valueEnd(body, starts.get(i + 1));
                out.write(body, copied, from - copied);
                copied = to;
            }
        }
        out.write(body, copied, body.length - copied);
        return out.toByteArray();
    }

    /** One streaming pass over the top level: which required properties are there, with the right type. */
    private static Scan scan(byte[] body) {
        Scan scan = new Scan();
        boolean[] seen = new boolean[REQUIRED_STRINGS.size()];
        boolean data = false;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RecordRejectedException(NOT_AN_OBJECT);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                scan.memberStarts.add(Math.toIntExact(p.currentTokenLocation().getByteOffset()));
                String field = p.currentName();
                JsonToken t = p.nextToken();
                int i = REQUIRED_STRINGS.indexOf(field);
                if (i >= 0) {
                    seen[i] = t == JsonToken.VALUE_STRING;
                    if (seen[i] && "eventType".equals(field)) {
                        scan.eventType = p.getText();
                    }
                } else if (DATA.equals(field)) {
                    data = t != JsonToken.VALUE_NULL;
                } else if (TOPIC.equals(field)) {
                    scan.topics.add(scan.memberStarts.size() - 1);
                }
                p.skipChildren();
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new RecordRejectedException(NOT_JSON);
            }
            scan.memberStarts.add(Math.toIntExact(p.currentTokenLocation().getByteOffset()));
            if (p.nextToken() != null) {
                throw new RecordRejectedException(NOT_JSON);
            }
        } catch (IOException e) {
            throw new RecordRejectedException(NOT_JSON);
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                scan.missing.add("required property '" + REQUIRED_STRINGS.get(i) + "' is missing or not a string");
            }
        }
        if (!data) {
            scan.missing.add("required property 'data' is missing or null");
        }
        return scan;
    }
}
