package io.twinegress.router.topology;

import static io.twinegress.router.Fixtures.endpoint;
import static io.twinegress.router.Fixtures.event;
import static io.twinegress.router.Fixtures.seedEvent;
import static io.twinegress.router.Fixtures.string;
import static io.twinegress.router.Fixtures.utf8;
import static io.twinegress.schemas.EventType.DeviceMessage;
import static io.twinegress.schemas.EventType.SensorChange;
import static io.twinegress.schemas.EventType.SpaceChange;
import static io.twinegress.schemas.EventType.TopologyOperation;
import static io.twinegress.schemas.EventType.UdfCustom;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.router.deadletter.DeadLetters;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.schemas.EndpointRule;
import io.twinegress.schemas.EndpointState;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.EventType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Content filters on endpoints, in a TopologyTestDriver under exactly_once_v2: what is routed, what the status says, what is refused. */
class FilteredRoutingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RouterDriver router = new RouterDriver();

    @AfterEach
    void close() {
        router.close();
    }

    /** An endpoint record with a filter (a JSON string). */
    private static byte[] filtered(String type, String path, String filter, EventType... eventTypes) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", type);
        Arrays.stream(eventTypes).forEach(t -> node.withArray("eventTypes").add(t.name()));
        node.put("path", path);
        node.put("filter", filter);
        return utf8(node.toString());
    }

    private static String header(TestRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : string(header.value());
    }

    private List<String> ids(String endpoint) {
        return router.egress(endpoint).stream().map(r -> header(r, EgressHeaders.EVENT_ID)).toList();
    }

    @Test
    void routesOnlyTheEventsThatPassTheFilterByteForByteWithTheSameHeaders() {
        router.endpoint("motion", filtered("ServiceBus", "t", "$body.DataType = 'Motion' OR $body.SpacesToNotify = "
                + "'3a16d146-ca39-49ee-b803-17a18a12ba36'", SensorChange, SpaceChange, TopologyOperation));
        router.endpoint("all", endpoint("EventHub", "h", SensorChange, SpaceChange, TopologyOperation));
        assertEquals(2, router.statuses().values().stream().filter(EndpointStatus::isActive).count());

        Headers input = new RecordHeaders().add("traceparent", utf8("00-abc-01"));
        for (EventType type : List.of(SensorChange, SpaceChange, TopologyOperation)) {
            router.send("twin.events", utf8("twin-1"), seedEvent(type), input);
        }
        List<TestRecord<byte[], byte[]>> motion = router.egress("motion");
        assertEquals(List.of("SensorChange", "TopologyOperation"), motion.stream().map(r -> header(r, EgressHeaders.EVENT_TYPE)).toList(),
                "SpaceChange's DataType is AvailableAndFresh: filtered out; TopologyOperation matches through its array");
        assertArrayEquals(seedEvent(SensorChange), motion.get(0).value(), "value is the original bytes");
        assertArrayEquals(seedEvent(TopologyOperation), motion.get(1).value());
        assertEquals(List.of("traceparent", EgressHeaders.EVENT_TYPE, EgressHeaders.EVENT_ID, EgressHeaders.SOURCE_TOPIC,
                EgressHeaders.SOURCE_PARTITION, EgressHeaders.SOURCE_OFFSET, EgressHeaders.ENDPOINT_ID),
                Arrays.stream(motion.get(0).headers().toArray()).map(Header::key).toList(), "exactly the headers of an unfiltered route");
        assertEquals("motion", header(motion.get(0), EgressHeaders.ENDPOINT_ID));
        assertEquals(List.of("0", "2"), motion.stream().map(r -> header(r, EgressHeaders.SOURCE_OFFSET)).toList());
        assertEquals(3, router.egress("all").size(), "an endpoint without a filter gets every event of its types");
        assertEquals(2, router.metrics.routedTotal("motion"));
    }

    @Test
    void theActiveStatusShowsTheFilterAsTheRouterUnderstoodIt() throws Exception {
        router.endpoint("sb", filtered("ServiceBus", "t", "eventType='SensorChange' and data.Value = 'False' or key in ('a','b')",
                SensorChange));
        List<TestRecord<String, byte[]>> records = router.statusRecords();
        JsonNode status = JSON.readTree(records.get(0).value());
        assertEquals("Active", status.get("state").asText());
        assertEquals("(type = 'SensorChange' AND $body.Value = 'False') OR key IN ('a', 'b')", status.get("endpoint").get("filter").asText());
    }

    @Test
    void aChangedFilterRoutesTheNextEventThatFollowsTheRecord() {
        router.endpoint("sb", filtered("ServiceBus", "t", "key = 'a'", SensorChange));
        router.event(utf8("a"), event(SensorChange, "1-a"));
        router.event(utf8("b"), event(SensorChange, "2-b"));
        router.endpoint("sb", filtered("ServiceBus", "t", "key = 'b'", SensorChange));
        router.event(utf8("a"), event(SensorChange, "3-a"));
        router.event(utf8("b"), event(SensorChange, "4-b"));
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));   // filter removed: everything again
        router.event(utf8("a"), event(SensorChange, "5-a"));
        router.event(utf8("b"), event(SensorChange, "6-b"));
        router.endpoint("sb", filtered("ServiceBus", "t", "false", SensorChange));
        router.event(utf8("a"), event(SensorChange, "7-a"));
        assertEquals(List.of("1-a", "4-b", "5-a", "6-b"), ids("sb"));
        assertEquals(3, router.metrics.unmatchedTotal(), "an event every filter turned away is unmatched");
    }

    @Test
    void filtersOnTheEnvelopeAndOnTheKeyNeedNoBody() {
        router.endpoint("ext", filtered("ServiceBus", "t", "STARTS_WITH(subject, 'Extended') AND source = '/subscriptions/YOUR_TOPIC_NAME'",
                TopologyOperation, UdfCustom));
        router.endpoint("keyed", filtered("EventGrid", "eg", "key IN ('space-1', 'space-2')", UdfCustom));
        router.event(utf8("space-1"), seedEvent(TopologyOperation));
        router.event(utf8("space-3"), seedEvent(UdfCustom));
        router.event(utf8("space-2"), seedEvent(UdfCustom));
        router.event(null, seedEvent(UdfCustom));
        assertEquals(List.of("00000000-0000-0000-0000-000000000000"), ids("ext"), "UdfCustom's subject is UdfCustom");
        assertEquals(1, router.egress("keyed").size());
    }

    @Test
    void manyFilteredEndpointsEachGetTheirOwnAndOrderIsKept() {
        for (int i = 0; i < 50; i++) {
            router.endpoint("ep-" + i, filtered("ServiceBus", "t", "$body.n = " + i + " OR $body.tag = 'ep-" + i + "'", SensorChange));
        }
        for (int i = 0; i < 100; i++) {
            byte[] value = utf8(string(event(SensorChange, "e" + i)).replace("{\"n\":1}", "{\"n\":" + (i % 50) + "}"));
            router.event(utf8("k" + (i % 7)), value);
        }
        for (int i = 0; i < 50; i++) {
            assertEquals(List.of("e" + i, "e" + (i + 50)), ids("ep-" + i), "ep-" + i);
        }
        assertEquals(0, router.metrics.unmatchedTotal());
    }

    @Test
    void aFilterNeverTurnsABadEventIntoAGoodOneOrTheOtherWayRound() {
        router.endpoint("sb", filtered("ServiceBus", "t", "$body.n = 1", SensorChange));
        router.event(utf8("k"), utf8(string(event(SensorChange, "bad")).replace("\"id\":\"bad\",", "")));
        router.event(utf8("k"), utf8(string(event(SensorChange, "huge")).replace("{\"n\":1}", "{\"n\":1e999999999}")));
        router.event(utf8("k"), event(SensorChange, "good"));
        List<TestRecord<byte[], byte[]>> dlq = router.dlq();
        assertEquals(1, dlq.size());
        assertEquals("id", header(dlq.get(0), DeadLetters.FIELD));
        assertEquals(List.of("good"), ids("sb"), "an odd number is present but equal to nothing; the event is still valid");
        assertEquals(1, router.metrics.unmatchedTotal());
    }

    @Test
    void anInvalidFilterRejectsTheEndpointWithTheFiltersOwnReason() {
        Map<String, String> cases = Map.of(
                "(subject = 'x'", "filter: expected ')' to close the '(' at position 1, got the end of the filter at position 15",
                "", "filter: expected an expression such as type = 'SensorChange', or true, got an empty filter at position 1",
                "sensorId = 'x'", "filter: expected an attribute",
                "UPPER(subject) = 'X'", "filter: expected a function (STARTS_WITH, ENDS_WITH, CONTAINS, IS_DEFINED), got UPPER at position 1",
                "(".repeat(2000) + "true" + ")".repeat(2000), "filter: expected at most 32 levels of nesting",
                "(".repeat(10_000) + "true" + ")".repeat(10_000), "filter: expected at most 4096 characters, got 20004 at position 4097");
        cases.forEach((filter, reason) -> {
            router.endpoint("ep", filtered("ServiceBus", "t", filter, SensorChange));
            EndpointStatus status = router.statuses().get("ep");
            assertEquals(EndpointState.Rejected, status.state(), filter);
            assertTrue(status.reason().startsWith(reason), status.reason());
            assertFalse(status.reason().contains("\n"), "one line");
        });
        router.endpoint("ep", utf8("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":7}"));
        assertEquals("filter: expected a string, got a number", router.statuses().get("ep").reason());
        router.event(utf8("k"), event(SensorChange, "e"));
        assertTrue(router.egress("ep").isEmpty());
        assertTrue(router.createdTopics.isEmpty(), "no egress topic for a rejected endpoint");
    }

    @Test
    void aDeviceMessageEndpointFiltersRawTelemetryOnTheKeyAlone() {
        router.endpoint("hub", filtered("EventHub", "telemetry", "STARTS_WITH(key, 'building-7/') AND key != 'building-7/test'",
                DeviceMessage));
        assertEquals(EndpointState.Active, router.statuses().get("hub").state());
        byte[] raw = {0, (byte) 0xff, 0x7b};
        Headers headers = new RecordHeaders().add("iothub-connection-device-id", utf8("d"));
        router.deviceMessage(utf8("building-7/dev-1"), raw, headers);
        router.deviceMessage(utf8("building-8/dev-1"), raw, headers);
        router.deviceMessage(utf8("building-7/test"), raw, headers);
        router.deviceMessage(null, raw, headers);
        router.event(utf8("building-7/dev-2"), event(DeviceMessage, "d-event"));
        router.event(utf8("building-9/dev-2"), event(DeviceMessage, "d-event-2"));
        List<TestRecord<byte[], byte[]>> out = router.egress("hub");
        assertEquals(List.of("building-7/dev-1", "building-7/dev-2"), out.stream().map(r -> string(r.key())).toList());
        assertArrayEquals(raw, out.get(0).value(), "raw telemetry byte for byte");
        assertEquals("d", header(out.get(0), "iothub-connection-device-id"));
        assertNull(header(out.get(0), EgressHeaders.EVENT_ID), "never parsed");
        assertEquals("d-event", header(out.get(1), EgressHeaders.EVENT_ID));
    }

    @Test
    void aDeviceMessageFilterReadingMoreThanTheKeyIsRejectedAndNeverHoldsTheSlot() {
        router.endpoint("hub-1", filtered("EventHub", "h1", "key = 'd' AND $body.Temperature > 40", DeviceMessage));
        EndpointStatus rejected = router.statuses().get("hub-1");
        assertEquals(EndpointState.Rejected, rejected.state());
        assertTrue(rejected.reason().startsWith("filter: expected key, the only attribute of raw telemetry"), rejected.reason());
        assertTrue(rejected.reason().endsWith("got $body at position 15"), rejected.reason());

        // The rejected one holds nothing: the next DeviceMessage endpoint is Active at once.
        router.endpoint("hub-2", filtered("EventHub", "h2", "key = 'd'", DeviceMessage));
        assertEquals(EndpointState.Active, router.statuses().get("hub-2").state());
        // A third one with a bad filter is Rejected for its filter, not made to wait for the slot ...
        router.endpoint("hub-3", filtered("EventHub", "h3", "subject = 'x'", DeviceMessage));
        assertTrue(router.statuses().get("hub-3").reason().startsWith("filter: "));
        // ... so when the holder goes, it is not promoted; a valid waiting one is, with its own filter.
        router.endpoint("hub-4", filtered("EventHub", "h4", "key = 'e'", DeviceMessage));
        assertTrue(router.statuses().get("hub-4").reason().contains(EndpointRule.DEVICE_MESSAGE_UNIQUE.message()));
        router.deleteEndpoint("hub-2");
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Active, statuses.get("hub-4").state());
        assertEquals("key = 'e'", statuses.get("hub-4").endpoint().filter().canonical());
        assertFalse(statuses.containsKey("hub-3"));
        router.deviceMessage(utf8("d"), utf8("1"), new RecordHeaders());
        router.deviceMessage(utf8("e"), utf8("2"), new RecordHeaders());
        assertEquals(List.of("2"), router.egress("hub-4").stream().map(r -> string(r.value())).toList());
        assertTrue(router.egress("hub-3").isEmpty());
    }

    @Test
    void theRoutingSideCompilesTheFilterOfAStatusRecordOnce() {
        var status = router.driver.createInputTopic(router.config.statusTopic(), new StringSerializer(), new ByteArraySerializer());
        status.pipeInput("x", utf8("{\"state\":\"Active\",\"egressTopic\":\"twin.egress.x\",\"warnings\":[],\"endpoint\":{\"id\":\"x\","
                + "\"type\":\"ServiceBus\",\"eventTypes\":[\"UdfCustom\"],\"path\":\"p\",\"filter\":\"$body.ResourceType = 'Space'\"},\"updatedAt\":1}"));
        status.pipeInput("y", utf8("{\"state\":\"Active\",\"egressTopic\":\"twin.egress.y\",\"warnings\":[],\"endpoint\":{\"id\":\"y\","
                + "\"type\":\"ServiceBus\",\"eventTypes\":[\"UdfCustom\"],\"path\":\"p\",\"filter\":\"$body.ResourceType = \"},\"updatedAt\":1}"));
        router.event(utf8("k"), seedEvent(UdfCustom));
        router.event(utf8("k"), utf8(string(seedEvent(UdfCustom)).replace("\"ResourceType\": \"Space\"", "\"ResourceType\": \"Sensor\"")));
        assertEquals(1, router.egress("x").size());
        assertTrue(router.egress("y").isEmpty(), "a status whose filter cannot be read is skipped like any unreadable status");
    }

}
