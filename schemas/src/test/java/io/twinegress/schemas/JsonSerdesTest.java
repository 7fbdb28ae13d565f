package io.twinegress.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class JsonSerdesTest {

    private static final String TOPIC = "twin.endpoints.status";
    private final Serde<EndpointStatus> serde = JsonSerdes.endpointStatus();

    @Test
    void statusRoundTripsAndMatchesTheSchema() {
        Endpoint endpoint = Endpoint.of("sb-1", EndpointType.ServiceBus, "my-topic", EventType.SensorChange, EventType.SpaceChange);
        Endpoint filtered = endpoint.withFilter(io.twinegress.schemas.filter.Filter.parse("data.DataType = 'Motion' or eventType='SpaceChange'"));
        List<EndpointStatus> statuses = List.of(
                EndpointStatus.active(endpoint, "twin.egress.sb-1", List.of("w1"), 1_700_000_000_000L),
                EndpointStatus.active(filtered, "twin.egress.sb-1", List.of(), 1_700_000_000_000L),
                EndpointStatus.rejected(EndpointRule.DEVICE_MESSAGE_ALONE.message(), List.of(), 1L),
                EndpointStatus.deleted(2L));
        for (EndpointStatus status : statuses) {
            byte[] bytes = serde.serializer().serialize(TOPIC, status);
            String json = new String(bytes, StandardCharsets.UTF_8);
            assertEquals(List.of(), JsonSchemas.errors(JsonSchemas.ENDPOINT_STATUS, json), json);
            assertEquals(status, serde.deserializer().deserialize(TOPIC, bytes));
        }
    }

    @Test
    void aReplayRoundTripsAndMatchesTheSchema() throws Exception {
        java.time.Instant from = java.time.Instant.parse("2026-11-20T08:00:00Z");
        Endpoint endpoint = Endpoint.of("eh", EndpointType.EventHub, "hub", EventType.SensorChange).withReplayFrom(from);
        ReplayStatus replay = new ReplayStatus(from, java.time.Instant.parse("2026-11-20T10:00:00.125Z"), 42, false, 3, 2,
                java.util.Map.of("twin.events-0", new ReplayStatus.Partition(10, 500L, 300, 40, 3, java.time.Instant.parse("2026-11-20T08:30:00Z"), false),
                        "twin.events-1", new ReplayStatus.Partition(0, null, 12, 2, 0, null, false)));
        EndpointStatus status = EndpointStatus.active(endpoint, "twin.egress.eh", List.of(), 7L).withReplay(replay);
        byte[] bytes = serde.serializer().serialize(TOPIC, status);
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(List.of(), JsonSchemas.errors(JsonSchemas.ENDPOINT_STATUS, json), json);
        assertEquals(status, serde.deserializer().deserialize(TOPIC, bytes));
        var tree = JsonSchemas.MAPPER.readTree(bytes);
        assertEquals("2026-11-20T08:00:00Z", tree.get("endpoint").get("replayFrom").asText());
        assertEquals("2026-11-20T10:00:00.125Z", tree.get("replay").get("until").asText());
        assertEquals(500, tree.get("replay").get("partitions").get("twin.events-0").get("until").asLong());
        assertNull(tree.get("replay").get("partitions").get("twin.events-1").get("until"), "not known yet: absent");
        // Written by another router version without the part: read as no replay.
        assertNull(serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, status.withReplay(null))).replay());
    }

    @Test
    void activeStatusCarriesTheDesignFields() throws Exception {
        Endpoint endpoint = Endpoint.of("eh", EndpointType.EventHub, "hub", EventType.DeviceMessage);
        byte[] bytes = serde.serializer().serialize(TOPIC, EndpointStatus.active(endpoint, "twin.egress.eh", List.of(), 5L));
        var tree = JsonSchemas.MAPPER.readTree(bytes);
        assertEquals("Active", tree.get("state").asText());
        assertEquals("twin.egress.eh", tree.get("egressTopic").asText());
        assertTrue(tree.get("warnings").isArray());
        assertEquals("[\"DeviceMessage\"]", tree.get("endpoint").get("eventTypes").toString());
    }

    @Test
    void anActiveStatusShowsTheFilterAsTheRouterUnderstoodItAndAnEndpointRecordAsWritten() throws Exception {
        Endpoint endpoint = Endpoint.of("sb", EndpointType.ServiceBus, "t", EventType.SensorChange)
                .withFilter(io.twinegress.schemas.filter.Filter.parse("data.Value='False'  and  eventType = 'SensorChange'"));
        var status = JsonSchemas.MAPPER.readTree(serde.serializer().serialize(TOPIC, EndpointStatus.active(endpoint, "twin.egress.sb", List.of(), 5L)));
        assertEquals("$body.Value = 'False' AND type = 'SensorChange'", status.get("endpoint").get("filter").asText());
        var record = JsonSchemas.MAPPER.readTree(JsonSerdes.endpointValue().serialize("twin.endpoints", endpoint));
        assertEquals("data.Value='False'  and  eventType = 'SensorChange'", record.get("filter").asText());
        assertEquals(List.of(), JsonSchemas.errors(JsonSchemas.ENDPOINT, record.toString()));
        assertNull(JsonSchemas.MAPPER.readTree(serde.serializer().serialize(TOPIC, EndpointStatus.active(endpoint.withFilter(null),
                "twin.egress.sb", List.of(), 5L))).get("endpoint").get("filter"), "no filter, no field");
    }

    @Test
    void aStatusWhoseFilterCannotBeReadIsAnInvalidRecord() {
        InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> serde.deserializer().deserialize(TOPIC,
                ("{\"state\":\"Active\",\"egressTopic\":\"t\",\"endpoint\":{\"id\":\"x\",\"type\":\"ServiceBus\","
                        + "\"eventTypes\":[\"UdfCustom\"],\"path\":\"p\",\"filter\":\"subject = \"},\"updatedAt\":1}").getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.reason().contains("filter: expected a value to compare with"), e.reason());
    }

    @Test
    void tombstoneIsNull() {
        assertNull(serde.deserializer().deserialize(TOPIC, null));
        assertNull(serde.serializer().serialize(TOPIC, null));
    }

    @Test
    void badStatusNamesTheFieldWithoutARawJacksonError() {
        InvalidRecordException unknownState = assertThrows(InvalidRecordException.class, () ->
                serde.deserializer().deserialize(TOPIC, "{\"state\":\"Sleeping\",\"updatedAt\":1}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("state", unknownState.field());
        assertTrue(unknownState.reason().startsWith("not a valid endpoint status: "), unknownState.reason());

        InvalidRecordException activeWithoutTopic = assertThrows(InvalidRecordException.class, () ->
                serde.deserializer().deserialize(TOPIC, "{\"state\":\"Active\",\"updatedAt\":1}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("$", activeWithoutTopic.field());
        assertTrue(activeWithoutTopic.reason().contains("egressTopic"), activeWithoutTopic.reason());

        InvalidRecordException notJson = assertThrows(InvalidRecordException.class, () ->
                serde.deserializer().deserialize(TOPIC, "{oops".getBytes(StandardCharsets.UTF_8)));
        assertTrue(notJson.reason().startsWith("not valid JSON: "), notJson.reason());
        assertEquals(InvalidRecordException.class, notJson.getClass());
        assertNull(notJson.getCause(), "no Jackson exception leaks as the cause");
    }

    @Test
    void eventSerdeRoundTrips() {
        Serde<Event> events = JsonSerdes.event();
        byte[] seed = JsonSchemas.resource("samples/events/udf-custom.json").getBytes(StandardCharsets.UTF_8);
        Event event = events.deserializer().deserialize("twin.events", seed);
        byte[] written = events.serializer().serialize("twin.events", event);
        assertEquals(event, events.deserializer().deserialize("twin.events", written));
        assertEquals(List.of(), JsonSchemas.errors(JsonSchemas.EVENT, new String(written, StandardCharsets.UTF_8)));
        assertThrows(InvalidEventException.class,
                () -> events.deserializer().deserialize("twin.events", "{}".getBytes(StandardCharsets.UTF_8)));
    }
}
