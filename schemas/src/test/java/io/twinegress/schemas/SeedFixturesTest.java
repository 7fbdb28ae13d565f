package io.twinegress.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every sample in the seed documents is valid for the JSON Schema and the Java model alike, and they agree on it. */
class SeedFixturesTest {

    private final EventParser events = new EventParser();
    private final EndpointParser endpoints = new EndpointParser();

    @ParameterizedTest
    @CsvSource({
        "topology-operation, TopologyOperation",
        "udf-custom, UdfCustom",
        "sensor-change, SensorChange",
        "space-change, SpaceChange",
    })
    void seedEventIsValidForSchemaAndModel(String fixture, EventType expectedType) throws Exception {
        String json = JsonSchemas.resource("samples/events/" + fixture + ".json");
        assertEquals(List.of(), JsonSchemas.errors(JsonSchemas.EVENT, json));

        Event event = events.parse(json.getBytes(StandardCharsets.UTF_8));
        JsonNode tree = JsonSchemas.MAPPER.readTree(json);
        assertEquals(expectedType, event.eventType());
        assertEquals(tree.get("id").asText(), event.id());
        assertEquals(tree.get("subject").asText(), event.subject());
        assertEquals(tree.get("data"), event.data());
        assertEquals(tree.get("eventTime").asText(), event.eventTime());
        assertEquals(tree.get("dataVersion").asText(), event.dataVersion());
        assertEquals(tree.get("metadataVersion").asText(), event.metadataVersion());
        assertEquals(tree.get("topic").asText(), event.topic());

        Envelope envelope = events.envelope(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(new Envelope(event.id(), event.eventType()), envelope);
    }

    @ParameterizedTest
    @ValueSource(strings = {"servicebus", "eventgrid", "eventhub", "eventhub-devicemessage"})
    void seedEndpointBodyIsValidForSchemaAndModel(String fixture) throws Exception {
        String json = JsonSchemas.resource("samples/endpoints/" + fixture + ".json");
        assertEquals(List.of(), JsonSchemas.errors(JsonSchemas.ENDPOINT, json));

        ParsedEndpoint parsed = endpoints.parse("seed-" + fixture, json.getBytes(StandardCharsets.UTF_8));
        JsonNode tree = JsonSchemas.MAPPER.readTree(json);
        Endpoint endpoint = parsed.endpoint();
        assertEquals("seed-" + fixture, endpoint.id());
        assertEquals(tree.get("type").asText(), endpoint.type().name());
        assertEquals(tree.get("path").asText(), endpoint.path());
        Set<String> declared = StreamSupport.stream(tree.get("eventTypes").spliterator(), false)
                .map(JsonNode::asText).collect(Collectors.toSet());
        assertEquals(declared, endpoint.eventTypes().stream().map(Enum::name).collect(Collectors.toSet()));

        // The seed bodies carry both connection strings: each is a warning, and no value leaks into one.
        assertEquals(List.of(String.format(EndpointParser.SECRET_WARNING, "connectionString"),
                String.format(EndpointParser.SECRET_WARNING, "secondaryConnectionString")), parsed.warnings());
        for (String warning : parsed.warnings()) {
            assertFalse(warning.contains("YOUR_PRIMARY_KEY") || warning.contains("YOUR_SECONDARY_KEY"), warning);
        }
        assertFalse(endpoint.toString().contains("SharedAccessKey"), "the model keeps no connection string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"servicebus", "eventgrid", "eventhub", "eventhub-devicemessage"})
    void endpointValueSerializerWritesOnlyTheRoutingPart(String fixture) throws Exception {
        String json = JsonSchemas.resource("samples/endpoints/" + fixture + ".json");
        Endpoint endpoint = endpoints.parse("e1", json.getBytes(StandardCharsets.UTF_8)).endpoint();
        byte[] written = JsonSerdes.endpointValue().serialize("twin.endpoints", endpoint);
        String text = new String(written, StandardCharsets.UTF_8);
        assertEquals(List.of(), JsonSchemas.errors(JsonSchemas.ENDPOINT, text));
        assertFalse(text.contains("connectionString"), text);
        assertEquals(endpoint, endpoints.parse("e1", written).endpoint());
        assertTrue(endpoints.parse("e1", written).warnings().isEmpty());
    }
}
