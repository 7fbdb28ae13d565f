package io.twinegress.router.topology;

import static io.twinegress.router.Fixtures.endpoint;
import static io.twinegress.router.Fixtures.event;
import static io.twinegress.router.Fixtures.string;
import static io.twinegress.router.Fixtures.utf8;
import static io.twinegress.schemas.EventType.DeviceMessage;
import static io.twinegress.schemas.EventType.SensorChange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.schemas.EndpointState;
import io.twinegress.schemas.EndpointStatus;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing that goes wrong while an endpoint record is processed may copy that record anywhere:
 * it can hold a connection string, and Kafka Streams' error handlers would write the raw record
 * to the dead-letter topic. Here the endpoint table holds a row this router cannot read (a type
 * it does not know, as a newer router version could have written), and the records carry a canary
 * connection string.
 */
class EndpointRecordErrorsTest {

    private static final String CANARY = "CANARY-SECRET-9c41";
    private static final byte[] UNREADABLE_ROW = utf8("{\"offset\":0,\"state\":\"Active\",\"waiting\":false,"
            + "\"egressTopic\":\"twin.egress.x\",\"endpoint\":{\"id\":\"x\",\"type\":\"Kinesis\",\"eventTypes\":[\"SensorChange\"],"
            + "\"path\":\"p\"}}");

    private RouterDriver router;

    @AfterEach
    void close() {
        router.close();
    }

    private static byte[] withCanary(String type, String path, String eventType) {
        return utf8("{\"type\":\"" + type + "\",\"connectionString\":\"Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey="
                + CANARY + "\",\"eventTypes\":[\"" + eventType + "\"],\"path\":\"" + path + "\"}");
    }

    /** Reads everything written so far: no record anywhere holds the canary, none is dead-lettered; returns the statuses. */
    private Map<String, EndpointStatus> assertTheCanaryIsNowhereAndNothingDeadLettered() {
        Map<String, List<TestRecord<byte[], byte[]>>> written = router.everythingWritten();
        written.forEach((topic, records) -> {
            for (TestRecord<byte[], byte[]> r : records) {
                assertFalse(String.valueOf(string(r.key())).contains(CANARY), "a key in " + topic);
                assertFalse(String.valueOf(string(r.value())).contains(CANARY), "a value in " + topic);
                for (Header h : r.headers()) {
                    assertFalse(String.valueOf(string(h.value())).contains(CANARY), "header " + h.key() + " in " + topic);
                }
            }
        });
        assertTrue(written.getOrDefault(router.config.dlqTopic(), List.of()).isEmpty(), "nothing in " + router.config.dlqTopic());
        Map<String, EndpointStatus> statuses = new java.util.HashMap<>();
        written.getOrDefault(router.config.statusTopic(), List.of()).forEach(r -> statuses.put(string(r.key()),
                io.twinegress.schemas.JsonSerdes.endpointStatus().deserializer().deserialize(router.config.statusTopic(), r.value())));
        return statuses;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE})
    void anUnreadableRowOfTheSameEndpointIsReplacedAndTheRecordGoesNowhereElse(String guarantee) {
        router = new RouterDriver(Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee));
        router.storeRawTableRow("sb", UNREADABLE_ROW);
        router.endpoint("sb", withCanary("ServiceBus", "t", "SensorChange"));
        Map<String, EndpointStatus> statuses = assertTheCanaryIsNowhereAndNothingDeadLettered();
        assertEquals(EndpointState.Active, statuses.get("sb").state(), statuses.toString());
        router.event(utf8("k"), event(SensorChange, "e"));
        assertEquals(1, router.egress("sb").size());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE})
    void anUnreadableRowOfAnotherEndpointDoesNotStopARegistration(String guarantee) {
        router = new RouterDriver(Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee));
        router.storeRawTableRow("x", UNREADABLE_ROW);
        router.endpoint("hub", withCanary("EventHub", "telemetry", "DeviceMessage"));
        Map<String, EndpointStatus> statuses = assertTheCanaryIsNowhereAndNothingDeadLettered();
        assertEquals(EndpointState.Active, statuses.get("hub").state(), statuses.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE})
    void anUnreadableRowDoesNotStopTheDeviceMessagePromotion(String guarantee) {
        router = new RouterDriver(Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee));
        router.endpoint("hub-1", endpoint("EventHub", "hub1", DeviceMessage));
        router.endpoint("hub-2", endpoint("EventHub", "hub2", DeviceMessage));
        router.storeRawTableRow("x", UNREADABLE_ROW);
        // The holder's new record is invalid (DeviceMessage on a Service Bus endpoint): it stops holding DeviceMessage.
        router.endpoint("hub-1", withCanary("ServiceBus", "t", "DeviceMessage"));
        Map<String, EndpointStatus> statuses = assertTheCanaryIsNowhereAndNothingDeadLettered();
        assertEquals(EndpointState.Rejected, statuses.get("hub-1").state(), statuses.toString());
        assertEquals(EndpointState.Active, statuses.get("hub-2").state(), statuses.toString());
    }

    @org.junit.jupiter.api.Test
    void somethingUnforeseenKeepsAnActiveEndpointAndRejectsANewOneWithoutQuotingAnything() {
        router = new RouterDriver();
        router.endpoint("sb", withCanary("ServiceBus", "t", "SensorChange"));
        router.egressTopicWill("twin.egress.sb", RouterDriver.Egress.BUG);
        router.endpoint("sb", withCanary("ServiceBus", "t", "SpaceChange"));
        router.egressTopicWill("twin.egress.new", RouterDriver.Egress.BUG);
        router.endpoint("new", withCanary("ServiceBus", "t", "SensorChange"));
        Map<String, List<TestRecord<byte[], byte[]>>> written = router.everythingWritten();
        List<EndpointStatus> sb = new java.util.ArrayList<>();
        Map<String, EndpointStatus> latest = new java.util.HashMap<>();
        for (TestRecord<byte[], byte[]> r : written.get(router.config.statusTopic())) {
            assertFalse(string(r.value()).contains("a bug that quotes"), string(r.value()));
            EndpointStatus status = io.twinegress.schemas.JsonSerdes.endpointStatus().deserializer().deserialize("t", r.value());
            latest.put(string(r.key()), status);
            if ("sb".equals(string(r.key()))) {
                sb.add(status);
            }
        }
        assertEquals(2, sb.size());
        assertEquals(EndpointState.Active, sb.get(1).state(), sb.toString());
        assertEquals(java.util.Set.of(SensorChange), sb.get(1).endpoint().eventTypes(), "the previous configuration stays");
        assertTrue(sb.get(1).warnings().stream().anyMatch(w -> w.contains("internal error java.lang.IllegalStateException")), sb.toString());
        assertEquals(EndpointState.Rejected, latest.get("new").state());
        assertTrue(latest.get("new").reason().contains("internal error java.lang.IllegalStateException"), latest.get("new").reason());
        assertTrue(written.getOrDefault(router.config.dlqTopic(), List.of()).isEmpty());
        router.event(utf8("k"), event(SensorChange, "e"));
        assertEquals(1, router.egress("sb").size());
    }
}
