package io.twinegress.connect.eventgrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.twinegress.connect.core.RecordRejectedException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** What becomes of one event's bytes on its way into an Event Grid request. */
class EventGridEventsTest {

    static final String DATA = "{\"v\":0.12345678901234567890,\"w\":1.10,\"d\":1,\"d\":2,\"big\":1e400,\"s\":\"\\u00e9\\\"\"}";
    static final String REST = "\"id\":\"p-1\",\"subject\":\"Sensor\",\"data\":" + DATA
        + ",\"eventType\":\"SensorChange\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\"";

    static String toEvent(String value) {
        SinkRecord r = new SinkRecord("twin.egress.eg", 0, Schema.BYTES_SCHEMA, null, Schema.OPTIONAL_BYTES_SCHEMA,
            value.getBytes(StandardCharsets.UTF_8), 7);
        return new String(EventGridEvents.toEvent(r), StandardCharsets.UTF_8);
    }

    /**
     * Event Grid sets {@code topic} itself, so it is taken out; nothing else may change: numbers keep
     * their digits ({@code 0.12345678901234567890}, {@code 1.10}, {@code 1e400}), duplicate members
     * stay, escapes and whitespace stay, wherever {@code topic} sits.
     */
    @Test
    void removingTopicKeepsEveryOtherByte() {
        String topic = "\"topic\":\"/subscriptions/x/topics/twins\"";
        assertEquals("{" + REST + "}", toEvent("{" + topic + "," + REST + "}"), "first");
        assertEquals("{" + REST + "}", toEvent("{" + REST + "," + topic + "}"), "last");
        String[] members = REST.split(",\"eventType\"");
        assertEquals("{" + REST + "}", toEvent("{" + members[0] + "," + topic + ",\"eventType\"" + members[1] + "}"), "middle");
        assertEquals("{\n  " + REST + "\n}", toEvent("{\n  " + topic + " ,\n  " + REST + "\n}"), "whitespace after it goes with it");
        assertEquals("{ " + REST + " }", toEvent("{ " + REST + " ,\t" + topic + " }"), "whitespace before it goes with it");
        assertEquals("{" + REST + "}", toEvent("{" + topic + "," + topic + "," + REST + "," + topic + "}"), "every top-level topic");
        String nested = "{" + REST.replace("\"d\":2", "\"topic\":\"inside data stays\"") + "}";
        assertEquals(nested, toEvent(nested), "only the top-level member");
    }

    @Test
    void anEventWithoutTopicIsTheValueItself() {
        assertEquals("{" + REST + "}", toEvent("{" + REST + "}"));
    }

    @Test
    void brokenJsonAfterTheTopicIsStillRejected() {
        assertThrows(RecordRejectedException.class, () -> toEvent("{\"topic\":\"x\"," + REST + ",}"));
    }
}
