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

/**
 * The four endpoints of the local stack, read from the seed's management-API bodies
 * ({@code samples/endpoints/*.json} in the schemas module): their type and event types as the seed
 * has them, with the placeholders ({@code YOUR_TOPIC_NAME}, {@code YOUR_PRIMARY_KEY}...) filled in
 * for the local stand-ins. Keys are random per run.
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

    private SampleEndpoints() {
    }

    /** {@link #local} as {@code ./twin-egress-local} (and examples/) registers them: {@code eventhub} with {@link #EVENTHUB_FILTER}. */
    public static List<SampleEndpoint> localStack(Ports ports) {
        return local(ports).stream().map(e -> e.id().equals("eventhub") ? e.withFilter(Filter.parse(EVENTHUB_FILTER)) : e).toList();
    }

    public static List<String> ids() {
        return SEEDS.stream().map(Seed::id).toList();
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
                        s.entity(), null, primary, secondary, "{key}", null);
                case ServiceBus, EventHub -> {
                    String keyName = s.id() + "-send";
                    // the seed's shape, pointed at the AMQP stand-in (plain TCP needs UseDevelopmentEmulator)
                    String cs = "Endpoint=sb://" + Ports.HOST + ":" + ports.amqp() + ";SharedAccessKeyName=" + keyName
                            + ";SharedAccessKey={key}"
                            + (seedConnectionString.contains("EntityPath=") ? ";EntityPath=" + s.entity() : "")
                            + ";UseDevelopmentEmulator=true";
                    yield new SampleEndpoint(s.id(), type, eventTypes, s.entity(), s.entity(), keyName, primary,
                            secondary, cs, null);
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
