package io.twinegress.emulators.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.emulators.identity.MsalEnvironment;
import io.twinegress.emulators.tls.StandInTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged {@code target/twin-egress-emulators.jar} as a process, as the local stack does,
 * and drives it through the admin API's client and the real Service Bus client.
 */
@Timeout(120)
class RunnableJarIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MI = "7a000000-0000-4000-8000-0000000000a1";
    static final String APP = "7a000000-0000-4000-8000-0000000000b2";
    static final String APP_SECRET = "jar-secret-canary-3e7";
    static final String WORKLOAD = "7a000000-0000-4000-8000-0000000000c3";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path dir;
    static Process process;
    static JsonNode ports;
    static AdminClient admin;

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("emulators.properties");
        Files.writeString(config, String.join("\n",
                "amqp.port=0", "eventgrid.port=0", "admin.port=0",
                "amqp.servicebus.topics=orders",
                "amqp.eventhubs=telemetry:2",
                "amqp.keys.RootManageSharedAccessKey=primary,secondary",
                "amqp.servicebus.queues=jobs:sessions",
                "eventgrid.topics=twins",
                "eventgrid.namespace.topics=ns-twins",
                "eventgrid.keys=egkey1",
                "tls.enabled=true", "amqp.tls.port=0", "eventgrid.tls.port=0",
                "identity.enabled=true", "identity.authority.port=0", "identity.msi.port=0",
                "identity.managed=" + MI,
                "identity.secret." + APP + "=" + APP_SECRET,
                "identity.workload." + WORKLOAD + "=system:serviceaccount:twin-egress:connect",
                "identity.roles." + MI + "=SERVICE_BUS_DATA_SENDER@orders,EVENT_GRID_DATA_SENDER@*"));
        Path ready = dir.resolve("ready.json");
        Path log = dir.resolve("emulators.log");
        process = launch(log, config.toString(), "ready.file=" + ready);
        try {
            await("the ready file " + ready).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .failFast("the stand-ins exited", () -> !process.isAlive())
                    .until(() -> Files.exists(ready));
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "; log:\n" + Files.readString(log), e);
        }
        ports = JSON.readTree(ready.toFile());
        admin = new AdminClient("http://127.0.0.1:" + ports.get("admin").asInt());
    }

    /** The packaged jar as a process, its output in {@code log}. */
    static Process launch(Path log, String... args) throws IOException {
        Path jar = Path.of("target", "twin-egress-emulators.jar");
        assertTrue(Files.isRegularFile(jar), "package the module first: " + jar.toAbsolutePath());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (process != null) {
            process.destroy();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the stand-ins did not stop on SIGTERM");
            String log = Files.readString(dir.resolve("emulators.log"));
            System.out.println(log);
            assertFalse(log.contains("primary") || log.contains("secondary") || log.contains("egkey1")
                    || log.contains(APP_SECRET), "a key or secret reached the log");
            if (ports != null && ports.has("IDENTITY_HEADER")) {
                assertFalse(log.contains(ports.get("IDENTITY_HEADER").asText()), "the identity header reached the log");
            }
        }
    }

    static ServiceBusSenderClient sender(String key) {
        String cs = "Endpoint=sb://127.0.0.1:" + ports.get("amqp").asInt()
                + ";SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + key
                + ";UseDevelopmentEmulator=true";
        return new ServiceBusClientBuilder().connectionString(cs)
                .retryOptions(new AmqpRetryOptions().setMaxRetries(0).setTryTimeout(Duration.ofSeconds(5)))
                .sender().topicName("orders").buildClient();
    }

    @Test
    void sendsShowUpInTheAdminApiAndFaultsApply() throws Exception {
        assertTrue(admin.healthy());
        try (ServiceBusSenderClient sender = sender("primary")) {
            sender.sendMessage(new ServiceBusMessage("{\"id\":\"j-1\"}").setMessageId("j-1").setSubject("SensorChange"));
            assertEquals(1, admin.counts().get("amqp").get("orders").asInt());
            AdminClient.Arrival first = admin.amqp().arrivals("orders").get(0);
            assertEquals("j-1", first.id());
            assertEquals("{\"id\":\"j-1\"}", first.body());
            assertEquals(AdminClient.fingerprint("primary"), first.keyFingerprint());

            admin.amqp().setKeys("RootManageSharedAccessKey", List.of("secondary"));
            ServiceBusException e = assertThrows(ServiceBusException.class,
                    () -> sender.sendMessage(new ServiceBusMessage("x").setMessageId("j-2")));
            assertEquals(ServiceBusFailureReason.UNAUTHORIZED, e.getReason());
        }
        try (ServiceBusSenderClient sender = sender("secondary")) {
            admin.amqp().throttleNext(1);
            assertThrows(ServiceBusException.class, () -> sender.sendMessage(new ServiceBusMessage("x")));
            sender.sendMessage(new ServiceBusMessage("y").setMessageId("j-3"));
        }
        JsonNode status = admin.status();
        assertEquals(1, status.get("amqp").get("transfersThrottled").asInt());
        assertEquals(0, status.get("amqp").get("handlerErrors").asInt());

        HttpRequest publish = HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + ports.get("eventgrid").asInt() + "/twins/api/events"))
                .header("aeg-sas-key", "egkey1")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"id\":\"g-1\",\"subject\":\"s\",\"eventType\":\"T\","
                        + "\"eventTime\":\"2026-11-22T10:00:00Z\",\"data\":{},\"dataVersion\":\"1\"}]"))
                .build();
        admin.eventGrid().throttle(503, Duration.ofSeconds(3));
        HttpResponse<String> throttled = HTTP.send(publish, HttpResponse.BodyHandlers.ofString());
        assertEquals(503, throttled.statusCode());
        assertEquals(List.of("3"), throttled.headers().allValues("Retry-After"));
        admin.eventGrid().throttle(false);
        assertEquals(200, HTTP.send(publish, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals("g-1", admin.eventGrid().arrivals("twins").get(0).id());

        admin.forgetRecorded();
        assertEquals(0, admin.counts().get("amqp").get("orders").asInt());
    }

    @Test
    void theJarServesAmqpsWithAManagedIdentityAndRolesChangeThroughTheAdminApi() throws Exception {
        SSLContext before = SSLContext.getDefault();
        SSLContext.setDefault(trusting(Path.of(ports.get("truststore").asText())));
        MsalEnvironment.set(Map.of("IDENTITY_ENDPOINT", ports.get("IDENTITY_ENDPOINT").asText(),
                "IDENTITY_HEADER", ports.get("IDENTITY_HEADER").asText()));
        try (ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                .credential("jar.servicebus.windows.net", new ManagedIdentityCredentialBuilder().clientId(MI).build())
                .customEndpointAddress("https://127.0.0.1:" + ports.get("amqps").asInt())
                .retryOptions(new AmqpRetryOptions().setMaxRetries(0).setTryTimeout(Duration.ofSeconds(5)))
                .sender().topicName("orders").buildClient()) {
            sender.sendMessage(new ServiceBusMessage("m").setMessageId("mi-1"));
            assertEquals(MI, admin.amqp().last("orders").principal());
            assertTrue(admin.identity().tokensIssued(MI) >= 1);

            admin.identity().revokeRole(MI, "Azure Service Bus Data Sender", "orders");
            ServiceBusException e = assertThrows(ServiceBusException.class,
                    () -> sender.sendMessage(new ServiceBusMessage("x").setMessageId("mi-2")));
            assertEquals(ServiceBusFailureReason.UNAUTHORIZED, e.getReason());
            admin.identity().assignRole(MI, "SERVICE_BUS_DATA_SENDER", "orders");
            sender.sendMessage(new ServiceBusMessage("y").setMessageId("mi-3"));
            assertEquals("mi-3", admin.amqp().last("orders").id());
        } finally {
            MsalEnvironment.reset();
            SSLContext.setDefault(before);
        }
        assertTrue(Files.isRegularFile(Path.of(ports.get("federatedTokenDir").asText(), WORKLOAD + ".token")));
        JsonNode status = admin.status();
        assertTrue(status.get("amqp").get("entraIdTokens").asBoolean());
        assertTrue(status.get("identity").toString().contains(MI));
        assertFalse(status.toString().contains(APP_SECRET), "no secret in the status");
    }

    /** A client context trusting the certificate in {@code truststore} (the jar's, made for its run). */
    static SSLContext trusting(Path truststore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(truststore)) {
            ks.load(in, StandInTls.TRUSTSTORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void aHostThatIsNotLoopbackIsRefusedAtStartWithOneLineAndExitCode2() throws Exception {
        // both stand-ins off: only the admin API is left to refuse it
        Path log = dir.resolve("refused.log");
        Process refused = launch(log, "host=192.0.2.1", "amqp.enabled=false", "eventgrid.enabled=false",
                "admin.port=0");
        assertTrue(refused.waitFor(30, TimeUnit.SECONDS), "the stand-ins did not exit");
        String output = Files.readString(log);
        assertEquals(2, refused.exitValue(), output);
        assertTrue(output.contains("twin-egress-emulators: the stand-ins and their admin API bind loopback "
                + "addresses only, not 192.0.2.1"), output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
    }
}
