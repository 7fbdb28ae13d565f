package io.twinegress.emulators.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged {@code target/twin-egress-emulators.jar} as a process, as the local stack does,
 * and drives it through the admin API and the real Service Bus client.
 */
@Timeout(120)
class RunnableJarIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path dir;
    static Process process;
    static JsonNode ports;

    @BeforeAll
    static void start() throws Exception {
        Path jar = Path.of("target", "twin-egress-emulators.jar");
        assertTrue(Files.isRegularFile(jar), "package the module first: " + jar.toAbsolutePath());
        Path config = dir.resolve("emulators.properties");
        Files.writeString(config, String.join("\n",
                "amqp.port=0", "eventgrid.port=0", "admin.port=0",
                "amqp.servicebus.topics=orders",
                "amqp.eventhubs=telemetry:2",
                "amqp.keys.RootManageSharedAccessKey=primary,secondary",
                "eventgrid.topics=twins",
                "eventgrid.keys=egkey1"));
        Path ready = dir.resolve("ready.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx128m", "-jar", jar.toString(), config.toString(),
                "ready.file=" + ready)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("emulators.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(ready)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("no ready file; log:\n" + Files.readString(dir.resolve("emulators.log")));
            }
            Thread.sleep(50);
        }
        ports = JSON.readTree(ready.toFile());
    }

    @AfterAll
    static void stop() throws Exception {
        if (process != null) {
            process.destroy();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the stand-ins did not stop on SIGTERM");
            String log = Files.readString(dir.resolve("emulators.log"));
            System.out.println(log);
            assertFalse(log.contains("primary") || log.contains("secondary") || log.contains("egkey1"),
                    "a key reached the log");
        }
    }

    static JsonNode admin(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("admin").asInt() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
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
        assertEquals("UP", admin("GET", "/health", null).get("status").asText());
        try (ServiceBusSenderClient sender = sender("primary")) {
            sender.sendMessage(new ServiceBusMessage("{\"id\":\"j-1\"}").setMessageId("j-1").setSubject("SensorChange"));
            JsonNode counts = admin("GET", "/counts", null);
            assertEquals(1, counts.get("amqp").get("orders").asInt());
            JsonNode messages = admin("GET", "/amqp/orders/messages?limit=10", null);
            assertEquals("j-1", messages.get("messages").get(0).get("messageId").asText());
            assertEquals("{\"id\":\"j-1\"}", messages.get("messages").get(0).get("body").asText());

            admin("POST", "/amqp/keys", "{\"keyName\":\"RootManageSharedAccessKey\",\"keys\":[\"secondary\"]}");
            ServiceBusException e = assertThrows(ServiceBusException.class,
                    () -> sender.sendMessage(new ServiceBusMessage("x").setMessageId("j-2")));
            assertEquals(ServiceBusFailureReason.UNAUTHORIZED, e.getReason());
        }
        try (ServiceBusSenderClient sender = sender("secondary")) {
            admin("POST", "/amqp/throttle", "{\"next\":1}");
            assertThrows(ServiceBusException.class, () -> sender.sendMessage(new ServiceBusMessage("x")));
            sender.sendMessage(new ServiceBusMessage("y").setMessageId("j-3"));
        }
        JsonNode status = admin("GET", "/status", null);
        assertEquals(1, status.get("amqp").get("transfersThrottled").asInt());
        assertEquals(0, status.get("amqp").get("handlerErrors").asInt());

        HttpRequest publish = HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + ports.get("eventgrid").asInt() + "/twins/api/events"))
                .header("aeg-sas-key", "egkey1")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"id\":\"g-1\",\"subject\":\"s\",\"eventType\":\"T\","
                        + "\"eventTime\":\"2026-11-22T10:00:00Z\",\"data\":{},\"dataVersion\":\"1\"}]"))
                .build();
        admin("POST", "/eventgrid/throttle", "{\"on\":true,\"status\":503,\"retryAfterSeconds\":3}");
        HttpResponse<String> throttled = HTTP.send(publish, HttpResponse.BodyHandlers.ofString());
        assertEquals(503, throttled.statusCode());
        assertEquals(List.of("3"), throttled.headers().allValues("Retry-After"));
        admin("POST", "/eventgrid/throttle", "{\"on\":false}");
        assertEquals(200, HTTP.send(publish, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals("g-1", admin("GET", "/eventgrid/twins/events", null).get("events").get(0).get("event")
                .get("id").asText());

        admin("DELETE", "/messages", null);
        assertEquals(0, admin("GET", "/counts", null).get("amqp").get("orders").asInt());
    }
}
