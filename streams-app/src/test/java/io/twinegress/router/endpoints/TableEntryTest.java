package io.twinegress.router.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointState;
import io.twinegress.schemas.EndpointType;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.filter.Filter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableEntryTest {

    @Test
    void roundTripsThroughTheChangelogFormat() {
        for (TableEntry entry : List.of(
                new TableEntry(7, EndpointState.Active, Endpoint.of("sb", EndpointType.ServiceBus, "t", EventType.SensorChange,
                        EventType.SpaceChange), false, null, List.of("w1"), "twin.egress.sb"),
                new TableEntry(8, EndpointState.Rejected, Endpoint.of("hub", EndpointType.EventHub, "h", EventType.DeviceMessage),
                        true, "at most one", List.of(), null),
                new TableEntry(9, EndpointState.Rejected, null, false, "bad", List.of(), null),
                new TableEntry(10, EndpointState.Rejected, Endpoint.of("hub-2", EndpointType.EventHub, "h", EventType.DeviceMessage)
                        .withFilter(Filter.parseKeyOnly("key in ('d1','d2')")), true, "at most one", List.of(), null),
                new TableEntry(11, EndpointState.Active, Endpoint.of("sb", EndpointType.ServiceBus, "t", EventType.SensorChange)
                        .withFilter(Filter.parse("$body.DataType = 'Motion'")), false, null, List.of(), "twin.egress.sb"))) {
            byte[] bytes = TableEntry.serde().serializer().serialize("t", entry);
            TableEntry read = TableEntry.serde().deserializer().deserialize("t", bytes);
            assertEquals(entry, read);
            if (entry.endpoint() != null && entry.endpoint().filter() != null) {
                // A waiting DeviceMessage endpoint promoted later still has the filter its operator wrote.
                assertEquals(entry.endpoint().filter().text(), read.endpoint().filter().text());
            }
        }
    }
}
