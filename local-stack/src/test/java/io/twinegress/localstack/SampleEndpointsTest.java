package io.twinegress.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.endpoints.SampleEndpoints;
import io.twinegress.localstack.traffic.Kind;
import io.twinegress.localstack.traffic.SampleEvents;
import io.twinegress.schemas.EndpointType;
import io.twinegress.schemas.EventType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SampleEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<SampleEndpoint> endpoints = SampleEndpoints.localStack(Ports.defaults());

    @Test
    void theFourSeedEndpointsWithTheirTypesAndEventTypesAndTheNamespaceTopic() {
        assertEquals(List.of("servicebus", "eventgrid", "eventhub", "devicemessages", "eventgrid-namespace"),
                endpoints.stream().map(SampleEndpoint::id).toList());
        List<EventType> three = List.of(EventType.SensorChange, EventType.SpaceChange, EventType.TopologyOperation);
        assertEquals(EndpointType.ServiceBus, endpoints.get(0).type());
        assertEquals(EndpointType.EventGrid, endpoints.get(1).type());
        assertEquals(EndpointType.EventHub, endpoints.get(2).type());
        assertEquals(EndpointType.EventHub, endpoints.get(3).type());
        for (int i = 0; i < 3; i++) {
            assertEquals(three, endpoints.get(i).eventTypes());
        }
        assertEquals(List.of(EventType.DeviceMessage), endpoints.get(3).eventTypes());
        assertTrue(endpoints.get(3).connectionString("k").contains(";EntityPath=twin-device-telemetry"),
                "the DeviceMessage hub is named in its connection string, as the seed has it");
        SampleEndpoint namespace = endpoints.get(4);
        assertEquals(EndpointType.EventGrid, namespace.type());
        assertEquals(three, namespace.eventTypes());
        assertTrue(namespace.namespaceTopic());
        Map<String, String> config = namespace.connectorConfig(Path.of("/s"));
        assertEquals("namespace-topic", config.get("eventgrid.kind"));
        assertEquals("twin-namespace-topic", config.get("namespace.topic"));
        assertEquals("cloudevents", config.get("event.format"), "a namespace topic takes CloudEvents only");
        assertEquals(endpoints.get(1).primaryKey(), namespace.primaryKey(), "the Event Grid stand-in's keys serve all its topics");
        assertEquals(endpoints.get(1).secondaryKey(), namespace.secondaryKey());
        assertEquals("cloudevents", endpoints.get(2).connectorConfig(Path.of("/s")).get("event.format"),
                "the eventhub endpoint sends CloudEvents");
        assertEquals("structured", endpoints.get(2).connectorConfig(Path.of("/s")).get("cloudevents.mode"));
    }

    @Test
    void theStandInsServeTheNamespaceTopicApartFromTheTopics() {
        Map<String, String> p = io.twinegress.localstack.standins.StandIns.properties(Ports.defaults(), endpoints, Path.of("r"));
        assertEquals("twin-eventgrid-topic", p.get("eventgrid.topics"));
        assertEquals("twin-namespace-topic", p.get("eventgrid.namespace.topics"));
    }

    @Test
    void noKeyInTheRoutingRecordTheConnectorConfigOrToString() throws Exception {
        for (SampleEndpoint e : endpoints) {
            assertNotEquals(e.primaryKey(), e.secondaryKey());
            JsonNode routing = JSON.readTree(e.routingRecord());
            assertEquals(e.id().equals("eventhub") ? Set.of("type", "eventTypes", "path", "filter") : Set.of("type", "eventTypes", "path"),
                    Set.copyOf(iterable(routing)));
            Map<String, String> config = e.connectorConfig(Path.of("/secrets.properties"));
            for (String secret : List.of(e.primaryKey(), e.secondaryKey())) {
                assertFalse(e.routingRecord().contains(secret), e.id() + " routing record holds a key");
                assertFalse(config.toString().contains(secret), e.id() + " connector config holds a key");
                assertFalse(e.toString().contains(secret), e.id() + " toString holds a key");
            }
            assertEquals("${file:/secrets.properties:" + e.id() + ".primary}", config.get("connection.string"));
            assertEquals("read_committed", config.get("consumer.override.isolation.level"));
            assertEquals("org.apache.kafka.connect.converters.ByteArrayConverter", config.get("header.converter"));
            assertEquals("twin.egress." + e.id(), config.get("topics"));
            assertEquals("twin.dlq." + e.id(), config.get("errors.deadletterqueue.topic.name"));
        }
    }

    @Test
    void theEventHubEndpointFiltersOnTheBodyAndTheLedgerExpectsWhatTheFilterPasses() {
        SampleEndpoint eventhub = endpoints.get(2);
        assertEquals(SampleEndpoints.EVENTHUB_FILTER, eventhub.filter().text());
        assertTrue(eventhub.routingRecord().contains("\"filter\":\"$body.DataType = 'Motion' OR"), eventhub.routingRecord());
        SampleEvents samples = new SampleEvents();
        Map<Kind, Boolean> expected = Map.of(Kind.SENSOR_CHANGE, true, Kind.TOPOLOGY_OPERATION, true, Kind.SPACE_CHANGE, false,
                Kind.UDF_CUSTOM, false, Kind.DEVICE_MESSAGE_EVENT, false, Kind.RAW_DEVICE_MESSAGE, false);
        io.twinegress.localstack.traffic.Ledger ledger = new io.twinegress.localstack.traffic.Ledger(endpoints);
        expected.forEach((kind, receives) -> {
            assertEquals(receives, eventhub.receives(kind, samples.next(kind, 1).record()), kind.name());
            assertEquals(kind != Kind.UDF_CUSTOM && kind.eventType() != EventType.DeviceMessage,
                    endpoints.get(0).receives(kind, samples.next(kind, 1).record()), "servicebus has no filter: " + kind);
        });
        assertTrue(SampleEndpoints.local(Ports.defaults()).stream().allMatch(e -> e.filter() == null),
                "the seed's endpoints as they are (the reliability stack counts by event type)");
        assertEquals(0, ledger.expected(eventhub));
    }

    @Test
    void sampleEventsGetFreshIdsAndTimes() throws Exception {
        SampleEvents samples = new SampleEvents();
        for (Kind k : Kind.values()) {
            SampleEvents.Sample a = samples.next(k, 1);
            SampleEvents.Sample b = samples.next(k, 2);
            assertNotEquals(a.id(), b.id());
            JsonNode body = JSON.readTree(new String(a.record().value(), StandardCharsets.UTF_8));
            assertEquals(a.id(), body.path("id").asText());
            if (k != Kind.RAW_DEVICE_MESSAGE) {
                assertEquals(k.eventType().name(), body.path("eventType").asText());
                assertTrue(body.path("eventTime").asText().startsWith("20"), body.path("eventTime").asText());
                assertEquals("twin.events", a.record().topic());
            } else {
                assertEquals("twin.device-messages", a.record().topic());
            }
        }
    }

    private static List<String> iterable(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
