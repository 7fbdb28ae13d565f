package io.twinegress.router.topology;

import static io.twinegress.router.Fixtures.endpoint;
import static io.twinegress.router.Fixtures.event;
import static io.twinegress.router.Fixtures.string;
import static io.twinegress.router.Fixtures.utf8;
import static io.twinegress.router.topology.RouterDriver.Egress.CHECK_FAILS;
import static io.twinegress.router.topology.RouterDriver.Egress.CREATE_FAILS;
import static io.twinegress.router.topology.RouterDriver.Egress.OK;
import static io.twinegress.router.topology.RouterDriver.Egress.RETRIABLE;
import static io.twinegress.schemas.EventType.DeviceMessage;
import static io.twinegress.schemas.EventType.SensorChange;
import static io.twinegress.schemas.EventType.SpaceChange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.schemas.EgressHeaders;
import io.twinegress.schemas.EndpointState;
import io.twinegress.schemas.EndpointStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The egress-topic step is a side effect: when it fails, an Active endpoint stays Active with its
 * route, the DeviceMessage order holds, and a retriable failure has the record processed again.
 * In this driver a record the task failed on is processed again by piping it again, as
 * exactly_once_v2 does after the task restarts from its last commit.
 */
class EgressTopicFailuresTest {

    /** The default of twin.egress.topic.create.attempts. */
    private static final int ATTEMPTS = 3;

    private final RouterDriver router = new RouterDriver();

    @AfterEach
    void close() {
        router.close();
    }

    private List<String> routedIds(String endpointId) {
        return router.egress(endpointId).stream().map(r -> header(r, EgressHeaders.EVENT_ID)).toList();
    }

    private static String header(TestRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : string(header.value());
    }

    private static boolean anyWarningContains(EndpointStatus status, String text) {
        return status.warnings().stream().anyMatch(w -> w.contains(text));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = RouterDriver.Egress.class, names = {"CHECK_FAILS", "CREATE_FAILS"})
    void anActiveEndpointStaysActiveAndKeepsRoutingWhenItsRecordIsSentAgainAndTheEgressStepFails(RouterDriver.Egress failure) {
        router.egressTopicWill("twin.egress.sb", OK, failure);
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        assertEquals(EndpointState.Active, router.statuses().get("sb").state());

        // The same record again (an operator's re-send, or an exactly_once_v2 replay after a crash).
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        EndpointStatus status = router.statuses().get("sb");
        assertEquals(EndpointState.Active, status.state(), String.valueOf(status));
        assertEquals("twin.egress.sb", status.egressTopic());
        assertTrue(anyWarningContains(status, "twin.egress.sb"), "the failure is a warning: " + status.warnings());

        router.event(utf8("k"), event(SensorChange, "after"));
        assertEquals(List.of("after"), routedIds("sb"));
        assertEquals(0, router.metrics.unmatchedTotal());
    }

    @Test
    void anUpdateWhoseEgressTopicCannotBeCreatedKeepsThePreviousConfigurationActive() {
        router.egressTopicWill("twin.egress.sb", OK, CREATE_FAILS);
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.endpoint("sb", endpoint("ServiceBus", "t", SpaceChange));
        EndpointStatus status = router.statuses().get("sb");
        assertEquals(EndpointState.Active, status.state(), String.valueOf(status));
        assertEquals(Set.of(SensorChange), status.endpoint().eventTypes(), "the previous configuration stays");
        assertTrue(anyWarningContains(status, "not applied"), status.warnings().toString());

        router.event(utf8("k"), event(SensorChange, "still-routed"));
        router.event(utf8("k"), event(SpaceChange, "not-yet"));
        assertEquals(List.of("still-routed"), routedIds("sb"));
    }

    @Test
    void anUpdateWhoseTopicCheckFailsIsAppliedWithAWarning() {
        router.egressTopicWill("twin.egress.sb", OK, CHECK_FAILS);
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.endpoint("sb", endpoint("ServiceBus", "t", SpaceChange));
        EndpointStatus status = router.statuses().get("sb");
        assertEquals(EndpointState.Active, status.state(), String.valueOf(status));
        assertEquals(Set.of(SpaceChange), status.endpoint().eventTypes(), "the topic exists: the update applies");
        assertTrue(anyWarningContains(status, "max.message.bytes"), status.warnings().toString());
        router.event(utf8("k"), event(SpaceChange, "routed"));
        assertEquals(List.of("routed"), routedIds("sb"));
    }

    @Test
    void aNewEndpointWhoseTopicExistsButCannotBeCheckedIsActiveWithAWarning() {
        router.egressTopicWill("twin.egress.sb", CHECK_FAILS);
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        EndpointStatus status = router.statuses().get("sb");
        assertEquals(EndpointState.Active, status.state(), String.valueOf(status));
        assertTrue(anyWarningContains(status, "max.message.bytes"), status.warnings().toString());
    }

