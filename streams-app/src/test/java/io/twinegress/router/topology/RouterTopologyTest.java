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

import io.twinegress.router.config.RouterConfig;
import io.twinegress.router.deadletter.DeadLetters;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.schemas.EndpointRule;
import io.twinegress.schemas.EndpointState;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every routing and bad-input rule, in a TopologyTestDriver under exactly_once_v2 (the default). */
class RouterTopologyTest {

    private RouterDriver router = new RouterDriver();

    @AfterEach
    void close() {
        router.close();
    }

    private static String header(TestRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : string(header.value());
    }

    @Test
    void runsUnderExactlyOnceV2ByDefault() {
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, router.config.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    }

    @Test
    void fansAnEventOutToEveryMatchingEndpointAndNoOther() {
        router.endpoint("sb", endpoint("ServiceBus", "sb-topic", SensorChange, SpaceChange, TopologyOperation));
        router.endpoint("eg", endpoint("EventGrid", "eg.westus2-1.eventgrid.azure.net", SensorChange));
        router.endpoint("eh", endpoint("EventHub", "hub", UdfCustom));
        assertEquals(3, router.statuses().values().stream().filter(EndpointStatus::isActive).count());

        byte[] sensorChange = seedEvent(SensorChange);
        Headers input = new RecordHeaders().add("traceparent", utf8("00-abc-01")).add(EgressHeaders.ENDPOINT_ID, utf8("forged"));
        router.send("twin.events", utf8("sensor-1"), sensorChange, input);

        for (String id : List.of("sb", "eg")) {
            List<TestRecord<byte[], byte[]>> out = router.egress(id);
            assertEquals(1, out.size(), id);
            TestRecord<byte[], byte[]> r = out.get(0);
            assertArrayEquals(sensorChange, r.value(), "value is the original bytes");
            assertEquals("sensor-1", string(r.key()));
            assertEquals(Instant.parse("2026-11-22T10:00:01Z"), r.getRecordTime(), "timestamp kept");
            assertEquals("SensorChange", header(r, EgressHeaders.EVENT_TYPE));
            assertEquals("60bf5336-2929-45b4-bb4c-b45699dfe95f", header(r, EgressHeaders.EVENT_ID));
            assertEquals(id, header(r, EgressHeaders.ENDPOINT_ID));
            assertEquals(1, count(r.headers(), EgressHeaders.ENDPOINT_ID), "a forged router header is replaced");
            assertEquals("twin.events", header(r, EgressHeaders.SOURCE_TOPIC));
            assertEquals("0", header(r, EgressHeaders.SOURCE_PARTITION));
            assertEquals("0", header(r, EgressHeaders.SOURCE_OFFSET));
            assertEquals("00-abc-01", header(r, "traceparent"), "input headers carried along");
            assertEquals(List.of("traceparent", EgressHeaders.EVENT_TYPE, EgressHeaders.EVENT_ID, EgressHeaders.SOURCE_TOPIC,
                    EgressHeaders.SOURCE_PARTITION, EgressHeaders.SOURCE_OFFSET, EgressHeaders.ENDPOINT_ID),
                    java.util.Arrays.stream(r.headers().toArray()).map(Header::key).toList(), "exactly these headers, in this order");
        }
        assertTrue(router.egress("eh").isEmpty());
        assertEquals(1, router.metrics.routedTotal("sb"));
        assertEquals(1, router.metrics.routedTotal("eg"));
        assertEquals(0, router.metrics.routedTotal("eh"));
    }

