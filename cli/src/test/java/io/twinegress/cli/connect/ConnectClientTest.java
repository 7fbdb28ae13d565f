package io.twinegress.cli.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.twinegress.cli.body.Problem;
import io.twinegress.cli.output.Secret;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointType;
import io.twinegress.schemas.EventType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client against a canned Connect on loopback: basic auth, validate's answer, errors. */
class ConnectClientTest {

    static final String PASSWORD = "connect-password-canary-77";

    HttpServer server;
    final AtomicReference<String> lastBody = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String expected = "Basic " + Base64.getEncoder().encodeToString(("ops:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        server.createContext("/", exchange -> {
            lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String path = exchange.getRequestURI().getPath();
            int status;
            String body;
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                body = "{\"error_code\":401,\"message\":\"Unauthorized\"}";
            } else if (path.equals("/connector-plugins/ServiceBusSinkConnector/config/validate")) {
                status = 200;
                body = "{\"name\":\"ServiceBusSinkConnector\",\"error_count\":1,\"configs\":["
                        + "{\"definition\":{},\"value\":{\"name\":\"connection.string\",\"value\":\"[hidden]\",\"errors\":[\"The connection string has no SharedAccessKey.\"]}},"
                        + "{\"definition\":{},\"value\":{\"name\":\"path\",\"value\":\"orders\",\"errors\":[]}}]}";
            } else if (path.equals("/connectors/missing/status")) {
                status = 404;
                body = "{\"error_code\":404,\"message\":\"No status found for connector missing\"}";
            } else if (path.equals("/connectors/sb-1/status")) {
                status = 200;
                body = "{\"name\":\"sb-1\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"w\"},\"tasks\":["
                        + "{\"id\":0,\"state\":\"FAILED\",\"worker_id\":\"w\",\"trace\":\"org.apache.kafka.common.config.ConfigException: bad\\n\\tat x\"}]}";
            } else {
                status = 500;
                body = "{\"error_code\":500,\"message\":\"Request processing failed\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    ConnectClient client(Optional<String> user, Optional<Secret> password) {
        return new ConnectClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), user, password, Duration.ofSeconds(5));
    }

    static ConnectorConfig config() {
        return ConnectorConfigs.build(Endpoint.of("sb-1", EndpointType.ServiceBus, "orders", EventType.SensorChange), "twin.egress.sb-1",
                Secret.of("Endpoint=sb://ns/;SharedAccessKeyName=send"), null, Map.of());
    }

    @Test
    void validateSendsBasicAuthAndReturnsTheErrorsPerKey() {
        ConnectClient c = client(Optional.of("ops"), Optional.of(Secret.of(PASSWORD)));
        assertEquals(List.of(new Problem("connection.string", "The connection string has no SharedAccessKey.")),
                c.validate("ServiceBusSinkConnector", config()));
        assertTrue(lastBody.get().contains("\"connection.string\":\"Endpoint=sb://ns/;SharedAccessKeyName=send\""), "the value goes to Connect");
    }

    @Test
    void refusedCredentialsAreUnreachableAndNeverQuoteThePassword() {
        ConnectException e = assertThrows(ConnectException.class, () -> client(Optional.of("ops"), Optional.of(Secret.of("wrong-password")))
                .validate("ServiceBusSinkConnector", config()));
        assertTrue(e.unreachable());
        assertEquals(401, e.status());
        assertFalse(e.getMessage().contains("wrong-password"));
        assertTrue(e.getMessage().contains("refused our credentials (HTTP 401)"), e.getMessage());
    }

    @Test
    void statusAndAMissingConnector() {
        ConnectClient c = client(Optional.of("ops"), Optional.of(Secret.of(PASSWORD)));
        assertEquals(Optional.empty(), c.status("missing"));
        ConnectorState s = c.status("sb-1").orElseThrow();
        assertTrue(s.failed());
        assertFalse(s.running());
        assertEquals("RUNNING (0/1 tasks RUNNING, task 0 FAILED)", s.summary());
        assertEquals("org.apache.kafka.common.config.ConfigException: bad", s.tasks().get(0).traceFirstLine());
    }

    @Test
    void anotherErrorCarriesConnectsMessage() {
        ConnectException e = assertThrows(ConnectException.class,
                () -> client(Optional.of("ops"), Optional.of(Secret.of(PASSWORD))).put("sb-1", config()));
        assertFalse(e.unreachable());
        assertEquals("Connect answered PUT /connectors/sb-1/config with HTTP 500: Request processing failed", e.getMessage());
    }
}