    @Test
    void aRetriableFailureFailsTheTaskAndTheRecordProcessedAgainApplies() {
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.statuses();
        router.egressTopicWill("twin.egress.sb", RETRIABLE);
        byte[] update = endpoint("ServiceBus", "t", SensorChange, SpaceChange);
        assertThrows(StreamsException.class, () -> router.endpoint("sb", update), "the task fails: exactly_once_v2 re-processes");
        assertTrue(router.statuses().isEmpty(), "nothing decided on a retriable failure");

        router.endpoint("sb", update);
        EndpointStatus status = router.statuses().get("sb");
        assertEquals(EndpointState.Active, status.state());
        assertEquals(Set.of(SensorChange, SpaceChange), status.endpoint().eventTypes());
        assertTrue(status.warnings().isEmpty(), status.warnings().toString());
        router.event(utf8("k"), event(SpaceChange, "routed"));
        assertEquals(List.of("routed"), routedIds("sb"));
    }

    @Test
    void aRetriableFailureThatLastsGivesUpAfterTheAttemptsAndKeepsThePreviousEntry() {
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        router.statuses();
        router.failingTopics.clear();
        RouterDriver.Egress[] always = new RouterDriver.Egress[ATTEMPTS];
        java.util.Arrays.fill(always, RETRIABLE);
        router.egressTopicWill("twin.egress.sb", always);
        byte[] update = endpoint("ServiceBus", "t", SpaceChange);
        for (int attempt = 1; attempt < ATTEMPTS; attempt++) {
            assertThrows(StreamsException.class, () -> router.endpoint("sb", update), "attempt " + router.ensureCalls.size());
        }
        // The last attempt: the router gives up on this record instead of failing the task forever.
        router.endpoint("sb", update);
        EndpointStatus status = router.statuses().get("sb");
        assertEquals(EndpointState.Active, status.state(), String.valueOf(status));
        assertEquals(Set.of(SensorChange), status.endpoint().eventTypes());
        assertTrue(anyWarningContains(status, "not applied"), status.warnings().toString());
        router.event(utf8("k"), event(SensorChange, "routed"));
        assertEquals(List.of("routed"), routedIds("sb"));
    }

    @Test
    void aNewEndpointWhoseTopicStaysUnavailableIsRejectedAfterTheAttempts() {
        RouterDriver.Egress[] always = new RouterDriver.Egress[ATTEMPTS];
        java.util.Arrays.fill(always, RETRIABLE);
        router.egressTopicWill("twin.egress.sb", always);
        byte[] record = endpoint("ServiceBus", "t", SensorChange);
        for (int attempt = 1; attempt < ATTEMPTS; attempt++) {
            assertThrows(StreamsException.class, () -> router.endpoint("sb", record));
        }
        router.endpoint("sb", record);
        EndpointStatus status = router.statuses().get("sb");
        assertEquals(EndpointState.Rejected, status.state());
        assertTrue(status.reason().contains("re-send the endpoint record to retry"), status.reason());
        // A re-send once the cluster is back makes it Active.
        router.endpoint("sb", record);
        assertEquals(EndpointState.Active, router.statuses().get("sb").state());
    }

    // ---------------------------------------------------------------- DeviceMessage: first registered wins

