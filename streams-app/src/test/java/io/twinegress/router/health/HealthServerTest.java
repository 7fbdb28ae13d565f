package io.twinegress.router.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The health endpoint's answers over a real loopback socket, for each state a router can be in. */
class HealthServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A router whose state and table the test sets. */
    private static final class FakeRouter implements RouterView {
        volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
        volatile SortedMap<String, byte[]> table;

        @Override
        public KafkaStreams.State streamsState() {
            return state;
        }

        @Override
        public SortedMap<String, byte[]> statusTable() {
            if (table == null) {
                throw new TableUnavailableException("the endpoint table cannot be read while Kafka Streams is " + state, null);
            }
            return table;
        }
    }

    private final FakeRouter router = new FakeRouter();
    private HealthServer server;

    @BeforeEach
    void start() {
        server = HealthServer.start("127.0.0.1", 0, router);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> request(String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        return HTTP.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path, int expectedStatus) throws Exception {
        HttpResponse<String> response = request("GET", path);
        assertEquals(expectedStatus, response.statusCode(), path + ": " + response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        return JSON.readTree(response.body());
    }

    private static SortedMap<String, byte[]> table(String... idsAndRecords) {
        SortedMap<String, byte[]> table = new TreeMap<>();
        for (int i = 0; i < idsAndRecords.length; i += 2) {
            table.put(idsAndRecords[i], idsAndRecords[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return table;
    }

    @Test
    void healthIsDownWithTheStateUntilKafkaStreamsRuns() throws Exception {
        router.state = KafkaStreams.State.REBALANCING;
        router.table = table();
        JsonNode body = get("/health", 503);
        assertEquals("DOWN", body.get("status").asText());
        assertEquals("REBALANCING", body.get("streams").asText());
        assertEquals("Kafka Streams is REBALANCING, not RUNNING", body.get("reason").asText());
    }

    @Test
    void healthIsDownWhileTheEndpointTableCannotBeRead() throws Exception {
        router.state = KafkaStreams.State.RUNNING;
        JsonNode body = get("/health", 503);
        assertEquals("the endpoint table cannot be read while Kafka Streams is RUNNING", body.get("reason").asText());
    }

    @Test
    void healthIsUpWhenRunningWithTheTableLoaded() throws Exception {
        router.state = KafkaStreams.State.RUNNING;
        router.table = table("a", "{\"state\":\"Active\"}", "b", "{\"state\":\"Rejected\"}");
        JsonNode body = get("/health", 200);
        assertEquals("UP", body.get("status").asText());
        assertEquals(2, body.get("endpoints").asInt());
    }

    @Test
    void livenessFailsOnlyOnceKafkaStreamsStoppedOrFailed() throws Exception {
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            router.state = state;
            boolean stopped = switch (state) {
                case PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR -> true;
                default -> false;
            };
            JsonNode body = get("/health/live", stopped ? 503 : 200);
            assertEquals(state.name(), body.get("streams").asText());
        }
    }

    @Test
    void endpointsIsTheStatusTableAsTheRouterWroteIt() throws Exception {
        router.state = KafkaStreams.State.RUNNING;
        String active = "{\"state\":\"Active\",\"egressTopic\":\"twin.egress.sb\",\"warnings\":[],"
                + "\"endpoint\":{\"id\":\"sb\",\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"},\"updatedAt\":1}";
        router.table = table("sb", active, "zz", "not json");
        JsonNode body = get("/endpoints", 200);
        assertEquals(JSON.readTree(active), body.get("endpoints").get("sb"));
        assertEquals("the status record is not a JSON object", body.get("endpoints").get("zz").get("unreadable").asText());
        assertEquals(2, body.get("endpoints").size());
    }

    @Test
    void endpointsIsUnavailableBeforeTheTableLoads() throws Exception {
        router.state = KafkaStreams.State.REBALANCING;
        JsonNode body = get("/endpoints", 503);
        assertTrue(body.get("reason").asText().contains("REBALANCING"), body.toString());
    }

    @Test
    void onlyReadsOfKnownPathsAreAnswered() throws Exception {
        router.state = KafkaStreams.State.RUNNING;
        router.table = table();
        assertEquals(404, request("GET", "/healthz").statusCode());
        assertEquals(404, request("GET", "/").statusCode());
        HttpResponse<String> post = request("POST", "/health");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> head = request("HEAD", "/health");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void aBusyPortIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> HealthServer.start("127.0.0.1", taken.getLocalPort(), router));
            assertTrue(e.getMessage().startsWith("cannot bind the health endpoint to 127.0.0.1:" + taken.getLocalPort()),
                    e.getMessage());
        }
    }
}
