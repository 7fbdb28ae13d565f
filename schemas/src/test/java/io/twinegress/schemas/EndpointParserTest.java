package io.twinegress.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointParserTest {

    private final EndpointParser parser = new EndpointParser();

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** One case per record-level rule, with the exact message the status topic will carry. */
    static Stream<Arguments> brokenRules() {
        return Stream.of(
            Arguments.of(EndpointRule.FIELD_REQUIRED, "type",
                "{\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}",
                "type: field is required"),
            Arguments.of(EndpointRule.FIELD_TYPE, "type",
                "{\"type\":7,\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}",
                "type: field has the wrong type (expected a string, got a number)"),
            Arguments.of(EndpointRule.TYPE_UNKNOWN, "type",
                "{\"type\":\"StorageQueue\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}",
                "type: type must be one of [ServiceBus, EventGrid, EventHub] (got \"StorageQueue\")"),
            Arguments.of(EndpointRule.FIELD_REQUIRED, "eventTypes",
                "{\"type\":\"ServiceBus\",\"path\":\"t\"}",
                "eventTypes: field is required"),
            Arguments.of(EndpointRule.FIELD_TYPE, "eventTypes",
                "{\"type\":\"ServiceBus\",\"eventTypes\":\"SensorChange\",\"path\":\"t\"}",
                "eventTypes: field has the wrong type (expected an array of strings, got a string)"),
            Arguments.of(EndpointRule.EVENT_TYPES_EMPTY, "eventTypes",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[],\"path\":\"t\"}",
                "eventTypes: eventTypes must name at least one event type"),
            Arguments.of(EndpointRule.EVENT_TYPE_UNKNOWN, "eventTypes[1]",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\",\"TwinDeleted\"],\"path\":\"t\"}",
                "eventTypes[1]: eventTypes may only hold [TopologyOperation, UdfCustom, SensorChange, SpaceChange, DeviceMessage] (got \"TwinDeleted\")"),
            Arguments.of(EndpointRule.FIELD_TYPE, "eventTypes[0]",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[1],\"path\":\"t\"}",
                "eventTypes[0]: field has the wrong type (expected a string, got a number)"),
            Arguments.of(EndpointRule.EVENT_TYPE_DUPLICATE, "eventTypes[1]",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\",\"SensorChange\"],\"path\":\"t\"}",
                "eventTypes[1]: eventTypes names the same event type twice (got SensorChange again)"),
            Arguments.of(EndpointRule.DEVICE_MESSAGE_ONLY_EVENT_HUB, "eventTypes",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"t\"}",
                "eventTypes: DeviceMessage is allowed only on an EventHub endpoint (type is ServiceBus)"),
            Arguments.of(EndpointRule.DEVICE_MESSAGE_ONLY_EVENT_HUB, "eventTypes",
                "{\"type\":\"EventGrid\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"t.westus-1.eventgrid.azure.net\"}",
                "eventTypes: DeviceMessage is allowed only on an EventHub endpoint (type is EventGrid)"),
            Arguments.of(EndpointRule.DEVICE_MESSAGE_ALONE, "eventTypes",
                "{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\",\"SensorChange\"],\"path\":\"hub\"}",
                "eventTypes: an endpoint with DeviceMessage carries no other event type (got [SensorChange, DeviceMessage])"),
            Arguments.of(EndpointRule.DEVICE_MESSAGE_ENTITY_REQUIRED, "path",
                "{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"]}",
                "path: an EventHub endpoint for DeviceMessage must name its Event Hub in path"),
            Arguments.of(EndpointRule.DEVICE_MESSAGE_ENTITY_REQUIRED, "path",
                "{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"  \"}",
                "path: an EventHub endpoint for DeviceMessage must name its Event Hub in path"),
            Arguments.of(EndpointRule.PATH_INVALID, "path",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"]}",
                "path: " + EndpointRule.PATH_INVALID.message() + " (missing)"),
            Arguments.of(EndpointRule.PATH_INVALID, "path",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"my topic\"}",
                "path: " + EndpointRule.PATH_INVALID.message() + " (contains whitespace)"),
            Arguments.of(EndpointRule.PATH_INVALID, "path",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"" + "p".repeat(261) + "\"}",
                "path: " + EndpointRule.PATH_INVALID.message() + " (261 characters)"),
            Arguments.of(EndpointRule.FIELD_TYPE, "path",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":[\"t\"]}",
                "path: field has the wrong type (expected a string, got an array)"),
            Arguments.of(EndpointRule.MALFORMED_JSON, "$",
                "[\"ServiceBus\"]",
                "$: endpoint record is not a JSON object (got an array)"),
            // filter: every way it can be refused, each with what was expected and where
            Arguments.of(EndpointRule.FILTER_INVALID, "filter",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":40}",
                "filter: expected a string, got a number"),
            Arguments.of(EndpointRule.FILTER_INVALID, "filter",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":[\"subject = 'x'\"]}",
                "filter: expected a string, got an array"),
            Arguments.of(EndpointRule.FILTER_INVALID, "filter",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":\"\"}",
                "filter: expected an expression such as type = 'SensorChange', or true, got an empty filter at position 1"),
            Arguments.of(EndpointRule.FILTER_INVALID, "filter",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":\"  \"}",
                "filter: expected an expression such as type = 'SensorChange', or true, got an empty filter at position 1"),
            Arguments.of(EndpointRule.FILTER_INVALID, "filter",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":\"(subject = 'x'\"}",
                "filter: expected ')' to close the '(' at position 1, got the end of the filter at position 15"),
            Arguments.of(EndpointRule.FILTER_INVALID, "filter",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":\"LOWER(subject) = 'x'\"}",
                "filter: expected a function (STARTS_WITH, ENDS_WITH, CONTAINS, IS_DEFINED), got LOWER at position 1"),
            Arguments.of(EndpointRule.FILTER_INVALID, "filter",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":\"sensor = 'x'\"}",
                "filter: expected an attribute (type, source, subject, id, time, dataschema, metadataVersion, key, $body.<path> (or the "
                    + "event's field names eventType, topic, eventTime, dataVersion, data.<path>)), got sensor at position 1"),
            Arguments.of(EndpointRule.FILTER_INVALID, "filter",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":\"subject = '" + "x".repeat(4090) + "'\"}",
                "filter: expected at most 4096 characters, got 4102 at position 4097"),
            Arguments.of(EndpointRule.FILTER_INVALID, "filter",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":\"" + "(".repeat(33) + "true" + ")".repeat(33) + "\"}",
                "filter: expected at most 32 levels of nesting (each parenthesis and NOT is one) at position 33"),
            Arguments.of(EndpointRule.FILTER_INVALID, "filter",
                "{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"hub\",\"filter\":\"key = 'd1' OR $body.DeviceId = 'd1'\"}",
                "filter: expected key, the only attribute of raw telemetry (a DeviceMessage endpoint's filter may use the record key "
                    + "only: raw telemetry is never parsed), got $body at position 15"),
            // replayFrom: an RFC 3339 date-time with a zone, or nothing
            Arguments.of(EndpointRule.FIELD_TYPE, "replayFrom",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"replayFrom\":1763805600000}",
                "replayFrom: field has the wrong type (expected a string, got a number)"),
            Arguments.of(EndpointRule.REPLAY_FROM_INVALID, "replayFrom",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"replayFrom\":\"2h\"}",
                "replayFrom: " + EndpointRule.REPLAY_FROM_INVALID.message() + " (got \"2h\")"),
            Arguments.of(EndpointRule.REPLAY_FROM_INVALID, "replayFrom",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"replayFrom\":\"2026-11-20T08:00:00\"}",
                "replayFrom: " + EndpointRule.REPLAY_FROM_INVALID.message() + " (got \"2026-11-20T08:00:00\")"),
            Arguments.of(EndpointRule.REPLAY_FROM_INVALID, "replayFrom",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"replayFrom\":\"2026-02-30T08:00:00Z\"}",
                "replayFrom: " + EndpointRule.REPLAY_FROM_INVALID.message() + " (got \"2026-02-30T08:00:00Z\")"));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("brokenRules")
    void eachRuleIsRejectedWithItsOwnMessage(EndpointRule rule, String field, String json, String message) {
        InvalidEndpointException e = assertThrows(InvalidEndpointException.class, () -> parser.parse("ep-1", utf8(json)));
        assertEquals(rule, e.rule());
        assertEquals(field, e.field());
        assertEquals(message, e.getMessage());
        // The schema checks the filter's shape (a non-blank string of at most 4096 characters), not its grammar.
        boolean schemaCanTell = rule != EndpointRule.FILTER_INVALID || !json.contains("\"filter\":\"") || json.contains("\"filter\":\"\"")
                || json.contains("\"filter\":\"  \"") || json.length() > 4096;
        if (rule != EndpointRule.MALFORMED_JSON && schemaCanTell) {
            assertFalse(JsonSchemas.errors(JsonSchemas.ENDPOINT, json).isEmpty(), "the JSON Schema must reject it too");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "slash/no", "colon:no", "ümlaut"})
    void badIdIsRejected(String id) {
        InvalidEndpointException e = assertThrows(InvalidEndpointException.class,
                () -> parser.parse(id, utf8("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}")));
        assertEquals(EndpointRule.ID_FORMAT, e.rule());
        assertEquals("id", e.field());
    }

    @Test
    void idOfTwoHundredCharactersIsTheLongestAccepted() {
        byte[] body = utf8("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}");
        assertEquals("a".repeat(200), parser.parse("a".repeat(200), body).endpoint().id());
        assertEquals(EndpointRule.ID_FORMAT,
                assertThrows(InvalidEndpointException.class, () -> parser.parse("a".repeat(201), body)).rule());
        assertEquals("id: " + EndpointRule.ID_FORMAT.message() + " (the record has no key)",
                assertThrows(InvalidEndpointException.class, () -> parser.parse(null, body)).getMessage());
    }

    @Test
    void notJsonIsMalformed() {
        InvalidEndpointException e = assertThrows(InvalidEndpointException.class, () -> parser.parse("ep", utf8("{type: ServiceBus")));
        assertEquals(EndpointRule.MALFORMED_JSON, e.rule());
        assertEquals("$: endpoint record is not a JSON object (not valid JSON at line 1, column 2)", e.getMessage());
        assertEquals(EndpointRule.MALFORMED_JSON,
                assertThrows(InvalidEndpointException.class, () -> parser.parse("ep", null)).rule());
    }

    @Test
    void unknownFieldsAndSecretsAreWarningsThatNeverQuoteAValue() {
        String canary = "CANARY-9f1c7e";
        ParsedEndpoint parsed = parser.parse("ep", utf8("{\"type\":\"EventHub\",\"eventTypes\":[\"SpaceChange\"],"
                + "\"path\":\"hub\",\"connectionString\":\"Endpoint=sb://x/;SharedAccessKey=" + canary + "\",\"retention\":3}"));
        assertEquals(List.of(String.format(EndpointParser.SECRET_WARNING, "connectionString"),
                "unknown field \"retention\" ignored"), parsed.warnings());
        assertFalse(parsed.toString().contains(canary));
        assertEquals(new Endpoint("ep", EndpointType.EventHub, EnumSet.of(EventType.SpaceChange), "hub"), parsed.endpoint());
    }

    @Test
    void secretInARejectedRecordIsNotQuotedInTheError() {
        String canary = "CANARY-77aa";
        InvalidEndpointException e = assertThrows(InvalidEndpointException.class, () -> parser.parse("ep",
                utf8("{\"type\":\"Nope\",\"eventTypes\":[\"SpaceChange\"],\"path\":\"t\",\"connectionString\":\"" + canary + "\"}")));
        assertFalse(e.getMessage().contains(canary));
    }

    @Test
    void unparseableRecordNeverQuotesTheTokenItChokedOn() {
        String canary = "CANARY-unquoted-5e1d";
        InvalidEndpointException e = assertThrows(InvalidEndpointException.class, () -> parser.parse("ep",
                utf8("{\"type\":\"ServiceBus\",\"connectionString\":" + canary + "}")));
        assertEquals(EndpointRule.MALFORMED_JSON, e.rule());
        assertFalse(e.getMessage().contains("CANARY"), e.getMessage());
    }

    @Test
    void deviceMessageEndpointForAnEventHubIsValid() {
        Endpoint endpoint = parser.parse("telemetry",
                utf8("{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"raw-hub\"}")).endpoint();
        assertTrue(endpoint.carriesDeviceMessages());
    }

    @Test
    void aFilterIsCompiledWithTheEndpoint() {
        ParsedEndpoint parsed = parser.parse("motion", utf8("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\","
                + "\"filter\":\"data.DataType='Motion' or eventType = 'SpaceChange' and subject != 'x'\"}"));
        assertTrue(parsed.warnings().isEmpty(), "filter is a known field");
        Endpoint endpoint = parsed.endpoint();
        assertEquals("data.DataType='Motion' or eventType = 'SpaceChange' and subject != 'x'", endpoint.filter().text());
        assertEquals("$body.DataType = 'Motion' OR (type = 'SpaceChange' AND subject != 'x')", endpoint.filter().canonical());
        String json = "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":\"$body.DataType = 'Motion'\"}";
        assertEquals(List.of(), JsonSchemas.errors(JsonSchemas.ENDPOINT, json));
    }

    @Test
    void noFilterOrANullOneIsEveryEventOfTheTypes() {
        for (String json : List.of("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":null}")) {
            assertEquals(null, parser.parse("ep", utf8(json)).endpoint().filter(), json);
            assertEquals(List.of(), JsonSchemas.errors(JsonSchemas.ENDPOINT, json), json);
        }
    }

    @Test
    void replayFromIsAnInstantWrittenBackInUtc() {
        for (String from : List.of("2026-11-20T10:00:00+02:00", "2026-11-20T08:00:00Z", "2026-11-20t08:00:00.000z")) {
            String json = "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"replayFrom\":\"" + from + "\"}";
            ParsedEndpoint parsed = parser.parse("ep", utf8(json));
            assertEquals(java.time.Instant.parse("2026-11-20T08:00:00Z"), parsed.endpoint().replayFrom(), from);
            assertTrue(parsed.warnings().isEmpty(), "replayFrom is a known field");
            assertEquals(List.of(), JsonSchemas.errors(JsonSchemas.ENDPOINT, json), json);
            String written = new String(JsonSerdes.endpointValue().serialize("twin.endpoints", parsed.endpoint()), StandardCharsets.UTF_8);
            assertTrue(written.endsWith(",\"replayFrom\":\"2026-11-20T08:00:00Z\"}"), written);
        }
        assertEquals(null, parser.parse("ep", utf8("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\","
                + "\"replayFrom\":null}")).endpoint().replayFrom());
    }

    @Test
    void aDeviceMessageEndpointMayFilterOnTheKey() {
        Endpoint endpoint = parser.parse("raw", utf8("{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"hub\","
                + "\"filter\":\"STARTS_WITH(key, 'building-7/')\"}")).endpoint();
        assertEquals("STARTS_WITH(key, 'building-7/')", endpoint.filter().canonical());
    }
}