    @Test
    void theLineageHeadersAreTheConfiguredOnesAndDeadLettersKeepTheirCoordinates() {
        router.close();
        router = new RouterDriver(Map.of(RouterConfig.LINEAGE_HEADERS_CONFIG, "source-offset"));
        router.endpoint("sb", endpoint("ServiceBus", "sb-topic", SensorChange));
        router.send("twin.events", utf8("sensor-1"), seedEvent(SensorChange), new RecordHeaders().add("traceparent", utf8("00-abc-01")));
        router.event(utf8("k"), utf8("not json"));
        TestRecord<byte[], byte[]> r = router.egress("sb").get(0);
        assertEquals(List.of("traceparent", EgressHeaders.EVENT_TYPE, EgressHeaders.EVENT_ID, EgressHeaders.SOURCE_OFFSET,
                EgressHeaders.ENDPOINT_ID), java.util.Arrays.stream(r.headers().toArray()).map(Header::key).toList());
        TestRecord<byte[], byte[]> dead = router.dlq().get(0);
        assertEquals("twin.events", header(dead, EgressHeaders.SOURCE_TOPIC));
        assertEquals("0", header(dead, EgressHeaders.SOURCE_PARTITION));
        assertEquals("1", header(dead, EgressHeaders.SOURCE_OFFSET));

        router.close();
        router = new RouterDriver(Map.of(RouterConfig.LINEAGE_HEADERS_CONFIG, ""));
        router.endpoint("sb", endpoint("ServiceBus", "sb-topic", SensorChange));
        router.event(utf8("k"), seedEvent(SensorChange));
        assertEquals(List.of(EgressHeaders.EVENT_TYPE, EgressHeaders.EVENT_ID, EgressHeaders.ENDPOINT_ID),
                java.util.Arrays.stream(router.egress("sb").get(0).headers().toArray()).map(Header::key).toList());
    }

    @Test
    void eachCopyCarriesItsOwnEventsHeaders() {
        router.endpoint("sb", endpoint("ServiceBus", "sb-topic", SensorChange, SpaceChange));
        router.endpoint("eg", endpoint("EventGrid", "eg.westus2-1.eventgrid.azure.net", SensorChange, SpaceChange));
        router.event(utf8("k"), seedEvent(SensorChange));
        router.event(utf8("k"), seedEvent(SpaceChange));
        for (String id : List.of("sb", "eg")) {
            List<TestRecord<byte[], byte[]>> out = router.egress(id);
            assertEquals(List.of("SensorChange", "SpaceChange"), out.stream().map(r -> header(r, EgressHeaders.EVENT_TYPE)).toList(), id);
            assertEquals(List.of("0", "1"), out.stream().map(r -> header(r, EgressHeaders.SOURCE_OFFSET)).toList(), id);
            assertEquals(List.of(id, id), out.stream().map(r -> header(r, EgressHeaders.ENDPOINT_ID)).toList(), id);
            assertEquals(List.of(1, 1), out.stream().map(r -> count(r.headers(), EgressHeaders.ENDPOINT_ID)).toList(), id);
        }
    }

    @Test
    void routesEverySeedEventTypeToItsEndpoint() {
        for (EventType type : List.of(TopologyOperation, UdfCustom, SensorChange, SpaceChange)) {
            router.endpoint("ep-" + type, endpoint("ServiceBus", "t", type));
        }
        for (EventType type : List.of(TopologyOperation, UdfCustom, SensorChange, SpaceChange)) {
            router.event(utf8("k"), seedEvent(type));
        }
        for (EventType type : List.of(TopologyOperation, UdfCustom, SensorChange, SpaceChange)) {
            List<TestRecord<byte[], byte[]>> out = router.egress("ep-" + type);
            assertEquals(1, out.size(), type.name());
            assertArrayEquals(seedEvent(type), out.get(0).value());
        }
        assertTrue(router.dlq().isEmpty());
    }

    @Test
    void activatesOnlyAfterTheEgressTopicIsCreatedAndSaysSoInTheStatus() {
        router.endpoint("sb", endpoint("ServiceBus", "my-topic", SensorChange));
        assertEquals(List.of("twin.egress.sb"), router.createdTopics);
        List<TestRecord<String, byte[]>> records = router.statusRecords();
        assertEquals(1, records.size());
        String json = string(records.get(0).value());
        assertTrue(json.contains("\"state\":\"Active\""), json);
        assertTrue(json.contains("\"egressTopic\":\"twin.egress.sb\""), json);
        assertTrue(json.contains("\"eventTypes\":[\"SensorChange\"]"), json);
    }

    @Test
    void rejectsTheEndpointWhenItsEgressTopicCannotBeCreated() {
        router.failingTopics.add("twin.egress.sb");
        router.endpoint("sb", endpoint("ServiceBus", "my-topic", SensorChange));
        EndpointStatus status = router.statuses().get("sb");
        assertEquals(EndpointState.Rejected, status.state());
        assertTrue(status.reason().contains("could not be created"), status.reason());
        router.event(utf8("k"), event(SensorChange, "e1"));
        assertTrue(router.egress("sb").isEmpty());
        assertEquals(1, router.metrics.unmatchedTotal());
    }

