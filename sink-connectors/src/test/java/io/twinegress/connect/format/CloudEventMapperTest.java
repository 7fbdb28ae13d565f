package io.twinegress.connect.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.models.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.schemas.EgressHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CloudEvent mapping, judged by official parsers: the Azure SDK's
 * {@link com.azure.core.models.CloudEvent} (what Azure's own consumers read events with) and the
 * CloudEvents SDK's JSON format, on the seed's sample events.
 */
class CloudEventMapperTest {

    static final String SOURCE = "/twin-egress/test-endpoint";
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    final CloudEventMapper mapper = new CloudEventMapper(SOURCE);

    static byte[] sample(String name) throws IOException {
        try (InputStream in = CloudEventMapperTest.class.getResourceAsStream("/samples/events/" + name)) {
            return in.readAllBytes();
        }
    }

    static SinkRecord record(byte[] value, ConnectHeaders headers) {
        return new SinkRecord("twin.egress.test", 0, Schema.BYTES_SCHEMA, "sensor-7".getBytes(StandardCharsets.UTF_8),
            Schema.BYTES_SCHEMA, value, 42L, 1_764_000_000_000L, TimestampType.CREATE_TIME, headers);
    }

    static SinkRecord record(byte[] value) {
        return record(value, new ConnectHeaders());
    }

    static CloudEvent azure(byte[] json) {
        List<CloudEvent> events = CloudEvent.fromString(new String(json, StandardCharsets.UTF_8));
        assertEquals(1, events.size());
        return events.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sensor-change.json", "space-change.json", "topology-operation.json", "udf-custom.json"})
    void aSeedEventMapsAsAzureMapsIt(String sample) throws IOException {
        byte[] body = sample(sample);
        com.fasterxml.jackson.databind.JsonNode in = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);

        byte[] json = CloudEventJson.serialize(mapper.toCloudEvent(record(body), false));

        CloudEvent e = azure(json);
        assertEquals(in.get("id").asText(), e.getId());
        assertEquals(in.get("topic").asText(), e.getSource());
        assertEquals(in.get("subject").asText(), e.getSubject());
        assertEquals(in.get("eventType").asText(), e.getType());
        assertEquals(OffsetDateTime.parse(in.get("eventTime").asText()).toInstant(), e.getTime().toInstant());
        assertEquals(in.get("dataVersion").asText(), e.getDataSchema());
        assertEquals("application/json", e.getDataContentType());
        assertEquals(in.get("data"), new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.getData().toBytes()));
        // the CloudEvents SDK reads the same event, spec version 1.0
        io.cloudevents.CloudEvent sdk = new JsonFormat().deserialize(json);
        assertEquals(io.cloudevents.SpecVersion.V1, sdk.getSpecVersion());
        assertEquals(URI.create(in.get("topic").asText()), sdk.getSource());
        assertEquals(in.get("data"), new com.fasterxml.jackson.databind.ObjectMapper().readTree(sdk.getData().toBytes()));
    }

    @Test
    void anEventWithoutATopicGetsTheConfiguredSource() {
        byte[] body = "{\"id\":\"e-1\",\"subject\":\"Space\",\"eventType\":\"SpaceChange\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\",\"data\":{}}"
            .getBytes(StandardCharsets.UTF_8);
        CloudEvent e = azure(CloudEventJson.serialize(mapper.toCloudEvent(record(body), false)));
        assertEquals(SOURCE, e.getSource());
        assertEquals("1.0", e.getDataSchema());
    }

    @Test
    void theDataIsTheProducersBytesExactly() {
        String data = "{ \"v\" : 1.50, \"big\":12345678901234567890123, \"s\":\"\\u00e9\" }";
        byte[] body = ("{\"id\":\"e-2\",\"data\":" + data + " ,\"eventType\":\"UdfCustom\",\"subject\":\"x\"}")
            .getBytes(StandardCharsets.UTF_8);
        byte[] json = CloudEventJson.serialize(mapper.toCloudEvent(record(body), false));
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"data\":" + data), text);
        assertEquals("UdfCustom", azure(json).getType());
    }

    @Test
    void scalarAndArrayDataAreKept() {
        for (String data : List.of("\"text\"", "42", "[1, 2, {\"a\":[]}]", "true")) {
            byte[] body = ("{\"id\":\"e\",\"eventType\":\"UdfCustom\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8);
            String text = new String(CloudEventJson.serialize(mapper.toCloudEvent(record(body), false)), StandardCharsets.UTF_8);
            assertTrue(text.contains("\"data\":" + data), text);
        }
    }

    @Test
    void anEventWithoutDataHasNoData() {
        byte[] body = "{\"id\":\"e\",\"eventType\":\"UdfCustom\",\"data\":null}".getBytes(StandardCharsets.UTF_8);
        CloudEvent e = azure(CloudEventJson.serialize(mapper.toCloudEvent(record(body), false)));
        assertNull(e.getData());
        assertNull(e.getDataContentType());
    }

    @Test
    void rawTelemetryBecomesACloudEventWithTheBytesAsDataAndTheKeyAsSubject() {
        byte[] raw = new byte[256];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) i;
        }
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes(EgressHeaders.EVENT_ID, "dm-1".getBytes(StandardCharsets.UTF_8));
        byte[] json = CloudEventJson.serialize(mapper.toCloudEvent(record(raw, headers), true));

        CloudEvent e = azure(json);
        assertArrayEquals(raw, e.getData().toBytes());
        assertEquals("sensor-7", e.getSubject());
        assertEquals("DeviceMessage", e.getType());
        assertEquals("dm-1", e.getId());
        assertEquals(SOURCE, e.getSource());
        assertEquals("application/octet-stream", e.getDataContentType());
        assertEquals(1_764_000_000_000L, e.getTime().toInstant().toEpochMilli());
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"data_base64\""));
    }

    @Test
    void rawTelemetryWithoutAnIdHeaderIsIdentifiedByItsCoordinates() {
        io.cloudevents.CloudEvent e = mapper.toCloudEvent(record(new byte[] {1, 2}), true);
        assertEquals("twin.egress.test-0-42", e.getId());
    }

    @Test
    void theTraceContextBecomesTheDistributedTracingExtension() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        headers.addBytes("tracestate", "congo=t61rcWkgMzE".getBytes(StandardCharsets.UTF_8));
        byte[] body = "{\"id\":\"e\",\"eventType\":\"UdfCustom\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);

        CloudEvent e = azure(CloudEventJson.serialize(mapper.toCloudEvent(record(body, headers), false)));

        Map<String, Object> ext = e.getExtensionAttributes();
        assertEquals(TRACEPARENT, ext.get("traceparent"));
        assertEquals("congo=t61rcWkgMzE", ext.get("tracestate"));
    }

    @Test
    void anInvalidTraceparentIsNotCarried() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("traceparent", "not-a-trace".getBytes(StandardCharsets.UTF_8));
        byte[] body = "{\"id\":\"e\",\"eventType\":\"UdfCustom\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
        io.cloudevents.CloudEvent e = mapper.toCloudEvent(record(body, headers), false);
        assertFalse(e.getExtensionNames().contains("traceparent"));
    }

    @Test
    void whatCannotBeMappedIsRefusedWithTheReason() {
        assertEquals(CloudEventMapper.NOT_AN_OBJECT, refusal("not json"));
        assertEquals(CloudEventMapper.NOT_AN_OBJECT, refusal("[1,2]"));
        assertEquals(CloudEventMapper.NOT_AN_OBJECT, refusal("{\"id\":\"e\"} trailing"));
        assertEquals(CloudEventMapper.NO_ID, refusal("{\"eventType\":\"UdfCustom\"}"));
        assertEquals(CloudEventMapper.NO_TYPE, refusal("{\"id\":\"e\"}"));
        assertTrue(refusal("{\"id\":\"e\",\"eventType\":\"T\",\"eventTime\":\"yesterday\"}").contains("eventTime"));
        assertTrue(refusal("{\"id\":\"e\",\"eventType\":\"T\",\"topic\":\"a topic with spaces\"}").contains("topic"));
    }

    @Test
    void theIdComesFromTheRoutersHeaderWhenTheBodyHasNone() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes(EgressHeaders.EVENT_ID, "from-header".getBytes(StandardCharsets.UTF_8));
        byte[] body = "{\"eventType\":\"UdfCustom\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
        assertEquals("from-header", mapper.toCloudEvent(record(body, headers), false).getId());
    }

    @Test
    void nestedDataIsKeptByteForByte() {
        String data = "{\"a\":{\"b\":[{\"c\":\"}]\\\"{\"}, [], {}]}, \"d\": null}";
        byte[] body = ("{\"eventType\":\"UdfCustom\", \"data\" : " + data + "\n, \"id\":\"e\"}").getBytes(StandardCharsets.UTF_8);
        io.cloudevents.CloudEvent e = mapper.toCloudEvent(record(body), false);
        assertArrayEquals(data.getBytes(StandardCharsets.UTF_8), e.getData().toBytes());
        String text = new String(CloudEventJson.serialize(e), StandardCharsets.UTF_8);
        assertTrue(text.endsWith(",\"data\":" + data + "}"), text);
        assertEquals("UdfCustom", azure(CloudEventJson.serialize(e)).getType());
    }

    @Test
    void aTimeWithAnOffsetKeepsItsInstantAndOffset() {
        byte[] body = "{\"id\":\"e\",\"eventType\":\"T\",\"eventTime\":\"2026-11-22T15:30:00.25+05:30\"}".getBytes(StandardCharsets.UTF_8);
        io.cloudevents.CloudEvent e = mapper.toCloudEvent(record(body), false);
        assertEquals(OffsetDateTime.parse("2026-11-22T15:30:00.25+05:30"), e.getTime());
        byte[] json = CloudEventJson.serialize(e);
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"time\":\"2026-11-22T15:30:00.25+05:30\""));
        assertEquals(OffsetDateTime.parse("2026-11-22T10:00:00.25Z").toInstant(), azure(json).getTime().toInstant());
        assertEquals("2026-11-22T15:30:00.25+05:30",
            AmqpCloudEvent.of(e, CloudEventsMode.BINARY).applicationProperties().get("cloudEvents:time"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-22t10:00:00z", "2026-11-22T10:00:00+05:30:15", "2026-11-22T10:00", "2026-11-22T10:00:00.5+18:00"})
    void aTimeOutsideTheCommonShapeIsStillReadByTheGeneralParser(String time) {
        byte[] body = ("{\"id\":\"e\",\"eventType\":\"T\",\"eventTime\":\"" + time + "\"}").getBytes(StandardCharsets.UTF_8);
        OffsetDateTime expected;
        try {
            expected = OffsetDateTime.parse(time);
        } catch (java.time.format.DateTimeParseException noOffset) {
            expected = java.time.LocalDateTime.parse(time).atOffset(java.time.ZoneOffset.UTC);
        }
        assertEquals(expected, mapper.toCloudEvent(record(body), false).getTime());
    }

    @Test
    void repeatedAndAlternatingTopicsAndVersionsEachMapToTheirOwnUris() {
        List<String> topics = List.of("/subscriptions/a/topics/t", "/subscriptions/a/topics/t", "urn:b", "/subscriptions/a/topics/t", "urn:b");
        for (int i = 0; i < topics.size(); i++) {
            String version = i % 2 == 0 ? "1.0" : "2.0";
            byte[] body = ("{\"id\":\"e\",\"eventType\":\"T\",\"topic\":\"" + topics.get(i) + "\",\"dataVersion\":\"" + version + "\"}")
                .getBytes(StandardCharsets.UTF_8);
            io.cloudevents.CloudEvent e = mapper.toCloudEvent(record(body), false);
            assertEquals(URI.create(topics.get(i)), e.getSource(), "event " + i);
            assertEquals(URI.create(version), e.getDataSchema(), "event " + i);
        }
        // a bad value after a good one is refused, and the good one still maps
        assertTrue(refusal("{\"id\":\"e\",\"eventType\":\"T\",\"topic\":\"a topic with spaces\"}").contains("topic"));
        assertTrue(refusal("{\"id\":\"e\",\"eventType\":\"T\",\"dataVersion\":\"1 .0\"}").contains("dataVersion"));
        byte[] good = "{\"id\":\"e\",\"eventType\":\"T\",\"topic\":\"urn:b\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(URI.create("urn:b"), mapper.toCloudEvent(record(good), false).getSource());
    }

    @Test
    void aBlankTopicUsesTheConfiguredSource() {
        byte[] body = "{\"id\":\"e\",\"eventType\":\"T\",\"topic\":\"  \"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(SOURCE, azure(CloudEventJson.serialize(mapper.toCloudEvent(record(body), false))).getSource());
    }

    @Test
    void theMappedEventIsWrittenAsTheSdkWritesIt() throws IOException {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("TraceParent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        for (String sample : List.of("sensor-change.json", "space-change.json", "topology-operation.json", "udf-custom.json")) {
            io.cloudevents.CloudEvent e = mapper.toCloudEvent(record(sample(sample), headers), false);
            assertArrayEquals(new JsonFormat().serialize(e), CloudEventJson.serialize(e), sample);
            assertEquals(TRACEPARENT, e.getExtension("traceparent"), "the header name in any case");
        }
    }

    @Test
    void aTimeWithoutAnOffsetIsReadAsUtc() {
        assertEquals(OffsetDateTime.parse("2026-11-22T10:00:00.1234567Z"), CloudEventMapper.time("2026-11-22T10:00:00.1234567"));
    }

    String refusal(String body) {
        return assertThrows(RecordRejectedException.class,
            () -> mapper.toCloudEvent(record(body.getBytes(StandardCharsets.UTF_8)), false)).getMessage();
    }
}
