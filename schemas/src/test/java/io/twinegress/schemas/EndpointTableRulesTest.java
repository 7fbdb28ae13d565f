package io.twinegress.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointTableRulesTest {

    private static final Endpoint FIRST = Endpoint.of("raw-1", EndpointType.EventHub, "hub-1", EventType.DeviceMessage);
    private static final Endpoint SECOND = Endpoint.of("raw-2", EndpointType.EventHub, "hub-2", EventType.DeviceMessage);
    private static final Endpoint SENSORS = Endpoint.of("sensors", EndpointType.ServiceBus, "t", EventType.SensorChange);

    @Test
    void secondDeviceMessageEndpointIsRejectedWhileTheFirstExists() {
        InvalidEndpointException e = TableRulesHolder.check(SECOND, List.of(SENSORS, FIRST));
        assertEquals(EndpointRule.DEVICE_MESSAGE_UNIQUE, e.rule());
        assertEquals("eventTypes: at most one endpoint may subscribe to DeviceMessage (endpoint \"raw-1\" already holds DeviceMessage)",
                e.getMessage());
    }

    @Test
    void updatingTheHolderItselfIsAllowed() {
        Endpoint moved = Endpoint.of("raw-1", EndpointType.EventHub, "hub-9", EventType.DeviceMessage);
        assertTrue(EndpointTableRules.check(moved, List.of(FIRST, SENSORS)).isEmpty());
    }

    @Test
    void otherEndpointsAreNeverConstrained() {
        assertTrue(EndpointTableRules.check(SENSORS, List.of(FIRST, SECOND)).isEmpty());
        assertTrue(EndpointTableRules.check(SECOND, List.of(SENSORS)).isEmpty());
    }

    /** Unwraps the Optional so a missing violation fails with a message. */
    private static final class TableRulesHolder {
        static InvalidEndpointException check(Endpoint candidate, List<Endpoint> active) {
            return EndpointTableRules.check(candidate, active)
                    .orElseThrow(() -> new AssertionError("expected a violation for " + candidate.id()));
        }
    }
}
