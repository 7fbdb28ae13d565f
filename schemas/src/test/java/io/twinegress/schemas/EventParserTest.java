package io.twinegress.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventParserTest {

    private static final String SENSOR_CHANGE = JsonSchemas.resource("samples/events/sensor-change.json");

    private final EventParser parser = new EventParser();

    /** A seed event with one change applied, as JSON text. */
    private static String sensorChangeWith(Consumer<ObjectNode> change) {
        try {
            ObjectNode node = (ObjectNode) JsonSchemas.MAPPER.readTree(SENSOR_CHANGE);
            change.accept(node);
            return JsonSchemas.MAPPER.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Invalid events that are still JSON: the schema must reject them too. */
    static Stream<Arguments> invalidJsonEvents() {
        return Stream.of(
            Arguments.of("no eventType", sensorChangeWith(n -> n.remove("eventType")), "eventType", "is required"),
            Arguments.of("null eventType", sensorChangeWith(n -> n.putNull("eventType")), "eventType", "is required"),
            Arguments.of("unknown eventType", sensorChangeWith(n -> n.put("eventType", "TwinDeleted")), "eventType",
                    "unknown event type \"TwinDeleted\"; expected one of [TopologyOperation, UdfCustom, SensorChange, SpaceChange, DeviceMessage]"),
            Arguments.of("eventType differs in case", sensorChangeWith(n -> n.put("eventType", "sensorchange")), "eventType",
                    "unknown event type \"sensorchange\""),
            Arguments.of("eventType a number", sensorChangeWith(n -> n.put("eventType", 3)), "eventType", "expected a string, got a number"),
            Arguments.of("no id", sensorChangeWith(n -> n.remove("id")), "id", "is required and must not be empty"),
            Arguments.of("empty id", sensorChangeWith(n -> n.put("id", "")), "id", "is required and must not be empty"),
            Arguments.of("id an object", sensorChangeWith(n -> n.putObject("id")), "id", "expected a string, got an object"),
            Arguments.of("no subject", sensorChangeWith(n -> n.remove("subject")), "subject", "is required"),
            Arguments.of("no data", sensorChangeWith(n -> n.remove("data")), "data", "is required"),
            Arguments.of("data a string", sensorChangeWith(n -> n.put("data", "x")), "data", "expected a JSON object, got a string"),
            Arguments.of("data an array", sensorChangeWith(n -> n.putArray("data")), "data", "expected a JSON object, got an array"),
            Arguments.of("no eventTime", sensorChangeWith(n -> n.remove("eventTime")), "eventTime", "is required"),
            Arguments.of("eventTime not a date", sensorChangeWith(n -> n.put("eventTime", "yesterday")), "eventTime",
                    "not an ISO-8601 date-time with offset: \"yesterday\""),
            Arguments.of("eventTime without offset", sensorChangeWith(n -> n.put("eventTime", "2018-04-17T17:46:18")), "eventTime",
                    "not an ISO-8601 date-time with offset"),
            Arguments.of("no dataVersion", sensorChangeWith(n -> n.remove("dataVersion")), "dataVersion", "is required"),
            Arguments.of("dataVersion a number", sensorChangeWith(n -> n.put("dataVersion", 1)), "dataVersion", "expected a string, got a number"),
            Arguments.of("topic a boolean", sensorChangeWith(n -> n.put("topic", true)), "topic", "expected a string, got a boolean"),
            Arguments.of("subject a number", sensorChangeWith(n -> n.put("subject", 7)), "subject", "expected a string, got a number"),
            Arguments.of("null subject", sensorChangeWith(n -> n.putNull("subject")), "subject", "is required"),
            Arguments.of("null eventTime", sensorChangeWith(n -> n.putNull("eventTime")), "eventTime", "is required"),
            Arguments.of("eventTime a number", sensorChangeWith(n -> n.put("eventTime", 1)), "eventTime", "expected a string, got a number"),
            Arguments.of("null dataVersion", sensorChangeWith(n -> n.putNull("dataVersion")), "dataVersion", "is required"),
            Arguments.of("metadataVersion an array", sensorChangeWith(n -> n.putArray("metadataVersion")), "metadataVersion",
                    "expected a string, got an array"),
            Arguments.of("unknown eventType reported before a missing id", sensorChangeWith(n -> {
                n.put("eventType", "TwinDeleted");
                n.remove("id");
            }), "eventType", "unknown event type \"TwinDeleted\""),
            Arguments.of("bad eventTime reported before a missing dataVersion", sensorChangeWith(n -> {
                n.put("eventTime", "2018-02-30T00:00:00Z");
                n.remove("dataVersion");
            }), "eventTime", "not an ISO-8601 date-time with offset: \"2018-02-30T00:00:00Z\""),
            Arguments.of("array, not object", "[" + SENSOR_CHANGE + "]", "$", "an event must be a JSON object"),
            Arguments.of("a bare string", "\"SensorChange\"", "$", "an event must be a JSON object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidJsonEvents")
    void invalidEventIsRejectedWithItsFieldAndReason(String name, String json, String field, String reason) {
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> parser.envelope(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(field, e.field());
        assertTrue(e.reason().startsWith(reason), () -> "reason was: " + e.reason());
        assertFalse(JsonSchemas.errors(JsonSchemas.EVENT, json).isEmpty(), "the JSON Schema must reject it too");
        InvalidEventException full = assertThrows(InvalidEventException.class,
                () -> parser.parse(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(e.getMessage(), full.getMessage(), "the full parse rejects it the same way");
    }

    static Stream<Arguments> notJson() {
        String deep = "{\"data\":" + "{\"a\":".repeat(EventParser.MAX_NESTING_DEPTH + 5) + "1" + "}".repeat(EventParser.MAX_NESTING_DEPTH + 6);
        byte[] invalidUtf8 = SENSOR_CHANGE.replace("Motion", "MOTION_").getBytes(StandardCharsets.UTF_8);
        int at = SENSOR_CHANGE.indexOf("Motion") + 6;
        invalidUtf8[at] = (byte) 0xC3;
        invalidUtf8[at + 1] = (byte) 0x28;
        return Stream.of(
            Arguments.of("plain text", "hello".getBytes(StandardCharsets.UTF_8), "not valid JSON: Unrecognized token 'hello'"),
            Arguments.of("empty bytes", new byte[0], "an event must be a JSON object"),
            Arguments.of("truncated", SENSOR_CHANGE.substring(0, SENSOR_CHANGE.length() / 2).getBytes(StandardCharsets.UTF_8), "not valid JSON: Unexpected end-of-input"),
            Arguments.of("trailing content", (SENSOR_CHANGE + "{}").getBytes(StandardCharsets.UTF_8), "unexpected content after the event's JSON object"),
            Arguments.of("duplicate field", SENSOR_CHANGE.replace("\"subject\"", "\"id\": \"x\", \"subject\"").getBytes(StandardCharsets.UTF_8), "not valid JSON: Duplicate field 'id'"),
            Arguments.of("deeply nested", deep.getBytes(StandardCharsets.UTF_8), "nested deeper than " + EventParser.MAX_NESTING_DEPTH + " levels"),
            Arguments.of("invalid UTF-8", invalidUtf8, "not valid JSON: Invalid UTF-8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notJson")
    void unreadableInputIsRejectedForTheWholeRecord(String name, byte[] value, String reason) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> parser.envelope(value));
        assertEquals("$", e.field());
        assertTrue(e.reason().startsWith(reason), () -> "reason was: " + e.reason());
        InvalidEventException full = assertThrows(InvalidEventException.class, () -> parser.parse(value));
        assertEquals(e.getMessage(), full.getMessage(), "the full parse rejects it the same way");
    }

    @Test
    void nullValueIsRejected() {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> parser.envelope(null));
        assertEquals("$: the record has no value", e.getMessage());
    }

    @Test
    void hugeValueIsCutShortInTheReason() {
        String huge = "X".repeat(100_000);
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> parser.envelope(sensorChangeWith(n -> n.put("eventType", huge)).getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().length() < 300, "message length " + e.getMessage().length());
    }

    @Test
    void optionalFieldsMayBeAbsentOrNullAndUnknownFieldsAreTolerated() {
        String json = sensorChangeWith(n -> {
            n.remove("topic");
            n.putNull("metadataVersion");
            n.put("extension", "kept by the router, ignored here");
        });
        Event event = parser.parse(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(EventType.SensorChange, event.eventType());
        assertEquals(null, event.topic());
        assertEquals(null, event.metadataVersion());
        assertNotNull(event.data());
        assertEquals(java.util.List.of(), JsonSchemas.errors(JsonSchemas.EVENT, json));
    }

    @Test
    void envelopeReadsEscapedValuesAsDecoded() {
        String json = sensorChangeWith(n -> n.put("id", "\u00e9 \"quoted\""))
                .replace("\"eventType\":\"SensorChange\"", "\"eventType\":\"Sensor\\u0043hange\"")
                .replace("\"eventTime\":\"2", "\"eventTime\":\"\\u0032");
        assertTrue(json.contains("Sensor\\u0043hange") && json.contains("\"eventTime\":\"\\u0032"), json);
        Envelope envelope = parser.envelope(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(new Envelope("\u00e9 \"quoted\"", EventType.SensorChange), envelope);
        assertEquals(envelope.id(), parser.parse(json.getBytes(StandardCharsets.UTF_8)).id());
    }

    @Test
    void deviceMessageIsAKnownEventType() {
        String json = sensorChangeWith(n -> n.put("eventType", "DeviceMessage"));
        assertEquals(EventType.DeviceMessage, parser.envelope(json.getBytes(StandardCharsets.UTF_8)).eventType());
    }

    @Test
    void failureIsAKafkaSerializationException() {
        assertTrue(org.apache.kafka.common.errors.SerializationException.class.isAssignableFrom(InvalidEventException.class));
    }
}
