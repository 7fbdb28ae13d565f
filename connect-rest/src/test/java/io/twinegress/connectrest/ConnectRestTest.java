package io.twinegress.connectrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a canned Connect on loopback: basic auth, answers, errors, and the rebalance rule. */
class ConnectRestTest {

    static final String PASSWORD = "connect-password-canary-77";
    static final String REBALANCING = "{\"error_code\":500,\"message\":\"Request cannot be completed because a rebalance is expected\"}";

    HttpServer server;
    final AtomicReference<String> lastBody = new AtomicReference<>();
    /** Answers queued for PUT /connectors/queued/config, each "status body"; then 200. */
    final Deque<String> queued = new ArrayDeque<>();
    final AtomicInteger queuedCalls = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String expected = "Basic " + Base64.getEncoder().encodeToString(("ops:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        server.createContext("/", exchange -> {
            lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String path = exchange.getRequestURI().getPath();
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
            } else if (path.equals("/connector-plugins/ServiceBusSinkConnector/config/validate")) {
                answer(exchange, 200, "{\"name\":\"ServiceBusSinkConnector\",\"error_count\":1,\"configs\":["
                        + "{\"definition\":{},\"value\":{\"name\":\"connection.string\",\"value\":\"[hidden]\",\"errors\":[\"The connection string has no SharedAccessKey.\"]}},"
                        + "{\"definition\":{},\"value\":{\"name\":\"path\",\"value\":\"orders\",\"errors\":[]}}]}");
            } else if (path.equals("/connectors/missing/status") || path.equals("/connectors/missing")) {
                answer(exchange, 404, "{\"error_code\":404,\"message\":\"Connector missing not found\"}");
            } else if (path.equals("/connectors/sb-1/status")) {
                answer(exchange, 200, "{\"name\":\"sb-1\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"w\"},\"tasks\":["
                        + "{\"id\":1,\"state\":\"RUNNING\",\"worker_id\":\"w\"},"
                        + "{\"id\":0,\"state\":\"FAILED\",\"worker_id\":\"w\",\"trace\":\"org.apache.kafka.common.config.ConfigException: bad\\n\\tat x\"}]}");
            } else if (path.equals("/connectors/queued/config")) {
                queuedCalls.incrementAndGet();
                String next = queued.poll();
                if (next == null) {
                    answer(exchange, 200, "{}");
                } else {
                    int space = next.indexOf(' ');
                    answer(exchange, Integer.parseInt(next.substring(0, space)), next.substring(space + 1));
                }
            } else {
                answer(exchange, 500, "{\"error_code\":500,\"message\":\"Request processing failed\"}");
            }
        });
        server.start();
    }

    static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    ConnectRest.Builder builder(String password) {
        return ConnectRest.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .basicAuth("ops", password).requestTimeout(Duration.ofSeconds(5));
    }

    ConnectRest client() {
        return builder(PASSWORD).build();
    }

    @Test
    void validateSendsBasicAuthAndReturnsTheErrorsPerKey() {
        ConnectRest.Validation v = client().validate("ServiceBusSinkConnector",
                Map.of("connection.string", "Endpoint=sb://ns/;SharedAccessKeyName=send"));
        assertEquals(1, v.errorCount());
        assertEquals(Map.of("connection.string", List.of("The connection string has no SharedAccessKey.")), v.errors());
        assertTrue(lastBody.get().contains("\"connection.string\":\"Endpoint=sb://ns/;SharedAccessKeyName=send\""), "the value goes to Connect");
        assertTrue(lastBody.get().contains("\"connector.class\":\"ServiceBusSinkConnector\""), "the class is added, as the API needs");
    }

    @Test
    void refusedCredentialsAreSaidSoAndNeverQuoteThePassword() {
        ConnectRestException e = assertThrows(ConnectRestException.class,
                () -> builder("wrong-password").build().validate("ServiceBusSinkConnector", Map.of()));
        assertTrue(e.credentialsRefused());
        assertEquals(401, e.status());
        assertFalse(e.getMessage().contains("wrong-password"));
        assertTrue(e.getMessage().contains("refused our credentials (HTTP 401)"), e.getMessage());
    }

    @Test
    void statusAndAMissingConnector() {
        ConnectRest c = client();
        assertEquals(Optional.empty(), c.connectorStatus("missing"));
        assertFalse(c.deleteConnector("missing"), "nothing to delete is an answer");
        ConnectRest.ConnectorStatus s = c.connectorStatus("sb-1").orElseThrow();
        assertTrue(s.hasFailed());
        assertFalse(s.isRunning());
        assertEquals("RUNNING (1/2 tasks RUNNING, task 0 FAILED)", s.summary());
        assertEquals(Optional.of("org.apache.kafka.common.config.ConfigException: bad"), s.problem());
        assertEquals("", s.tasks().get(1).traceFirstLine());
    }

    @Test
    void anotherErrorCarriesConnectsMessageNotTheRequestBody() {
        ConnectRestException e = assertThrows(ConnectRestException.class,
                () -> client().putConnector("sb-1", Map.of("connection.string", "SharedAccessKey=" + PASSWORD)));
        assertFalse(e.credentialsRefused() || e.noAnswer());
        assertEquals(500, e.status());
        assertEquals("Connect answered PUT /connectors/sb-1/config with HTTP 500: Request processing failed", e.getMessage());
    }

    @Test
    void aRebalanceAnswerIsSentAgainUntilConnectTakesTheCall() {
        queued.add("409 {\"error_code\":409,\"message\":\"Cannot complete request momentarily due to stale configuration\"}");
        queued.add("500 " + REBALANCING);
        client().putConnector("queued", Map.of("topics", "t"));
        assertEquals(3, queuedCalls.get(), "409, then 500 'rebalance', then the answer that counts");
    }

    @Test
    void anotherServerErrorIsNotSentAgain() {
        queued.add("500 {\"error_code\":500,\"message\":\"Request processing failed\"}");
        assertThrows(ConnectRestException.class, () -> client().putConnector("queued", Map.of("topics", "t")));
        assertEquals(1, queuedCalls.get());
    }

    @Test
    void pastTheRebalanceDeadlineTheLastAnswerCounts() {
        for (int i = 0; i < 100; i++) {
            queued.add("500 " + REBALANCING);
        }
        ConnectRest c = builder(PASSWORD).rebalanceDeadline(Duration.ofSeconds(2)).build(); // 200 ms apart: about ten, room for a slow first call
        ConnectRestException e = assertThrows(ConnectRestException.class, () -> c.putConnector("queued", Map.of()));
        assertEquals(500, e.status());
        assertTrue(e.getMessage().contains("rebalance is expected"), e.getMessage());
        assertTrue(queuedCalls.get() >= 2 && queuedCalls.get() < 100, "sent again a few times, then given up: " + queuedCalls.get());
    }

    @Test
    void noAnswerAtAllIsSaidSo() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        ConnectRest c = ConnectRest.builder(URI.create("http://127.0.0.1:" + closed)).build();
        ConnectRestException e = assertThrows(ConnectRestException.class, c::connectors);
        assertTrue(e.noAnswer());
        assertTrue(e.getMessage().startsWith("cannot reach Connect at http://127.0.0.1:" + closed + "/"), e.getMessage());
        assertFalse(c.healthy());
    }
}
