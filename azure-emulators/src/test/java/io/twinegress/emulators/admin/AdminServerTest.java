package io.twinegress.emulators.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin API in this JVM, driven through its typed client: one fault path for both stand-ins. */
@Timeout(60)
class AdminServerTest {

    static final String KEY_NAME = "RootManageSharedAccessKey";

    static AmqpEmulator amqp;
    static EventGridEmulator eventGrid;
    static AdminServer server;
    static AdminClient admin;

    @BeforeAll
    static void start() {
        amqp = AmqpEmulator.builder().serviceBusTopic("orders").key(KEY_NAME, "primary").start();
        eventGrid = EventGridEmulator.builder().topic("twins").key("egkey1").start();
        server = new AdminServer("127.0.0.1", 0, amqp, eventGrid);
        admin = new AdminClient("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        eventGrid.close();
        amqp.close();
    }

    @AfterEach
    void healthy() {
        amqp.assertNoHandlerErrors();
        eventGrid.assertNoHandlerErrors();
    }

    @Test
    void theSameFaultCallsReachBothStandIns() throws Exception {
        check(admin.amqp(), amqp, KEY_NAME, "primary");
        check(admin.eventGrid(), eventGrid, null, "egkey1");
    }

    private static void check(AdminClient.StandIn api, StandIn<?> standIn, String keyName, String key) throws Exception {
        String what = standIn.name();
        api.throttleNext(2);
        assertTrue(standIn.isThrottling(), what);
        api.throttle(false);
        assertFalse(standIn.isThrottling(), what);

        api.setResponseDelay(Duration.ofMillis(250));
        assertEquals(Duration.ofMillis(250), standIn.responseDelay(), what);
        api.setResponseDelay(Duration.ZERO);

        api.setKeys(keyName, List.of("replaced"));
        assertEquals(List.of(1), List.copyOf(standIn.keyCounts().values()), what);
        api.addKey(keyName, "added");
        assertEquals(List.of(2), List.copyOf(standIn.keyCounts().values()), what);
        api.revokeKey(keyName, "replaced");
        assertEquals(List.of(1), List.copyOf(standIn.keyCounts().values()), what);
        api.setKeys(keyName, List.of(key));

        int port = standIn.port();
        api.unreachable(true);
        assertFalse(standIn.isReachable(), what);
        api.unreachable(false);
        assertTrue(standIn.isReachable(), what);
        assertEquals(port, standIn.port(), what);
    }

    @Test
    void arrivalsComeBackTypedWithTheFingerprintOfTheirKeyAndTheirArrivalTime() throws Exception {
        eventGrid.clear();
        Instant before = Instant.now();
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(eventGrid.endpoint("twins"))).header("aeg-sas-key", "egkey1")
                        .POST(HttpRequest.BodyPublishers.ofString("[{\"id\":\"a-1\",\"subject\":\"s\",\"eventType\":"
                                + "\"SensorChange\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"data\":{},"
                                + "\"dataVersion\":\"1\"}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());

        assertEquals(1, admin.eventGrid().count("twins"));
        AdminClient.Arrival only = admin.eventGrid().arrivals("twins").get(0);
        assertEquals("a-1", only.id());
        assertEquals(AdminClient.fingerprint("egkey1"), only.keyFingerprint());
        assertNotNull(only.receivedAt());
        assertFalse(only.receivedAt().isBefore(before.minusMillis(1)), only.receivedAt() + " vs " + before);
        assertFalse(only.receivedAt().isAfter(Instant.now()), only.receivedAt().toString());
        assertEquals(only, admin.eventGrid().last("twins"));
        assertEquals(null, admin.amqp().last("orders"));

        admin.forgetRecorded();
        assertEquals(0, admin.eventGrid().count("twins"));
    }

    @Test
    void badCallsAreRefusedNamingWhatIsWrong() {
        IOException noKeyName = assertThrows(IOException.class, () -> admin.amqp().revokeKey(null, "primary"));
        assertTrue(noKeyName.getMessage().contains("400") && noKeyName.getMessage().contains("'keyName'"),
                noKeyName.getMessage());
        assertFalse(noKeyName.getMessage().contains("primary\""), "no key in the error");

        IOException unknown = assertThrows(IOException.class,
                () -> admin.amqp().post("nope", Views.JSON.createObjectNode()));
        assertTrue(unknown.getMessage().contains("404") && unknown.getMessage().contains("no such AMQP action: nope"),
                unknown.getMessage());

        try (AdminServer eventGridOnly = new AdminServer("127.0.0.1", 0, null, eventGrid)) {
            AdminClient client = new AdminClient("http://127.0.0.1:" + eventGridOnly.port());
            IOException disabled = assertThrows(IOException.class, () -> client.amqp().count("orders"));
            assertTrue(disabled.getMessage().contains("the AMQP stand-in is not enabled"), disabled.getMessage());
        }
    }

    @Test
    void refusesAHostThatIsNotLoopbackEvenWithNoStandInEnabled() {
        // with both stand-ins disabled nothing else checks the host: the unauthenticated API must itself
        // (192.0.2.1 is a documentation address: before the check, binding it failed instead of being refused)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AdminServer("192.0.2.1", 0, null, null).close());
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    }
}