    @Test
    void countsAnEventThatMatchesNoEndpoint() {
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.event(utf8("k"), event(UdfCustom, "e1"));
        router.event(utf8("k"), event(SpaceChange, "e2"));
        assertTrue(router.egress("sb").isEmpty());
        assertTrue(router.dlq().isEmpty(), "no match is not an error");
        assertEquals(2, router.metrics.unmatchedTotal());
    }

    @Test
    void anUpdateChangesWhatTheEndpointReceivesFromTheNextEvent() {
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.event(utf8("k"), event(SensorChange, "before"));
        router.endpoint("sb", endpoint("ServiceBus", "t", SpaceChange));
        router.event(utf8("k"), event(SensorChange, "after-not-routed"));
        router.event(utf8("k"), event(SpaceChange, "after-routed"));
        List<String> ids = router.egress("sb").stream().map(r -> header(r, EgressHeaders.EVENT_ID)).toList();
        assertEquals(List.of("before", "after-routed"), ids);
    }

    @Test
    void aTombstoneDeletesTheEndpointAndStopsRouting() {
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.event(utf8("k"), event(SensorChange, "routed"));
        router.deleteEndpoint("sb");
        router.event(utf8("k"), event(SensorChange, "not-routed"));
        assertEquals(1, router.egress("sb").size());
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Deleted, statuses.get("sb").state());
        assertEquals(1, router.metrics.unmatchedTotal());
    }

    static Stream<Arguments> invalidEndpoints() {
        return Stream.of(
                Arguments.of("ep", endpoint("ServiceBus", "t", DeviceMessage), EndpointRule.DEVICE_MESSAGE_ONLY_EVENT_HUB),
                Arguments.of("ep", endpoint("EventGrid", "host", DeviceMessage), EndpointRule.DEVICE_MESSAGE_ONLY_EVENT_HUB),
                Arguments.of("ep", endpoint("EventHub", "hub", DeviceMessage, SensorChange), EndpointRule.DEVICE_MESSAGE_ALONE),
                Arguments.of("ep", endpoint("EventHub", "", DeviceMessage), EndpointRule.DEVICE_MESSAGE_ENTITY_REQUIRED),
                Arguments.of("ep", utf8("{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"]}"),
                        EndpointRule.DEVICE_MESSAGE_ENTITY_REQUIRED),
                Arguments.of("ep", utf8("not json"), EndpointRule.MALFORMED_JSON),
                Arguments.of("ep", utf8("[1,2]"), EndpointRule.MALFORMED_JSON),
                Arguments.of("ep", utf8("{\"type\":\"Kinesis\",\"eventTypes\":[\"SensorChange\"],\"path\":\"p\"}"), EndpointRule.TYPE_UNKNOWN),
                Arguments.of("ep", utf8("{\"type\":\"ServiceBus\",\"eventTypes\":[],\"path\":\"p\"}"), EndpointRule.EVENT_TYPES_EMPTY),
                Arguments.of("ep", utf8("{\"type\":\"ServiceBus\",\"eventTypes\":[\"Nope\"],\"path\":\"p\"}"), EndpointRule.EVENT_TYPE_UNKNOWN),
                Arguments.of("ep", utf8("{\"type\":\"ServiceBus\",\"path\":\"p\"}"), EndpointRule.FIELD_REQUIRED),
                Arguments.of("ep", utf8("{\"type\":\"ServiceBus\",\"eventTypes\":\"SensorChange\",\"path\":\"p\"}"), EndpointRule.FIELD_TYPE),
                Arguments.of("ep", endpoint("ServiceBus", "", SensorChange), EndpointRule.PATH_INVALID),
                Arguments.of("bad id!", endpoint("ServiceBus", "t", SensorChange), EndpointRule.ID_FORMAT));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("invalidEndpoints")
    void rejectsAnInvalidEndpointWithTheRuleItBreaksAndNeverRoutesToIt(String id, byte[] value, EndpointRule rule) {
        router.endpoint(id, value);
        EndpointStatus status = router.statuses().get(id);
        assertEquals(EndpointState.Rejected, status.state());
        assertTrue(status.reason().contains(rule.message()), status.reason());
        assertNull(status.egressTopic());
        assertTrue(router.createdTopics.isEmpty(), "no egress topic for a rejected endpoint");
        for (EventType type : List.of(TopologyOperation, UdfCustom, SensorChange, SpaceChange)) {
            router.event(utf8("k"), event(type, "e"));
        }
        router.deviceMessage(utf8("dev"), utf8("raw"), new RecordHeaders());
        assertTrue(router.read(router.config.egressTopic(id)).isEmpty());
        assertEquals(5, router.metrics.unmatchedTotal());
    }

    @Test
    void aValidRecordAfterARejectedOneActivatesTheEndpoint() {
        router.endpoint("ep", utf8("not json"));
        router.endpoint("ep", endpoint("ServiceBus", "t", SensorChange));
        assertEquals(EndpointState.Active, router.statuses().get("ep").state());
        router.event(utf8("k"), event(SensorChange, "e"));
        assertEquals(1, router.egress("ep").size());
    }

    @Test
    void connectionStringsBecomeWarningsAndAreNeverWrittenAnywhere() {
        String canary = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
                + "SharedAccessKey=CANARY-SECRET-5f2b";
        router.endpoint("sb", utf8("{\"type\":\"ServiceBus\",\"connectionString\":\"" + canary + "\",\"secondaryConnectionString\":\""
                + canary + "2\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}"));
        List<TestRecord<String, byte[]>> records = router.statusRecords();
        String json = string(records.get(0).value());
        assertFalse(json.contains("CANARY"), json);
        assertTrue(json.contains("\"state\":\"Active\""), json);
        assertTrue(json.contains("connectionString found in the endpoint record and ignored"), json);
        assertTrue(json.contains("secondaryConnectionString found in the endpoint record and ignored"), json);
        router.event(utf8("k"), event(SensorChange, "e"));
        assertFalse(string(router.egress("sb").get(0).value()).contains("CANARY"));
    }

    @Test
    void aMalformedRecordWithAnUnquotedSecretNeverQuotesItInTheStatus() {
        router.endpoint("sb", utf8("{\"type\":\"ServiceBus\",\"connectionString\":CANARYSECRET5f2b,\"eventTypes\":[\"SensorChange\"]}"));
        List<TestRecord<String, byte[]>> records = router.statusRecords();
        String json = string(records.get(0).value());
        assertTrue(json.contains("\"state\":\"Rejected\""), json);
        assertTrue(json.contains(EndpointRule.MALFORMED_JSON.message()), json);
        assertFalse(json.contains("CANARY"), json);
    }

    @Test
    void theFirstDeviceMessageEndpointWinsAndTheSecondIsPromotedWhenTheFirstIsDeleted() {
        router.endpoint("hub-1", endpoint("EventHub", "hub1", DeviceMessage));
        router.endpoint("hub-2", endpoint("EventHub", "hub2", DeviceMessage));
        router.endpoint("hub-3", endpoint("EventHub", "hub3", DeviceMessage));
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Active, statuses.get("hub-1").state());
        for (String loser : List.of("hub-2", "hub-3")) {
            assertEquals(EndpointState.Rejected, statuses.get(loser).state());
            assertTrue(statuses.get(loser).reason().contains(EndpointRule.DEVICE_MESSAGE_UNIQUE.message()));
            assertTrue(statuses.get(loser).reason().contains("hub-1"), "names the holder");
        }
        router.deviceMessage(utf8("dev"), utf8("one"), new RecordHeaders());
        assertEquals(1, router.egress("hub-1").size());
        assertTrue(router.egress("hub-2").isEmpty());

        // The holder goes: the earliest waiting candidate takes over at once, deterministically.
        router.deleteEndpoint("hub-1");
        statuses = router.statuses();
        assertEquals(EndpointState.Deleted, statuses.get("hub-1").state());
        assertEquals(EndpointState.Active, statuses.get("hub-2").state());
        assertFalse(statuses.containsKey("hub-3"), "hub-3 still waits, nothing written for it");
        router.deviceMessage(utf8("dev"), utf8("two"), new RecordHeaders());
        assertEquals(List.of("two"), router.egress("hub-2").stream().map(r -> string(r.value())).toList());
        assertTrue(router.egress("hub-1").isEmpty());
        assertTrue(router.egress("hub-3").isEmpty());

        // Re-registering hub-1 now makes it the one that waits.
        router.endpoint("hub-1", endpoint("EventHub", "hub1", DeviceMessage));
        assertEquals(EndpointState.Rejected, router.statuses().get("hub-1").state());
    }

    @Test
    void theHolderMovingAwayFromDeviceMessageAlsoPromotesTheWaitingOne() {
        router.endpoint("hub-1", endpoint("EventHub", "hub1", DeviceMessage));
        router.endpoint("hub-2", endpoint("EventHub", "hub2", DeviceMessage));
        router.endpoint("hub-1", endpoint("EventHub", "hub1", SensorChange));
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Active, statuses.get("hub-1").state());
        assertEquals(EndpointState.Active, statuses.get("hub-2").state());
        router.deviceMessage(utf8("dev"), utf8("raw"), new RecordHeaders());
        assertEquals(1, router.egress("hub-2").size());
    }

    @Test
    void aWaitingCandidateThatIsDeletedIsNotPromoted() {
        router.endpoint("hub-1", endpoint("EventHub", "hub1", DeviceMessage));
        router.endpoint("hub-2", endpoint("EventHub", "hub2", DeviceMessage));
        router.deleteEndpoint("hub-2");
        router.deleteEndpoint("hub-1");
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Deleted, statuses.get("hub-1").state());
        assertEquals(EndpointState.Deleted, statuses.get("hub-2").state());
    }

    @Test
    void rawDeviceMessagesGoByteForByteWithTheirHeaders() {
        router.endpoint("hub", endpoint("EventHub", "telemetry", DeviceMessage));
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange, SpaceChange, TopologyOperation, UdfCustom));
        byte[] raw = {0, (byte) 0xff, 0x7b, 0x22, (byte) 0xc3, 0x28, 10, 13};   // not JSON, not even UTF-8
        Headers headers = new RecordHeaders().add("iothub-connection-device-id", utf8("dev-42"))
                .add("content-type", utf8("application/octet-stream"));
        router.deviceMessage(utf8("dev-42"), raw, headers);

        List<TestRecord<byte[], byte[]>> out = router.egress("hub");
        assertEquals(1, out.size());
        TestRecord<byte[], byte[]> r = out.get(0);
        assertArrayEquals(raw, r.value());
        assertEquals("dev-42", string(r.key()));
        assertEquals("dev-42", header(r, "iothub-connection-device-id"));
        assertEquals("application/octet-stream", header(r, "content-type"));
        assertEquals("DeviceMessage", header(r, EgressHeaders.EVENT_TYPE));
        assertNull(header(r, EgressHeaders.EVENT_ID), "raw telemetry is never parsed: no event id");
        assertEquals("hub", header(r, EgressHeaders.ENDPOINT_ID));
        assertEquals("twin.device-messages", header(r, EgressHeaders.SOURCE_TOPIC));
        assertTrue(router.egress("sb").isEmpty());
        assertTrue(router.dlq().isEmpty());
    }

    @Test
    void aDeviceMessageWithNoEndpointIsCounted() {
        router.deviceMessage(utf8("dev"), utf8("raw"), new RecordHeaders());
        assertEquals(1, router.metrics.unmatchedTotal());
        assertTrue(router.dlq().isEmpty());
    }

    @Test
    void aJsonDeviceMessageEventOnTheEventsTopicGoesToTheDeviceMessageEndpoint() {
        router.endpoint("hub", endpoint("EventHub", "telemetry", DeviceMessage));
        router.event(utf8("dev"), event(DeviceMessage, "d1"));
        List<TestRecord<byte[], byte[]>> out = router.egress("hub");
        assertEquals(1, out.size());
        assertEquals("d1", header(out.get(0), EgressHeaders.EVENT_ID));
    }

    @Test
    void keepsPerKeyOrderAndNullKeys() {
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        for (int i = 0; i < 20; i++) {
            router.event(i % 2 == 0 ? utf8("a") : null, event(SensorChange, "e" + i));
        }
        List<TestRecord<byte[], byte[]>> out = router.egress("sb");
        assertEquals(20, out.size());
        for (int i = 0; i < 20; i++) {
            assertEquals("e" + i, header(out.get(i), EgressHeaders.EVENT_ID));
            assertEquals(i % 2 == 0 ? "a" : null, string(out.get(i).key()));
        }
    }

    static Stream<Arguments> badEvents() {
        return Stream.of(
                Arguments.of("not JSON", utf8("this is not json"), "$"),
                Arguments.of("truncated JSON", utf8("{\"id\":\"x\",\"eventType\":\"SensorChange\""), "$"),
                Arguments.of("a JSON array", utf8("[1,2,3]"), "$"),
                Arguments.of("a JSON string", utf8("\"SensorChange\""), "$"),
                Arguments.of("empty value", new byte[0], "$"),
                Arguments.of("tombstone", null, "$"),
                Arguments.of("no eventType", utf8("{\"id\":\"x\",\"subject\":\"s\",\"data\":{},\"eventTime\":\"2018-04-17T17:46:18Z\",\"dataVersion\":\"1\"}"),
                        "eventType"),
                Arguments.of("unknown eventType", utf8(new String(event(SensorChange, "x")).replace("\"eventType\":\"SensorChange\"",
                        "\"eventType\":\"SensorChanged\"")), "eventType"),
                Arguments.of("eventType not a string", utf8(new String(event(SensorChange, "x")).replace("\"eventType\":\"SensorChange\"",
                        "\"eventType\":5")), "eventType"),
                Arguments.of("data not an object", utf8(new String(event(SensorChange, "x")).replace("{\"n\":1}", "[1]")), "data"),
                Arguments.of("id missing", utf8(new String(event(SensorChange, "x")).replace("\"id\":\"x\",", "")), "id"),
                Arguments.of("eventTime not a date", utf8(new String(event(SensorChange, "x")).replace("2018-04-17T17:46:18.5452993Z",
                        "yesterday")), "eventTime"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void deadLettersABadEventWithItsReasonAndKeepsRouting(String what, byte[] value, String field) {
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.event(utf8("k"), event(SensorChange, "before"));
        Headers original = new RecordHeaders().add("traceparent", utf8("t-1"));
        router.send("twin.events", utf8("bad-key"), value, original);
        router.event(utf8("k"), event(SensorChange, "after"));

        List<TestRecord<byte[], byte[]>> dlq = router.dlq();
        assertEquals(1, dlq.size());
        TestRecord<byte[], byte[]> dead = dlq.get(0);
        assertEquals("bad-key", string(dead.key()));
        assertArrayEquals(value, dead.value(), "the bad bytes, untouched");
        assertEquals("invalid-event", header(dead, DeadLetters.ERROR));
        assertEquals(field, header(dead, DeadLetters.FIELD));
        assertTrue(header(dead, DeadLetters.REASON).startsWith(field + ": "), header(dead, DeadLetters.REASON));
        assertEquals("twin.events", header(dead, EgressHeaders.SOURCE_TOPIC));
        assertEquals("0", header(dead, EgressHeaders.SOURCE_PARTITION));
        assertEquals("1", header(dead, EgressHeaders.SOURCE_OFFSET));
        assertEquals("1", header(dead, "__streams.errors.offset"));
        assertNull(dead.headers().lastHeader("__streams.errors.stacktrace"), "no stack trace");
        assertEquals("t-1", header(dead, "traceparent"));

        List<String> routed = router.egress("sb").stream().map(r -> header(r, EgressHeaders.EVENT_ID)).toList();
        assertEquals(List.of("before", "after"), routed);
        assertEquals(1, router.metrics.deadLetteredTotal(DeadLetters.Kind.invalid_event));
    }

    @Test
    void deadLettersAnOversizedEventOrDeviceMessageWithoutItsValue() {
        router.close();
        router = new RouterDriver(Map.of(RouterConfig.EVENT_MAX_BYTES_CONFIG, 1000));
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.endpoint("hub", endpoint("EventHub", "h", DeviceMessage));
        byte[] big = utf8(new String(event(SensorChange, "big")).replace("{\"n\":1}", "{\"pad\":\"" + "x".repeat(1000) + "\"}"));
        router.event(utf8("k"), big);
        router.deviceMessage(utf8("dev"), new byte[1001], new RecordHeaders());
        byte[] exactlyAtLimit = new byte[1000];
        router.deviceMessage(utf8("dev"), exactlyAtLimit, new RecordHeaders());
        router.event(utf8("k"), event(SensorChange, "after"));

        List<TestRecord<byte[], byte[]>> dlq = router.dlq();
        assertEquals(2, dlq.size());
        assertEquals("oversized", header(dlq.get(0), DeadLetters.ERROR));
        assertNull(dlq.get(0).value(), "the value is left in the input topic (see the source coordinates)");
        assertEquals(Integer.toString(big.length), header(dlq.get(0), DeadLetters.ORIGINAL_SIZE));
        assertTrue(header(dlq.get(0), DeadLetters.REASON).contains("over twin.event.max.bytes=1000"));
        assertEquals("twin.device-messages", header(dlq.get(1), EgressHeaders.SOURCE_TOPIC));
        assertEquals(1, router.egress("hub").size(), "exactly at the limit is fine");
        assertEquals(1, router.egress("sb").size());
        assertEquals(2, router.metrics.deadLetteredTotal(DeadLetters.Kind.oversized));
    }

    @Test
    void aTombstoneOnTheDeviceMessagesTopicIsDeadLetteredNotRouted() {
        router.endpoint("hub", endpoint("EventHub", "telemetry", DeviceMessage));
        router.deviceMessage(utf8("dev-1"), null, new RecordHeaders().add("iothub-connection-device-id", utf8("dev-1")));
        router.deviceMessage(utf8("dev-1"), utf8("after"), new RecordHeaders());

        List<TestRecord<byte[], byte[]>> dlq = router.dlq();
        assertEquals(1, dlq.size());
        TestRecord<byte[], byte[]> dead = dlq.get(0);
        assertEquals("dev-1", string(dead.key()));
        assertNull(dead.value());
        assertEquals("invalid-event", header(dead, DeadLetters.ERROR));
        assertEquals("$", header(dead, DeadLetters.FIELD));
        assertTrue(header(dead, DeadLetters.REASON).contains("tombstone"), header(dead, DeadLetters.REASON));
        assertEquals("twin.device-messages", header(dead, EgressHeaders.SOURCE_TOPIC));
        assertEquals("dev-1", header(dead, "iothub-connection-device-id"));
        assertEquals(List.of("after"), router.egress("hub").stream().map(r -> string(r.value())).toList(), "only the real message");
        assertEquals(1, router.metrics.deadLetteredTotal(DeadLetters.Kind.invalid_event));
    }

    /** An event at most 1000 bytes whose routed copy carries {@code headerBytes} of input headers. */
    private static Headers bigHeaders(int headerBytes) {
        return new RecordHeaders().add("traceparent", utf8("t-1")).add("big", new byte[headerBytes]);
    }

    @Test
    void anEventWhoseRoutedCopyIsOverTheRecordLimitIsDeadLetteredAsOversized() {
        router.close();
        // Records the router writes may be at most 1000 + 64 KiB bytes (key, value and headers).
        router = new RouterDriver(Map.of(RouterConfig.EVENT_MAX_BYTES_CONFIG, 1000));
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.endpoint("hub", endpoint("EventHub", "h", DeviceMessage));
        byte[] event = event(SensorChange, "too-big");
        router.send("twin.events", utf8("k"), event, bigHeaders(70_000));
        router.deviceMessage(utf8("dev"), new byte[900], bigHeaders(70_000));
        router.send("twin.events", utf8("k"), event(SensorChange, "fits"), bigHeaders(30_000));
        router.event(utf8("k"), event(SensorChange, "after"));

        assertEquals(List.of("fits", "after"), router.egress("sb").stream().map(r -> header(r, EgressHeaders.EVENT_ID)).toList());
        assertTrue(router.egress("hub").isEmpty());
        List<TestRecord<byte[], byte[]>> dlq = router.dlq();
        assertEquals(2, dlq.size());
        for (TestRecord<byte[], byte[]> dead : dlq) {
            assertEquals("oversized", header(dead, DeadLetters.ERROR));
            assertEquals("$", header(dead, DeadLetters.FIELD));
            assertTrue(header(dead, DeadLetters.REASON).contains("over the " + (1000 + RouterConfig.RECORD_OVERHEAD_BYTES)),
                    header(dead, DeadLetters.REASON));
            assertNull(dead.value());
            assertTheDeadLetterFits(dead, 1000 + RouterConfig.RECORD_OVERHEAD_BYTES);
        }
        assertEquals(Integer.toString(event.length), header(dlq.get(0), DeadLetters.ORIGINAL_SIZE));
        assertEquals("twin.device-messages", header(dlq.get(1), EgressHeaders.SOURCE_TOPIC));
        assertEquals(2, router.metrics.deadLetteredTotal(DeadLetters.Kind.oversized));
    }

    @Test
    void aDeadLetterRecordThatWouldBeOverTheRecordLimitLeavesOutTheValueAndThenTheInputHeaders() {
        router.close();
        router = new RouterDriver(Map.of(RouterConfig.EVENT_MAX_BYTES_CONFIG, 1000));
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.send("twin.events", utf8("k"), utf8("not json " + "x".repeat(900)), bigHeaders(70_000));
        router.event(utf8("k"), event(SensorChange, "after"));
        List<TestRecord<byte[], byte[]>> dlq = router.dlq();
        assertEquals(1, dlq.size());
        TestRecord<byte[], byte[]> dead = dlq.get(0);
        assertEquals("invalid-event", header(dead, DeadLetters.ERROR));
        assertTrue(dead.value() == null, "left out: the source coordinates point to it");
        assertNull(dead.headers().lastHeader("big"), "the input headers are left out too");
        assertEquals("0", header(dead, EgressHeaders.SOURCE_OFFSET));
        assertTheDeadLetterFits(dead, 1000 + RouterConfig.RECORD_OVERHEAD_BYTES);
        assertEquals(1, router.egress("sb").size());
    }

    private static void assertTheDeadLetterFits(TestRecord<byte[], byte[]> dead, int limit) {
        long size = (dead.key() == null ? 0 : dead.key().length) + (dead.value() == null ? 0 : dead.value().length);
        for (Header h : dead.headers()) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        assertTrue(size < limit, "the dead-letter record fits in a request: " + size);
    }

    @Test
    void routesEveryConfiguredInputTopicWhereItArrives() {
        router.close();
        router = new RouterDriver(Map.of(RouterConfig.INPUT_TOPICS_CONFIG, "site-a.events,site-b.events",
                RouterConfig.EGRESS_PREFIX_CONFIG, "out."));
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.send("site-a.events", utf8("k"), event(SensorChange, "a"));
        router.send("site-b.events", utf8("k"), event(SensorChange, "b"));
        List<TestRecord<byte[], byte[]>> out = router.read("out.sb");
        assertEquals(List.of("site-a.events", "site-b.events"), out.stream().map(r -> header(r, EgressHeaders.SOURCE_TOPIC)).toList());
        assertEquals(List.of("out.sb"), router.createdTopics);
    }

    @Test
    void deadLettersAndRoutesTheSameUnderAtLeastOnce() {
        router.close();
        router = new RouterDriver(Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE));
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.event(utf8("k"), utf8("{\"eventType\":\"SensorChange\"}"));
        router.event(utf8("k"), event(SensorChange, "good"));
        List<TestRecord<byte[], byte[]>> dlq = router.dlq();
        assertEquals(1, dlq.size());
        assertEquals("id", header(dlq.get(0), DeadLetters.FIELD));
        assertEquals(1, router.egress("sb").size());
    }

    @Test
    void theRoutingSideFollowsTheStatusTopicAloneAndSkipsAnUnreadableStatus() {
        // As if another instance's endpoint processor had written these.
        var status = router.driver.createInputTopic(router.config.statusTopic(),
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
        status.pipeInput("x", utf8("{\"state\":\"Active\",\"egressTopic\":\"twin.egress.x\",\"warnings\":[],"
                + "\"endpoint\":{\"id\":\"x\",\"type\":\"ServiceBus\",\"eventTypes\":[\"UdfCustom\"],\"path\":\"p\"},\"updatedAt\":1}"));
        status.pipeInput("junk", utf8("{not a status"));
        router.event(utf8("k"), event(UdfCustom, "u1"));
        assertEquals(1, router.egress("x").size());
        status.pipeInput("x", (byte[]) null);
        router.event(utf8("k"), event(UdfCustom, "u2"));
        assertTrue(router.egress("x").isEmpty());
    }

    @Test
    void theTopologyNeverRepartitions() {
        String description = router.driver.producedTopicNames().toString()
                + RouterTopology.build(new org.apache.kafka.streams.StreamsBuilder(), router.config).describe();
        assertFalse(description.contains("repartition"), description);
    }

    private static int count(Headers headers, String name) {
        int n = 0;
        for (Header ignored : headers.headers(name)) {
            n++;
        }
        return n;
    }
}
