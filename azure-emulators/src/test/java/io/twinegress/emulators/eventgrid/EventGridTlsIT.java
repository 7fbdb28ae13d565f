package io.twinegress.emulators.eventgrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.models.CloudEvent;
import com.azure.core.models.CloudEventDataFormat;
import com.azure.core.util.BinaryData;
import com.azure.json.JsonProviders;
import com.azure.json.JsonWriter;
import com.azure.messaging.eventgrid.EventGridEvent;
import com.azure.messaging.eventgrid.EventGridPublisherClient;
import com.azure.messaging.eventgrid.EventGridPublisherClientBuilder;
import io.twinegress.emulators.identity.Credentials;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.identity.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Event Grid stand-in over HTTPS with the run's certificate: the real Event Grid client with a key and
 * with an Entra ID credential (401 for a bad token, 403 for a missing role), a topic with the CloudEvents
 * schema, and a namespace topic's publish API with CloudEvents serialized by azure-core's model.
 */
@Timeout(120)
class EventGridTlsIT {

    static final String KEY = "ZWctdGxzLWtleQ==";
    static final String APP = "e9000000-0000-4000-8000-0000000000a1";
    static final String SECRET = "eg-secret-canary-55d1";
    static final Duration WAIT = Duration.ofSeconds(20);

    static IdentityProvider idp;
    static EventGridEmulator eg;
    static HttpClient http;

    @BeforeAll
    static void start() {
        Credentials.trustStandIns();
        idp = IdentityProvider.builder().servicePrincipal(APP, SECRET)
                .assign(APP, Role.EVENT_GRID_DATA_SENDER, "twins")
                .assign(APP, Role.EVENT_GRID_DATA_SENDER, "ns-twins")
                .start();
        eg = EventGridEmulator.builder().tls().identities(idp).key(KEY)
                .topic("twins").cloudEventsTopic("ce-twins").namespaceTopic("ns-twins").start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // trusts the default context
    }

    @AfterAll
    static void stop() {
        eg.close();
        idp.close();
    }

    @BeforeEach
    void fresh() {
        eg.clear();
    }

    @AfterEach
    void healthy() {
        eg.assertNoHandlerErrors();
    }

