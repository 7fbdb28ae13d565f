package io.twinegress.emulators.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.AmqpEntity;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.identity.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The identity provider's admin actions and the new declarations, through the typed client. */
@Timeout(60)
class IdentityAdminTest {

    static final String APP = "ad000000-0000-4000-8000-0000000000a1";
    static final String SECRET = "admin-secret-canary-0aa";

    static IdentityProvider idp;
    static AmqpEmulator amqp;
    static EventGridEmulator eventGrid;
    static AdminServer server;
    static AdminClient admin;

    @BeforeAll
    static void start() {
        idp = IdentityProvider.builder().servicePrincipal(APP, SECRET).workloadIdentity("wl", "system:serviceaccount:a:b")
                .assign(APP, Role.SERVICE_BUS_DATA_SENDER, "orders").start();
        amqp = AmqpEmulator.builder().serviceBusTopic("orders").key("k", "v").start();
        eventGrid = EventGridEmulator.builder().key("egkey").start();
        server = new AdminServer("127.0.0.1", 0, amqp, eventGrid, idp);
        admin = new AdminClient("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        eventGrid.close();
        amqp.close();
        idp.close();
    }

    @Test
    void rolesLifetimeAndExpiryChangeThroughTheApi() throws Exception {
        admin.identity().revokeRole(APP, "Azure Service Bus Data Sender", "orders");
        assertFalse(idp.holds(APP, Role.SERVICE_BUS_DATA_SENDER, "orders"));
        admin.identity().assignRole(APP, "SERVICE_BUS_DATA_SENDER", "orders");
        assertTrue(idp.holds(APP, Role.SERVICE_BUS_DATA_SENDER, "orders"));
        admin.identity().setTokenLifetime(Duration.ofSeconds(42));
        assertEquals(Duration.ofSeconds(42), idp.tokenLifetime());
        admin.identity().expireTokens(APP);
        assertEquals(0, admin.identity().tokensIssued(APP));

        IOException e = assertThrows(IOException.class, () -> admin.identity().revokeRole(APP, "Owner", "*"));
        assertTrue(e.getMessage().contains("unknown role 'Owner'"), e.getMessage());
        JsonNode status = admin.identity().status();
        assertTrue(status.toString().contains("Azure Service Bus Data Sender"));
        assertFalse(status.toString().contains(SECRET), "no secret in the API");
    }

    @Test
    void aFederatedTokenFileIsWrittenForAWorkloadIdentity(@TempDir Path dir) throws Exception {
        admin.identity().writeFederatedToken("wl", dir.resolve("token"));
        assertTrue(IdentityProvider.isJwt(Files.readString(dir.resolve("token"))));
        assertThrows(IOException.class, () -> admin.identity().writeFederatedToken(APP, dir.resolve("x")));
    }

    @Test
    void queuesSessionsAndNamespaceTopicsAreDeclaredAtRunTime() throws Exception {
        admin.amqp().declareServiceBusQueue("jobs", true, true);
        AmqpEntity jobs = amqp.entities().stream().filter(x -> x.name().equals("jobs")).findFirst().orElseThrow();
        assertTrue(jobs.queue() && jobs.requiresSession() && jobs.partitioned());
        admin.eventGrid().declareNamespaceTopic("ns");
        admin.eventGrid().declareCloudEventsTopic("ce");
        assertTrue(eventGrid.isNamespaceTopic("ns"));
        assertEquals(EventGridEmulator.Schema.CLOUD_EVENTS, eventGrid.schemaOf("ce"));
        IOException e = assertThrows(IOException.class, () -> admin.eventGrid().declareTopic("ns"));
        assertTrue(e.getMessage().contains("already a namespace topic"), e.getMessage());
    }
}
