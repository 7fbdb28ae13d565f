package io.twinegress.localstack.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.localstack.Ports;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.endpoints.SampleEndpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code --auth entra-id} gives each part: the stand-ins' identities and roles, the worker, each connector. */
class LocalIdentitiesTest {

    final LocalIdentities identities = new LocalIdentities();
    final List<SampleEndpoint> endpoints = SampleEndpoints.localStack(Ports.defaults());
    final LocalIdentities.Ready ready = LocalIdentities.Ready.of(new ObjectMapper().createObjectNode()
            .put("amqps", 45671).put("eventgridHttps", 45682).put("truststore", "/data/tls/truststore.p12")
            .put("truststorePassword", "changeit").put("authorityHost", "https://127.0.0.1:45683")
            .put("tenant", "11111111-1111-1111-1111-111111111111").put("IDENTITY_ENDPOINT", "http://127.0.0.1:45684/msi/token")
            .put("IDENTITY_HEADER", "abc").put("federatedTokenDir", "/data/tls"));

    @TempDir
    Path data;

    @Test
    void eachIdentityHoldsItsTargetsRoleOnItsEntitiesOnly() {
        Map<String, String> p = identities.standInProperties(endpoints);
        assertEquals("true", p.get("tls.enabled"));
        assertEquals("true", p.get("identity.enabled"));
        assertEquals("SERVICE_BUS_DATA_SENDER@twin-servicebus-topic", p.get("identity.roles." + LocalIdentities.MANAGED));
        assertEquals("EVENT_HUBS_DATA_SENDER@twin-eventhub,EVENT_HUBS_DATA_SENDER@twin-device-telemetry",
                p.get("identity.roles." + LocalIdentities.WORKLOAD));
        assertEquals("EVENT_GRID_DATA_SENDER@twin-eventgrid-topic,EVENT_GRID_DATA_SENDER@twin-namespace-topic", p.get("identity.roles." + LocalIdentities.APP));
        assertEquals(LocalIdentities.SUBJECT, p.get("identity.workload." + LocalIdentities.WORKLOAD));
    }

    @Test
    void everyConnectorTakesItsIdentityOverTlsAndNoKey() throws Exception {
        Path secret = identities.writeSecret(data);
        String secretValue = Files.readString(secret).lines().filter(l -> l.startsWith(LocalIdentities.SECRET_PROPERTY))
                .findFirst().orElseThrow().split("=", 2)[1];
        for (SampleEndpoint e : endpoints) {
            Map<String, String> c = identities.connectorConfig(e, e.connectorConfig(data.resolve("keys")), ready, secret);
            assertFalse(c.containsKey("connection.string") || c.containsKey("secondary.connection.string"), e.id());
            assertEquals("entra-id", c.get("auth.mode"));
            assertEquals(LocalIdentities.kind(e), c.get("entra.credential"));
            assertFalse(c.values().stream().anyMatch(v -> v.contains(secretValue)), "the secret stays in its file");
            switch (e.type()) {
                case ServiceBus -> assertEquals("https://127.0.0.1:45671", c.get("custom.endpoint.address"));
                case EventHub -> assertEquals("/data/tls/" + LocalIdentities.WORKLOAD + ".token", c.get("entra.token.file"));
                case EventGrid -> {
                    assertEquals(e.id().equals("eventgrid-namespace") ? "https://127.0.0.1:45682"
                            : "https://127.0.0.1:45682/twin-eventgrid-topic/api/events", c.get("path"));
                    assertEquals("${file:" + secret.toAbsolutePath() + ":" + LocalIdentities.SECRET_PROPERTY + "}",
                            c.get("entra.client.secret"));
                }
            }
        }
        assertEquals(Map.of("IDENTITY_ENDPOINT", "http://127.0.0.1:45684/msi/token", "IDENTITY_HEADER", "abc"),
                identities.workerEnvironment(ready));
        assertTrue(identities.workerJvmFlags(ready).contains("-Djavax.net.ssl.trustStore=/data/tls/truststore.p12"));
    }
}
