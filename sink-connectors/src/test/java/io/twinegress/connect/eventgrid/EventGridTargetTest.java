package io.twinegress.connect.eventgrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.core.models.CloudEvent;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.schemas.EgressHeaders;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** What each Event Grid target and format puts on the wire: URL, key header, content type, events per request, body. */
class EventGridTargetTest {

    static final String EVENT = "{\"id\":\"e-1\",\"topic\":\"/subscriptions/x\",\"subject\":\"Sensor\",\"data\":{\"v\":1},"
        + "\"eventType\":\"SensorChange\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\"}";

    static EventGridTarget target(Map<String, String> extra) {
        Map<String, String> p = new HashMap<>();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, "a2V5MQ==");
        p.put(DeliveryConfig.PATH_CONFIG, "contoso.westus2-1.eventgrid.azure.net");
        p.putAll(extra);
        return new EventGridTarget(new EventGridSinkConfig(p));
    }

    static SinkRecord record(String value, String type) {
        ConnectHeaders h = new ConnectHeaders();
        if (type != null) {
            h.addBytes(EgressHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8));
        }
        return new SinkRecord("t", 0, Schema.BYTES_SCHEMA, null, Schema.BYTES_SCHEMA,
            value.getBytes(StandardCharsets.UTF_8), 0L, null, null, h);
    }

    static Map<String, List<String>> headers(EventGridTarget t) {
        return t.authorize(HttpRequest.newBuilder(URI.create("http://127.0.0.1/")), new Password("k3y")).GET().build()
            .headers().map();
    }

    @Test
    void aTopicTakesTheKeyInAegSasKeyAndEventGridSchemaEvents() {
        EventGridTarget t = target(Map.of());
        assertEquals(URI.create("https://contoso.westus2-1.eventgrid.azure.net/api/events?api-version=2018-01-01"), t.endpoint());
        assertEquals(Map.of("aeg-sas-key", List.of("k3y")), lowerCaseNames(headers(t)));
        assertEquals("application/json", t.contentType());
        assertEquals(5000, t.maxEventsPerRequest());
        assertArrayEquals(EVENT.replace("\"topic\":\"/subscriptions/x\",", "").getBytes(StandardCharsets.UTF_8),
            t.encode(record(EVENT, null)), "as-is: the event without its topic");
    }

    @Test
    void aTopicWithCloudEventsGetsTheBatchFormat() {
        EventGridTarget t = target(Map.of("event.format", "cloudevents"));
        assertEquals("application/cloudevents-batch+json; charset=utf-8", t.contentType());
        CloudEvent e = CloudEvent.fromString(new String(t.encode(record(EVENT, null)), StandardCharsets.UTF_8)).get(0);
        assertEquals("/subscriptions/x", e.getSource());
        assertEquals("SensorChange", e.getType());
    }

    @Test
    void aNamespaceTopicTakesSharedAccessKeyAndAThousandEvents() {
        EventGridTarget t = target(Map.of("event.format", "cloudevents", "eventgrid.kind", "namespace-topic",
            "namespace.topic", "twins"));
        assertEquals(URI.create("https://contoso.westus2-1.eventgrid.azure.net/topics/twins:publish?api-version=2023-11-01"),
            t.endpoint());
        assertEquals(Map.of("authorization", List.of("SharedAccessKey k3y")), lowerCaseNames(headers(t)));
        assertEquals(1000, t.maxEventsPerRequest());
        assertEquals("application/cloudevents-batch+json; charset=utf-8", t.contentType());
    }

    @Test
    void aDeviceMessageIsRefusedInEitherFormat() {
        for (String format : List.of("as-is", "cloudevents")) {
            EventGridTarget t = target(Map.of("event.format", format));
            assertEquals(EventGridEvents.DEVICE_MESSAGE_REJECTED,
                assertThrows(RecordRejectedException.class, () -> t.encode(record("{}", "DeviceMessage"))).getMessage(), format);
            String byBody = "{\"id\":\"d\",\"eventType\":\"DeviceMessage\",\"subject\":\"s\",\"eventTime\":\"2026-11-22T10:00:00Z\","
                + "\"dataVersion\":\"1\",\"data\":{}}";
            assertEquals(EventGridEvents.DEVICE_MESSAGE_REJECTED,
                assertThrows(RecordRejectedException.class, () -> t.encode(record(byBody, null))).getMessage(), format);
        }
    }

    static Map<String, List<String>> lowerCaseNames(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new HashMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return out;
    }
}
