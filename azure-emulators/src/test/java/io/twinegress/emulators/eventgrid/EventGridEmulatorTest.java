package io.twinegress.emulators.eventgrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.emulators.auth.SharedAccessSignatures;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Publishes to the Event Grid stand-in over real HTTP (JDK client, HTTP/1.1) and checks every answer. */
@Timeout(60)
class EventGridEmulatorTest {

    static final String KEY1 = "a2V5LW9uZS1mb3ItdGVzdHM=";
    static final String KEY2 = "a2V5LXR3by1mb3ItdGVzdHM=";
    static final ObjectMapper JSON = new ObjectMapper();

    static EventGridEmulator eg;
    static HttpClient http;

    @BeforeAll
    static void start() {
        eg = EventGridEmulator.builder().topic("twins").key(KEY1).key(KEY2).start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void stop() {
        eg.close();
    }

    @BeforeEach
    void reset() {
        eg.setKeys(KEY1, KEY2);
        eg.throttle(false);
        eg.setResponseDelay(Duration.ZERO);
        eg.comeBack();
        eg.clear();
    }

    @AfterEach
    void healthy() {
        eg.assertNoHandlerErrors();
    }

    static String event(String id, String type) {
        return "{\"id\":\"" + id + "\",\"subject\":\"sensors/" + id + "\",\"eventType\":\"" + type + "\","
                + "\"eventTime\":\"2026-11-22T10:00:00Z\",\"data\":{\"value\":21.5},\"dataVersion\":\"1.0\"}";
    }

    static HttpResponse<String> post(String url, String header, String value, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "?api-version=2018-01-01"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (header != null) {
            b.header(header, value);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode errorOf(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body()).get("error");
    }

    @Test
    void goodArrayIsAcceptedAndRecordedFieldByField() throws Exception {
        String body = "[" + event("e-1", "SensorChange") + "," + event("e-2", "SpaceChange") + "]";
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(eg.endpoint("twins"), "aeg-sas-key", KEY1, body);
        System.out.printf("first Event Grid publish: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(200, r.statusCode());
        List<ReceivedEvent> got = eg.awaitCount("twins", 2, Duration.ofSeconds(5));
        assertEquals("e-1", got.get(0).id());
        assertEquals("sensors/e-1", got.get(0).subject());
        assertEquals("SensorChange", got.get(0).eventType());
        assertEquals("2026-11-22T10:00:00Z", got.get(0).eventTime());
        assertEquals("1.0", got.get(0).dataVersion());
        assertEquals(21.5, got.get(0).data().get("value").asDouble());
        assertNull(got.get(0).topicSent());
        assertEquals("SpaceChange", got.get(1).eventType());
        assertEquals(got.get(0).requestId(), got.get(1).requestId());
        assertEquals(2, got.get(1).requestSize());

        assertEquals(200, post(eg.endpoint(), "aeg-sas-key", KEY2, "[" + event("d-1", "UdfCustom") + "]")
                .statusCode());
        assertEquals(1, eg.count(EventGridEmulator.DEFAULT_TOPIC));
        assertEquals(EventGridEmulator.fingerprint(KEY2),
                eg.received(EventGridEmulator.DEFAULT_TOPIC).get(0).keyFingerprint());
        assertEquals(EventGridEmulator.fingerprint(KEY1), got.get(0).keyFingerprint());
        String withTopic = "[{\"id\":\"t\",\"subject\":\"s\",\"eventType\":\"X\",\"eventTime\":\"2026-11-22T10:00:00Z\","
                + "\"data\":{},\"dataVersion\":\"1\",\"topic\":\"" + EventGridEmulator.topicResourceId("twins") + "\"}]";
        assertEquals(200, post(eg.endpoint("twins"), "aeg-sas-key", KEY1, withTopic).statusCode());
    }

    @Test
    void wrongOrMissingKeyIs401() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(eg.endpoint("twins"), "aeg-sas-key", "bm9wZQ==", "[" + event("x", "T") + "]");
        System.out.printf("Event Grid 401 in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(401, r.statusCode());
        assertEquals("Unauthorized", errorOf(r).get("code").asText());
        assertEquals(401, post(eg.endpoint("twins"), null, null, "[" + event("x", "T") + "]").statusCode());
        eg.revokeKey(KEY1);
        assertEquals(401, post(eg.endpoint("twins"), "aeg-sas-key", KEY1, "[" + event("x", "T") + "]").statusCode());
        assertEquals(200, post(eg.endpoint("twins"), "aeg-sas-key", KEY2, "[" + event("y", "T") + "]").statusCode());
        assertEquals(0, eg.received("twins").stream().filter(e -> e.id().equals("x")).count());
    }

    @Test
    void sasTokenIsCheckedToo() throws Exception {
        String good = SharedAccessSignatures.eventGridToken(eg.endpoint("twins"), KEY2,
                Instant.now().plusSeconds(600));
        assertEquals(200, post(eg.endpoint("twins"), "aeg-sas-token", good, "[" + event("s", "T") + "]").statusCode());
        String viaLocalhost = SharedAccessSignatures.eventGridToken(
                eg.endpoint("twins").replace("127.0.0.1", "localhost") + "?api-version=2018-01-01", KEY1,
                Instant.now().plusSeconds(600));
        assertEquals(200, post(eg.endpoint("twins"), "aeg-sas-token", viaLocalhost, "[" + event("l", "T") + "]")
                .statusCode());
        String otherTopic = SharedAccessSignatures.eventGridToken(eg.endpoint(), KEY1, Instant.now().plusSeconds(600));
        assertEquals(401, post(eg.endpoint("twins"), "aeg-sas-token", otherTopic, "[" + event("o", "T") + "]")
                .statusCode());
        String expired = SharedAccessSignatures.eventGridToken(eg.endpoint("twins"), KEY2,
                Instant.now().minusSeconds(600));
        assertEquals(401, post(eg.endpoint("twins"), "aeg-sas-token", expired, "[" + event("s", "T") + "]")
                .statusCode());
        String wrongKey = SharedAccessSignatures.eventGridToken(eg.endpoint("twins"), "bm9wZQ==",
                Instant.now().plusSeconds(600));
        assertEquals(401, post(eg.endpoint("twins"), "aeg-sas-token", wrongKey, "[" + event("s", "T") + "]")
                .statusCode());
    }

    @Test
    void badEventIs400NamingIndexAndField() throws Exception {
        String missingType = "{\"id\":\"b\",\"subject\":\"s\",\"eventTime\":\"2026-11-22T10:00:00Z\","
                + "\"data\":{},\"dataVersion\":\"1\"}";
        HttpResponse<String> r = post(eg.endpoint("twins"), "aeg-sas-key", KEY1,
                "[" + event("a", "T") + "," + missingType + "]");
        assertEquals(400, r.statusCode());
        JsonNode err = errorOf(r);
        assertEquals("BadRequest", err.get("code").asText());
        String message = err.get("message").asText();
        assertTrue(message.contains("index 1") && message.contains("'eventType'"), message);
        assertEquals(0, eg.count("twins"), "a rejected request records nothing");

        assertEquals(400, post(eg.endpoint("twins"), "aeg-sas-key", KEY1, event("a", "T")).statusCode(),
                "not an array");
        String noData = "[{\"id\":\"b\",\"subject\":\"s\",\"eventType\":\"T\",\"eventTime\":\"2026-11-22T10:00:00Z\","
                + "\"dataVersion\":\"1\"}]";
        assertTrue(errorOf(post(eg.endpoint("twins"), "aeg-sas-key", KEY1, noData)).get("message").asText()
                .contains("'data'"));
        String wrongTopic = "[{\"id\":\"b\",\"subject\":\"s\",\"eventType\":\"T\",\"eventTime\":\"2026-11-22T10:00:00Z\","
                + "\"data\":{},\"dataVersion\":\"1\",\"topic\":\"/other\"}]";
        assertTrue(errorOf(post(eg.endpoint("twins"), "aeg-sas-key", KEY1, wrongTopic)).get("message").asText()
                .contains("'topic'"));
        String badTime = "[{\"id\":\"b\",\"subject\":\"s\",\"eventType\":\"T\",\"eventTime\":\"yesterday\","
                + "\"data\":{},\"dataVersion\":\"1\"}]";
        assertEquals(400, post(eg.endpoint("twins"), "aeg-sas-key", KEY1, badTime).statusCode());
        assertEquals(400, post(eg.endpoint("twins"), "aeg-sas-key", KEY1, "not json").statusCode());
    }

    @Test
    void oversizeIs413() throws Exception {
        String big = "x".repeat(600 * 1024);
        String e1 = "{\"id\":\"1\",\"subject\":\"s\",\"eventType\":\"T\",\"eventTime\":\"2026-11-22T10:00:00Z\","
                + "\"data\":\"" + big + "\",\"dataVersion\":\"1\"}";
        String e2 = e1.replace("\"id\":\"1\"", "\"id\":\"2\"");
        HttpResponse<String> r = post(eg.endpoint("twins"), "aeg-sas-key", KEY1, "[" + e1 + "," + e2 + "]");
        assertEquals(413, r.statusCode());
        assertEquals("RequestEntityTooLarge", errorOf(r).get("code").asText());
        assertEquals(200, post(eg.endpoint("twins"), "aeg-sas-key", KEY1, "[" + e1 + "]").statusCode());

        try (EventGridEmulator small = EventGridEmulator.builder().key(KEY1).maxEventBytes(1000).start()) {
            String fat = event("f", "T").replace("21.5", "\"" + "y".repeat(2000) + "\"");
            HttpResponse<String> r2 = post(small.endpoint(), "aeg-sas-key", KEY1, "[" + event("a", "T") + "," + fat + "]");
            assertEquals(413, r2.statusCode());
            assertTrue(errorOf(r2).get("message").asText().contains("index 1"));
        }
    }

    @Test
    void throttlingIs429WithRetryAfter() throws Exception {
        eg.throttle(true);
        HttpResponse<String> r = post(eg.endpoint("twins"), "aeg-sas-key", KEY1, "[" + event("t", "T") + "]");
        assertEquals(429, r.statusCode());
        assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
        eg.throttle(503, Duration.ofSeconds(7));
        r = post(eg.endpoint("twins"), "aeg-sas-key", KEY1, "[" + event("t", "T") + "]");
        assertEquals(503, r.statusCode());
        assertEquals("7", r.headers().firstValue("Retry-After").orElse(null));
        eg.throttle(false);
        eg.throttle(429, Duration.ofSeconds(1));
        eg.throttle(false);
        eg.throttleNext(1);
        assertEquals(429, post(eg.endpoint("twins"), "aeg-sas-key", KEY1, "[" + event("t", "T") + "]").statusCode());
        assertEquals(200, post(eg.endpoint("twins"), "aeg-sas-key", KEY1, "[" + event("t", "T") + "]").statusCode());
        assertEquals(1, eg.count("twins"));
    }

    @Test
    void unreachableThenBackOnTheSamePort() throws Exception {
        int port = eg.port();
        eg.goUnreachable();
        assertThrows(ConnectException.class,
                () -> post(eg.endpoint("twins"), "aeg-sas-key", KEY1, "[" + event("u", "T") + "]"));
        eg.comeBack();
        assertEquals(port, eg.port());
        assertEquals(200, post(eg.endpoint("twins"), "aeg-sas-key", KEY1, "[" + event("u", "T") + "]").statusCode());
    }

    @Test
    void delayAndUnknownTopic() throws Exception {
        eg.setResponseDelay(Duration.ofMillis(400));
        long t0 = System.nanoTime();
        assertEquals(200, post(eg.endpoint("twins"), "aeg-sas-key", KEY1, "[" + event("d", "T") + "]").statusCode());
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 380);
        eg.setResponseDelay(Duration.ZERO);
        String unknown = "http://127.0.0.1:" + eg.port() + "/nope/api/events";
        assertEquals(404, post(unknown, "aeg-sas-key", KEY1, "[" + event("d", "T") + "]").statusCode());
    }
}