    private void threeDeviceMessageEndpoints() {
        router.endpoint("hub-1", endpoint("EventHub", "hub1", DeviceMessage));
        router.endpoint("hub-2", endpoint("EventHub", "hub2", DeviceMessage));
        router.endpoint("hub-3", endpoint("EventHub", "hub3", DeviceMessage));
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Active, statuses.get("hub-1").state());
        assertEquals(EndpointState.Rejected, statuses.get("hub-2").state());
        assertEquals(EndpointState.Rejected, statuses.get("hub-3").state());
    }

    private List<String> deviceMessageGoesTo() {
        router.deviceMessage(utf8("dev"), utf8("raw-" + router.ensureCalls.size()), new RecordHeaders());
        return List.of("hub-1", "hub-2", "hub-3").stream().filter(id -> !router.egress(id).isEmpty()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = RouterDriver.Egress.class, names = {"CHECK_FAILS", "CREATE_FAILS"})
    void aFailingEgressStepOnTheHoldersRecordNeverHandsDeviceMessageToTheNextOne(RouterDriver.Egress failure) {
        threeDeviceMessageEndpoints();
        router.egressTopicWill("twin.egress.hub-1", failure);
        router.endpoint("hub-1", endpoint("EventHub", "hub1", DeviceMessage));
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Active, statuses.get("hub-1").state(), String.valueOf(statuses.get("hub-1")));
        assertFalse(statuses.containsKey("hub-2"), "hub-2 still waits: " + statuses);
        assertEquals(List.of("hub-1"), deviceMessageGoesTo());

        // The holder goes: hub-2, registered before hub-3, takes over.
        router.deleteEndpoint("hub-1");
        assertEquals(EndpointState.Active, router.statuses().get("hub-2").state());
        assertEquals(List.of("hub-2"), deviceMessageGoesTo());
    }

    @Test
    void whenTheFirstWaitingOnesTopicCannotBeCreatedTheNextIsPromotedAndTheFirstKeepsWaiting() {
        threeDeviceMessageEndpoints();
        router.egressTopicWill("twin.egress.hub-2", CREATE_FAILS);
        router.deleteEndpoint("hub-1");
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Active, statuses.get("hub-3").state(), statuses.toString());
        assertEquals(EndpointState.Rejected, statuses.get("hub-2").state(), statuses.toString());
        assertTrue(statuses.get("hub-2").reason().contains("twin.egress.hub-2"), statuses.get("hub-2").reason());
        assertEquals(List.of("hub-3"), deviceMessageGoesTo());

        // hub-2 kept its place: when hub-3 goes, hub-2 is next.
        router.deleteEndpoint("hub-3");
        assertEquals(EndpointState.Active, router.statuses().get("hub-2").state());
        assertEquals(List.of("hub-2"), deviceMessageGoesTo());
    }

    @Test
    void whenNoWaitingOneCanBePromotedALaterEndpointRecordPromotesTheFirst() {
        router.endpoint("hub-1", endpoint("EventHub", "hub1", DeviceMessage));
        router.endpoint("hub-2", endpoint("EventHub", "hub2", DeviceMessage));
        router.statuses();
        router.egressTopicWill("twin.egress.hub-2", CREATE_FAILS);
        router.deleteEndpoint("hub-1");
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Rejected, statuses.get("hub-2").state(), statuses.toString());
        assertEquals(List.of(), deviceMessageGoesTo());

        // Any later endpoint record tries again; the topic can be created now.
        router.endpoint("sb", endpoint("ServiceBus", "t", SensorChange));
        statuses = router.statuses();
        assertEquals(EndpointState.Active, statuses.get("hub-2").state(), statuses.toString());
        assertEquals(EndpointState.Active, statuses.get("sb").state());
        assertEquals(List.of("hub-2"), deviceMessageGoesTo());
    }

    @Test
    void whenNoWaitingOneCanBePromotedTheRouterTriesAgainOnItsOwn() {
        router.endpoint("hub-1", endpoint("EventHub", "hub1", DeviceMessage));
        router.endpoint("hub-2", endpoint("EventHub", "hub2", DeviceMessage));
        router.statuses();
        router.egressTopicWill("twin.egress.hub-2", CREATE_FAILS);
        router.deleteEndpoint("hub-1");
        assertEquals(EndpointState.Rejected, router.statuses().get("hub-2").state());

        router.driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertEquals(EndpointState.Active, router.statuses().get("hub-2").state());
        assertEquals(List.of("hub-2"), deviceMessageGoesTo());
    }

    @Test
    void aRetriableFailureWhilePromotingFailsTheTaskAndTheFirstWaitingOneStillWins() {
        threeDeviceMessageEndpoints();
        router.egressTopicWill("twin.egress.hub-2", RETRIABLE);
        assertThrows(StreamsException.class, () -> router.deleteEndpoint("hub-1"));
        router.statuses();

        router.deleteEndpoint("hub-1");
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Deleted, statuses.get("hub-1").state());
        assertEquals(EndpointState.Active, statuses.get("hub-2").state(), statuses.toString());
        assertFalse(statuses.containsKey("hub-3"), "hub-3 still waits");
        assertEquals(List.of("hub-2"), deviceMessageGoesTo());
    }

    @Test
    void aNewDeviceMessageEndpointQueuesBehindOneStillWaitingForItsTopic() {
        router.endpoint("hub-1", endpoint("EventHub", "hub1", DeviceMessage));
        router.endpoint("hub-2", endpoint("EventHub", "hub2", DeviceMessage));
        router.statuses();
        router.egressTopicWill("twin.egress.hub-2", CREATE_FAILS);
        router.deleteEndpoint("hub-1");
        assertEquals(EndpointState.Rejected, router.statuses().get("hub-2").state(), "nobody holds DeviceMessage; hub-2 waits");

        // hub-3 registers while DeviceMessage is free: hub-2 came first and gets it now that its topic can be created.
        router.endpoint("hub-3", endpoint("EventHub", "hub3", DeviceMessage));
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Active, statuses.get("hub-2").state(), statuses.toString());
        assertEquals(EndpointState.Rejected, statuses.get("hub-3").state(), statuses.toString());
        assertTrue(statuses.get("hub-3").reason().contains("\"hub-2\" already holds DeviceMessage"), statuses.get("hub-3").reason());
        assertEquals(List.of("hub-2"), deviceMessageGoesTo());
    }

    @Test
    void aWaitingEndpointWhoseRecordComesAgainKeepsItsPlace() {
        threeDeviceMessageEndpoints();
        router.endpoint("hub-2", endpoint("EventHub", "hub2", DeviceMessage));
        assertEquals(EndpointState.Rejected, router.statuses().get("hub-2").state());
        router.deleteEndpoint("hub-1");
        Map<String, EndpointStatus> statuses = router.statuses();
        assertEquals(EndpointState.Active, statuses.get("hub-2").state(), "registered before hub-3: " + statuses);
        assertFalse(statuses.containsKey("hub-3"));
    }
}