    static RetryOptions noRetries() {
        return new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(10)));
    }

    static EventGridEvent event(String id) {
        return new EventGridEvent("twins/" + id, "Twin.Update", BinaryData.fromString("{\"id\":\"" + id + "\"}"), "1.0");
    }

    @Test
    void theEventGridClientPublishesWithAKeyOverHttps() {
        EventGridPublisherClient<EventGridEvent> c = new EventGridPublisherClientBuilder()
                .endpoint(eg.httpsEndpoint("twins")).credential(new AzureKeyCredential(KEY)).retryOptions(noRetries())
                .buildEventGridEventPublisherClient();
        c.sendEvents(List.of(event("k-1")));
        ReceivedEvent got = eg.awaitCount("twins", 1, WAIT).get(0);
        assertTrue(got.overTls());
        assertEquals(EventGridEmulator.fingerprint(KEY), got.keyFingerprint());
    }

    @Test
    void aBearerTokenIsCheckedForRoleAndValidity() {
        TokenCredential credential = Credentials.clientSecret(idp, APP, SECRET);
        EventGridPublisherClient<EventGridEvent> c = new EventGridPublisherClientBuilder()
                .endpoint(eg.httpsEndpoint("twins")).credential(credential).retryOptions(noRetries())
                .buildEventGridEventPublisherClient();
        c.sendEvents(List.of(event("b-1")));
        assertEquals(APP, eg.awaitCount("twins", 1, WAIT).get(0).principal());

        idp.revokeRole(APP, Role.EVENT_GRID_DATA_SENDER, "twins");
        try {
            HttpResponseException e = assertThrows(HttpResponseException.class, () -> c.sendEvents(List.of(event("b-2"))));
            assertEquals(403, e.getResponse().getStatusCode(), e.getMessage());
            assertTrue(e.getMessage().contains("EventGrid Data Sender"), e.getMessage());
        } finally {
            idp.assignRole(APP, Role.EVENT_GRID_DATA_SENDER, "twins");
        }
        c.sendEvents(List.of(event("b-3")));

        // a token the service refuses (expired early) while the pipeline keeps its cached copy: 401
        idp.expireIssuedTokens(APP);
        HttpResponseException e = assertThrows(HttpResponseException.class, () -> c.sendEvents(List.of(event("b-4"))));
        assertEquals(401, e.getResponse().getStatusCode(), e.getMessage());
        assertTrue(e.getResponse().getHeaderValue("WWW-Authenticate").startsWith("Bearer"));
        assertEquals(List.of("twins/b-1", "twins/b-3"), eg.received("twins").stream().map(ReceivedEvent::subject).toList());
    }

    @Test
    void aCloudEventsTopicTakesTheClientsCloudEventBatch() {
        EventGridPublisherClient<CloudEvent> c = new EventGridPublisherClientBuilder()
                .endpoint(eg.httpsEndpoint("ce-twins")).credential(new AzureKeyCredential(KEY)).retryOptions(noRetries())
                .buildCloudEventPublisherClient();
        c.sendEvents(List.of(cloudEvent("ce-1"), cloudEvent("ce-2")));
        List<ReceivedEvent> got = eg.awaitCount("ce-twins", 2, WAIT);
        assertTrue(got.get(0).contentType().startsWith(CloudEventValidator.BATCH), got.get(0).contentType());
        CloudEvent parsed = CloudEvent.fromString(got.get(0).json()).get(0);
        assertEquals("ce-1", parsed.getId());
        assertEquals("/twins/ce-1", parsed.getSource());
        assertEquals("{\"twin\":\"ce-1\"}", parsed.getData().toString());
    }

    @Test
    void aNamespaceTopicTakesCloudEventsWithAKeyOrABearerToken() throws Exception {
        HttpResponse<String> r = publish("SharedAccessKey " + KEY, CloudEventValidator.BATCH + "; charset=utf-8",
                serialize(List.of(cloudEvent("n-1"), cloudEvent("n-2"))));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{}", r.body());

        String token = Credentials.clientSecret(idp, APP, SECRET)
                .getTokenSync(new TokenRequestContext().addScopes("https://eventgrid.azure.net/.default")).getToken();
        String single = serialize(List.of(cloudEvent("n-3")));
        r = publish("Bearer " + token, CloudEventValidator.SINGLE + "; charset=utf-8", single.substring(1, single.length() - 1));
        assertEquals(200, r.statusCode(), r.body());

        List<ReceivedEvent> got = eg.awaitCount("ns-twins", 3, WAIT);
        assertTrue(got.get(0).namespaceTopic() && got.get(0).cloudEvent());
        assertEquals(EventGridEmulator.fingerprint(KEY), got.get(0).keyFingerprint());
        assertEquals(APP, got.get(2).principal());
        assertNull(got.get(2).keyFingerprint());
        assertEquals("n-3", CloudEvent.fromString("[" + got.get(2).json() + "]").get(0).getId());
    }

    @Test
    void aNamespaceTopicRefusesWhatTheServiceRefuses() throws Exception {
        String auth = "SharedAccessKey " + KEY;
        assertEquals(401, publish("SharedAccessKey bm9wZQ==", CloudEventValidator.BATCH, serialize(List.of(cloudEvent("x"))))
                .statusCode());
        List<CloudEvent> tooMany = new ArrayList<>();
        for (int i = 0; i < EventGridEmulator.MAX_NAMESPACE_EVENTS_PER_REQUEST + 1; i++) {
            tooMany.add(cloudEvent("m-" + i));
        }
        HttpResponse<String> r = publish(auth, CloudEventValidator.BATCH, serialize(tooMany));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("at most 1000"), r.body());

        String big = "{\"specversion\":\"1.0\",\"id\":\"big\",\"source\":\"/s\",\"type\":\"t\",\"data\":\""
                + "x".repeat((int) EventGridEmulator.ONE_MB) + "\"}";
        assertEquals(413, publish(auth, CloudEventValidator.SINGLE, big).statusCode());

        r = publish(auth, CloudEventValidator.BATCH, "[{\"specversion\":\"1.0\",\"id\":\"no-source\",\"type\":\"t\"}]");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("'source'"), r.body());
        r = publish(auth, CloudEventValidator.BATCH, "[{\"specversion\":\"0.3\",\"id\":\"i\",\"source\":\"/s\",\"type\":\"t\"}]");
        assertTrue(r.body().contains("specversion"), r.body());
        assertEquals(415, publish(auth, "application/json", serialize(List.of(cloudEvent("j")))).statusCode());
        assertEquals(0, eg.count("ns-twins"));
    }

    static CloudEvent cloudEvent(String id) {
        return new CloudEvent("/twins/" + id, "Twin.Update", BinaryData.fromString("{\"twin\":\"" + id + "\"}"),
                CloudEventDataFormat.JSON, "application/json").setId(id).setSubject(id).setTime(OffsetDateTime.now());
    }

    /** The events as a JSON array, written by azure-core's own serializer. */
    static String serialize(List<CloudEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonWriter w = JsonProviders.createWriter(out)) {
            w.writeArray(events, JsonWriter::writeJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    static HttpResponse<String> publish(String authorization, String contentType, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(eg.namespacePublishUrl("ns-twins")))
                .header("Authorization", authorization).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

}
