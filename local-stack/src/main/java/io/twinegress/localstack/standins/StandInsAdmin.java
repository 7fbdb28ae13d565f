package io.twinegress.localstack.standins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.schemas.EndpointType;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The stand-ins' loopback admin API (docs/emulators.md): what arrived, and faults. */
public final class StandInsAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 2000;

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build();

    public StandInsAdmin(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public boolean healthy() throws IOException, InterruptedException {
        return get("/health").path("status").asText().equals("UP");
    }

    /** Messages or events that arrived at the endpoint's entity. */
    public long count(SampleEndpoint e) throws IOException, InterruptedException {
        return get(listPath(e) + "?limit=0").path("count").asLong();
    }

    /**
     * One arrival: the event id (or, for raw telemetry, the message id / body), and the fingerprint
     * of the key that authorized it.
     */
    public record Arrival(String id, String body, String keyFingerprint) {
    }

    /** Everything that arrived at the endpoint's entity, in arrival order. */
    public List<Arrival> arrivals(SampleEndpoint e) throws IOException, InterruptedException {
        List<Arrival> out = new ArrayList<>();
        boolean eventGrid = e.type() == EndpointType.EventGrid;
        int offset = 0;
        while (true) {
            JsonNode page = get(listPath(e) + "?limit=" + PAGE + "&offset=" + offset);
            JsonNode items = page.path(eventGrid ? "events" : "messages");
            for (JsonNode n : items) {
                if (eventGrid) {
                    JsonNode ev = n.path("event");
                    out.add(new Arrival(ev.path("id").asText(null), ev.toString(), n.path("keyFingerprint").asText(null)));
                } else {
                    String body = n.hasNonNull("body") ? n.path("body").asText() : null;
                    out.add(new Arrival(n.path("messageId").asText(null), body, n.path("keyFingerprint").asText(null)));
                }
            }
            offset += items.size();
            if (items.isEmpty() || offset >= page.path("count").asInt()) {
                return out;
            }
        }
    }

    /** The fingerprint of the key behind the latest arrival, or null. */
    public String lastKeyFingerprint(SampleEndpoint e) throws IOException, InterruptedException {
        long n = count(e);
        if (n == 0) {
            return null;
        }
        JsonNode page = get(listPath(e) + "?limit=1&offset=" + (n - 1));
        JsonNode items = page.path(e.type() == EndpointType.EventGrid ? "events" : "messages");
        return items.isEmpty() ? null : items.get(0).path("keyFingerprint").asText(null);
    }

    /** Revokes the endpoint's primary key in the stand-in, as a key regeneration in Azure would. */
    public void revokePrimary(SampleEndpoint e) throws IOException, InterruptedException {
        String body = e.type() == EndpointType.EventGrid
                ? JSON.createObjectNode().put("key", e.primaryKey()).toString()
                : JSON.createObjectNode().put("keyName", e.keyName()).put("key", e.primaryKey()).toString();
        post(e.type() == EndpointType.EventGrid ? "/eventgrid/keys/revoke" : "/amqp/keys/revoke", body);
    }

    private static String listPath(SampleEndpoint e) {
        String entity = URLEncoder.encode(e.entity(), StandardCharsets.UTF_8);
        return e.type() == EndpointType.EventGrid ? "/eventgrid/" + entity + "/events" : "/amqp/" + entity + "/messages";
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        // counts feed the live table and must not stall it; pages of arrivals may be large
        Duration timeout = path.contains("limit=0") || path.contains("limit=1&") || path.equals("/health")
                ? Duration.ofSeconds(5) : Duration.ofSeconds(30);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    private void post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            // the admin API's error text names the field, never the key
            throw new IOException("POST " + path + " answered " + r.statusCode());
        }
    }
}
