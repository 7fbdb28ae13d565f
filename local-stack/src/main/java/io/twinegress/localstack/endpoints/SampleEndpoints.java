package io.twinegress.localstack.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.localstack.Ports;
import io.twinegress.schemas.EndpointType;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.filter.Filter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The four endpoints of the local stack, read from the seed's management-API bodies
 * ({@code samples/endpoints/*.json} in the schemas module): their type and event types as the seed
 * has them, with the placeholders ({@code YOUR_TOPIC_NAME}, {@code YOUR_PRIMARY_KEY}...) filled in
 * for the local stand-ins. Keys are random per run. The local stack adds to the seed's four (see
 * {@link #localStack}): {@code eventhub} sends CloudEvents, and {@code eventgrid-namespace} is the
 * {@code eventgrid} endpoint as an Event Grid namespace topic.
 */
public final class SampleEndpoints {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Endpoint id, seed file, stand-in entity. */
    private record Seed(String id, String file, String entity) {
    }

    private static final List<Seed> SEEDS = List.of(
            new Seed("servicebus", "servicebus.json", "twin-servicebus-topic"),
            new Seed("eventgrid", "eventgrid.json", "twin-eventgrid-topic"),
            new Seed("eventhub", "eventhub.json", "twin-eventhub"),
            new Seed("devicemessages", "eventhub-devicemessage.json", "twin-device-telemetry"));

    /**
     * The content filter the local stack puts on the {@code eventhub} endpoint (the seed's bodies have
     * none): motion sensors, and topology changes that notify the sample space, by fields inside
     * {@code data}, one of them an array. The sample SpaceChange events pass neither.
     */
    public static final String EVENTHUB_FILTER =
            "$body.DataType = 'Motion' OR $body.SpacesToNotify = '3a16d146-ca39-49ee-b803-17a18a12ba36'";

    /** The local stack's Event Grid namespace topic endpoint: the {@code eventgrid} body, published to a namespace topic. */
    public static final String NAMESPACE_ENDPOINT = "eventgrid-namespace";
    public static final String NAMESPACE_TOPIC = "twin-namespace-topic";

    /** The {@code eventhub} endpoint's format in the local stack: CloudEvents, structured mode. */
    static final Map<String, String> EVENTHUB_OPTIONS = Map.of(
            "event.format", "cloudevents", "cloudevents.mode", "structured", "cloudevents.source", "urn:twin-egress:local");
    static final Map<String, String> NAMESPACE_OPTIONS = Map.of(
            "event.format", "cloudevents", "cloudevents.source", "urn:twin-egress:local",
            "eventgrid.kind", "namespace-topic", "namespace.topic", NAMESPACE_TOPIC);

    private SampleEndpoints() {
    }

    /**
     * {@link #local} as {@code ./twin-egress-local} (and examples/) registers them: {@code eventhub} with
     * {@link #EVENTHUB_FILTER} and in CloudEvents; and {@value #NAMESPACE_ENDPOINT}, the {@code eventgrid}
     * endpoint's event types published to namespace topic {@value #NAMESPACE_TOPIC} of the same stand-in
     * (whose keys serve all its topics: it has the {@code eventgrid} endpoint's keys).
     */
    public static List<SampleEndpoint> localStack(Ports ports) {
        List<SampleEndpoint> out = new ArrayList<>(local(ports).stream()
                .map(e -> e.id().equals("eventhub") ? e.withFilter(Filter.parse(EVENTHUB_FILTER)).withOptions(EVENTHUB_OPTIONS) : e)
                .toList());
        SampleEndpoint eventGrid = out.stream().filter(e -> e.id().equals("eventgrid")).findFirst().orElseThrow();
        out.add(new SampleEndpoint(NAMESPACE_ENDPOINT, EndpointType.EventGrid, eventGrid.eventTypes(),
                "http://" + Ports.HOST + ":" + ports.eventGrid(), NAMESPACE_TOPIC, null, eventGrid.primaryKey(),
                eventGrid.secondaryKey(), "{key}", null, NAMESPACE_OPTIONS));
        return out;
    }

    /** The local stack's endpoint ids: the seed's four and {@value #NAMESPACE_ENDPOINT}. */
    public static List<String> ids() {
        List<String> ids = new ArrayList<>(SEEDS.stream().map(Seed::id).toList());
        ids.add(NAMESPACE_ENDPOINT);
        return ids;
    }

    /** The four endpoints for stand-ins listening on {@code ports}, with fresh random keys, as the seed has them (no filter). */
    public static List<SampleEndpoint> local(Ports ports) {
        List<SampleEndpoint> out = new ArrayList<>();
        for (Seed s : SEEDS) {
            JsonNode body = read("samples/endpoints/" + s.file());
            EndpointType type = EndpointType.fromWire(body.path("type").asText())
                    .orElseThrow(() -> new IllegalStateException("seed " + s.file() + ": unknown type"));
            List<EventType> eventTypes = new ArrayList<>();
            body.path("eventTypes").forEach(t -> eventTypes.add(EventType.fromWire(t.asText())
                    .orElseThrow(() -> new IllegalStateException("seed " + s.file() + ": unknown event type " + t))));
            String primary = randomKey();
            String secondary = randomKey();
            String seedConnectionString = body.path("connectionString").asText();
            SampleEndpoint e = switch (type) {
                case EventGrid -> new SampleEndpoint(s.id(), type, eventTypes,
                        "http://" + Ports.HOST + ":" + ports.eventGrid() + "/" + s.entity() + "/api/events",
                        s.entity(), null, primary, secondary, "{key}", null, Map.of());
                case ServiceBus, EventHub -> {
                    String keyName = s.id() + "-send";
                    // the seed's shape, pointed at the AMQP stand-in (plain TCP needs UseDevelopmentEmulator)
                    String cs = "Endpoint=sb://" + Ports.HOST + ":" + ports.amqp() + ";SharedAccessKeyName=" + keyName
                            + ";SharedAccessKey={key}"
                            + (seedConnectionString.contains("EntityPath=") ? ";EntityPath=" + s.entity() : "")
                            + ";UseDevelopmentEmulator=true";
                    yield new SampleEndpoint(s.id(), type, eventTypes, s.entity(), s.entity(), keyName, primary,
                            secondary, cs, null, Map.of());
                }
            };
            out.add(e);
        }
        return out;
    }

    private static JsonNode read(String resource) {
        try (InputStream in = SampleEndpoints.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("seed sample " + resource + " not on the classpath (schemas module)");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String randomKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
