package io.twinegress.cli.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.schemas.EndpointType;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.JsonSerdes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointBodyTest {

    static byte[] seed(String name) throws IOException {
        try (InputStream in = EndpointBodyTest.class.getResourceAsStream("/samples/endpoints/" + name + ".json")) {
            return in.readAllBytes();
        }
    }

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"servicebus", "eventhub", "eventhub-devicemessage", "eventgrid"})
    void everySeedBodySplitsIntoRoutingAndSecrets(String name) throws IOException {
        EndpointBody body = EndpointBody.parse("ep-1", seed(name));
        assertTrue(body.primary().isPresent());
        assertTrue(body.secondary().isPresent());
        assertEquals(List.of(), body.warnings(), "the secrets are taken out before the router's rules see the body");
        String routing = new String(JsonSerdes.endpointValue().serialize("twin.endpoints", body.endpoint()), StandardCharsets.UTF_8);
        assertFalse(routing.contains("YOUR_PRIMARY_KEY") || routing.contains("YOUR_SECONDARY_KEY") || routing.contains("onnectionString"), routing);
    }

    @Test
    void serviceBusSeed() throws IOException {
        EndpointBody body = EndpointBody.parse("sb-1", seed("servicebus"));
        assertEquals(EndpointType.ServiceBus, body.endpoint().type());
        assertEquals(EnumSet.of(EventType.SensorChange, EventType.SpaceChange, EventType.TopologyOperation), body.endpoint().eventTypes());
        assertEquals("YOUR_TOPIC_NAME", body.endpoint().path());
        assertTrue(body.primary().orElseThrow().reveal().contains("SharedAccessKey=YOUR_PRIMARY_KEY"));
        assertEquals("[hidden]", body.primary().orElseThrow().toString());
    }

    @Test
    void theRoutersRulesWithTheirOwnMessages() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EndpointBody.parse("x",
                json("{\"type\":\"ServiceBus\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"t\",\"connectionString\":\"Endpoint=sb://a/;SharedAccessKeyName=n;SharedAccessKey=k\"}")));
        assertEquals(List.of(new Problem("eventTypes", "DeviceMessage is allowed only on an EventHub endpoint (type is ServiceBus)")), e.problems());

        e = assertThrows(InvalidInputException.class, () -> EndpointBody.parse("x",
                json("{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"],\"connectionString\":\"c\"}")));
        assertEquals("path: an EventHub endpoint for DeviceMessage must name its Event Hub in path", e.problems().get(0).toString());

        e = assertThrows(InvalidInputException.class, () -> EndpointBody.parse("x", json("{\"type\":\"Kafka\",\"eventTypes\":[\"SensorChange\"],\"path\":\"p\"}")));
        assertEquals("type: type must be one of [ServiceBus, EventGrid, EventHub] (got \"Kafka\")", e.problems().get(0).toString());
    }

    @Test
    void aBadIdIsNamed() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EndpointBody.parse("a b", json("{}")));
        assertEquals("id: endpoint id must be 1 to 200 characters of A-Z a-z 0-9 . _ - (got \"a b\")", e.problems().get(0).toString());
    }

    @Test
    void malformedJsonGivesThePositionNeverTheToken() {
        // An unquoted connection string: Jackson's own message would quote it.
        byte[] body = json("{\"type\":\"ServiceBus\",\n \"connectionString\": Endpoint=sb://x/;SharedAccessKey=CANARY-SECRET-123}");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EndpointBody.parse("x", body));
        assertEquals("$: the body is not valid JSON (line 2, column 22)", e.problems().get(0).toString());
        assertFalse(e.problems().toString().contains("CANARY"));
    }

    @Test
    void notAnObjectAndNonStringSecret() {
        assertEquals("$", assertThrows(InvalidInputException.class, () -> EndpointBody.parse("x", json("[1]"))).problems().get(0).field());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EndpointBody.parse("x",
                json("{\"type\":\"EventGrid\",\"eventTypes\":[\"SensorChange\"],\"path\":\"h\",\"connectionString\":42}")));
        assertEquals(new Problem("connectionString", EndpointBody.SECRET_NOT_STRING), e.problems().get(0));
    }

    @Test
    void unknownFieldsAreWarnedAboutAsTheRouterWould() {
        EndpointBody body = EndpointBody.parse("x", json("{\"type\":\"EventGrid\",\"eventTypes\":[\"SensorChange\"],\"path\":\"h\",\"colour\":1}"));
        assertEquals(List.of("unknown field \"colour\" ignored"), body.warnings());
        assertTrue(body.primary().isEmpty());
    }
}
