package io.twinegress.connect.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.junit.jupiter.api.Test;

/**
 * The AMQP binding's two modes. What the service receives is judged by the CloudEvents SDK's AMQP
 * reader in the connectors' ITs (on the bytes the stand-in received); here: the binary mode's
 * property names and the structured mode's body, read back by the SDK's JSON format.
 */
class AmqpCloudEventTest {

    static final byte[] BODY = ("{\"id\":\"e-1\",\"topic\":\"/subscriptions/x/topics/t\",\"subject\":\"Sensor\",\"eventType\":\"SensorChange\","
        + "\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\",\"data\":{\"v\":1.50}}").getBytes(StandardCharsets.UTF_8);

    final CloudEventMapper mapper = new CloudEventMapper("twin-egress");

    @Test
    void binaryModePutsTheAttributesInPrefixedPropertiesAndTheDataInTheBody() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("traceparent", CloudEventMapperTest.TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        CloudEvent event = mapper.toCloudEvent(CloudEventMapperTest.record(BODY, headers), false);

        AmqpCloudEvent amqp = AmqpCloudEvent.of(event, CloudEventsMode.BINARY);

        assertArrayEquals("{\"v\":1.50}".getBytes(StandardCharsets.UTF_8), amqp.body());
        assertEquals("application/json", amqp.contentType());
        Map<String, Object> p = amqp.applicationProperties();
        assertEquals(List.of("cloudEvents:specversion", "cloudEvents:id", "cloudEvents:source", "cloudEvents:type",
            "cloudEvents:dataschema", "cloudEvents:subject", "cloudEvents:time", "cloudEvents:traceparent"), List.copyOf(p.keySet()));
        assertEquals("1.0", p.get("cloudEvents:specversion"));
        assertEquals("e-1", p.get("cloudEvents:id"));
        assertEquals("/subscriptions/x/topics/t", p.get("cloudEvents:source"));
        assertEquals("SensorChange", p.get("cloudEvents:type"));
        assertEquals(CloudEventMapperTest.TRACEPARENT, p.get("cloudEvents:traceparent"));
    }

    @Test
    void structuredModeCarriesTheWholeEventAsJson() {
        CloudEvent event = mapper.toCloudEvent(CloudEventMapperTest.record(BODY), false);

        AmqpCloudEvent amqp = AmqpCloudEvent.of(event, CloudEventsMode.STRUCTURED);

        assertEquals("application/cloudevents+json; charset=utf-8", amqp.contentType());
        assertEquals(Map.of(), amqp.applicationProperties());
        CloudEvent read = new JsonFormat().deserialize(amqp.body());
        assertEquals(event.getId(), read.getId());
        assertEquals(event.getSource(), read.getSource());
        assertEquals(event.getTime(), read.getTime());
        assertEquals(event.getDataSchema(), read.getDataSchema());
    }

    @Test
    void binaryModeHasWhatTheSdksReaderHandsOverInItsOrder() {
        for (CloudEvent e : CloudEventJsonTest.events()) {
            AmqpCloudEvent direct = AmqpCloudEvent.of(e, CloudEventsMode.BINARY);
            AmqpCloudEvent sdk = AmqpCloudEvent.viaReader(e);
            assertEquals(List.copyOf(sdk.applicationProperties().entrySet()), List.copyOf(direct.applicationProperties().entrySet()),
                e.getId());
            assertEquals(sdk.contentType(), direct.contentType(), e.getId());
            assertArrayEquals(sdk.body(), direct.body(), e.getId());
        }
    }

    @Test
    void binaryModeWritesANonStringExtensionAsTheSdkDoes() {
        CloudEvent e = CloudEventJsonTest.full().withExtension("count", 3).build();
        assertEquals("3", AmqpCloudEvent.of(e, CloudEventsMode.BINARY).applicationProperties().get("cloudEvents:count"));
    }

    @Test
    void binaryRawTelemetryIsTheBytesUnchanged() {
        byte[] raw = {0, (byte) 0xff, 10, 13};
        AmqpCloudEvent amqp = AmqpCloudEvent.of(mapper.toCloudEvent(CloudEventMapperTest.record(raw), true), CloudEventsMode.BINARY);
        assertArrayEquals(raw, amqp.body());
        assertEquals("application/octet-stream", amqp.contentType());
        assertEquals("DeviceMessage", amqp.applicationProperties().get("cloudEvents:type"));
        assertEquals("sensor-7", amqp.applicationProperties().get("cloudEvents:subject"));
    }
}
