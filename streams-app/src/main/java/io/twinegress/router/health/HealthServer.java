package io.twinegress.router.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's optional HTTP endpoint (JDK HttpServer, GET and HEAD only, JSON bodies):
 * <ul>
 *   <li>{@code /health}: 200 when Kafka Streams is RUNNING and the endpoint status table is loaded,
 *       else 503 with the reason (readiness);</li>
 *   <li>{@code /health/live}: 200 until Kafka Streams has stopped or failed, 503 after (liveness: a
 *       rebalance or a restore is not a reason to restart the process);</li>
 *   <li>{@code /endpoints}: the status table, endpoint id to its latest status record exactly as
 *       the router wrote it to the status topic (status records never hold connection strings).</li>
 * </ul>
 * Nothing is logged per request.
 */
public final class HealthServer implements AutoCloseable {

    public static final String HEALTH = "/health";
    public static final String LIVE = "/health/live";
    public static final String ENDPOINTS = "/endpoints";

    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<KafkaStreams.State> STOPPED = EnumSet.of(KafkaStreams.State.PENDING_SHUTDOWN,
            KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.ERROR);

    private final HttpServer server;
    private final ExecutorService executor;
    private final RouterView router;

    private HealthServer(HttpServer server, ExecutorService executor, RouterView router) {
        this.server = server;
        this.executor = executor;
        this.router = router;
    }

    /**
     * Binds {@code host:port} (0: any free port) and serves until {@link #close()}.
     *
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static HealthServer start(String host, int port, RouterView router) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the health endpoint to " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "twin-egress-router-health");
            t.setDaemon(true);
            return t;
        });
        HealthServer health = new HealthServer(server, executor, router);
        server.createContext("/", health::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("Health endpoint on http://{}:{} ({}, {}, {})", host, health.address().getPort(), HEALTH, LIVE, ENDPOINTS);
        return health;
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** A reply: status code and JSON body. */
    record Reply(int status, JsonNode body) {
    }

    /** The reply for a GET of {@code path}. */
    Reply reply(String path) {
        return switch (path) {
            case HEALTH -> health();
            case LIVE -> live();
            case ENDPOINTS -> endpoints();
            default -> new Reply(404, object().put("reason", "no such resource; try " + HEALTH + ", " + LIVE + " or " + ENDPOINTS));
        };
    }

    private Reply health() {
        KafkaStreams.State state = router.streamsState();
        ObjectNode body = object().put("streams", state.name());
        if (state != KafkaStreams.State.RUNNING) {
            return new Reply(503, body.put("status", "DOWN").put("reason", "Kafka Streams is " + state + ", not RUNNING"));
        }
        try {
            int endpoints = router.statusTable().size();
            return new Reply(200, body.put("status", "UP").put("endpoints", endpoints));
        } catch (RouterView.TableUnavailableException e) {
            return new Reply(503, body.put("status", "DOWN").put("reason", e.getMessage()));
        }
    }

    private Reply live() {
        KafkaStreams.State state = router.streamsState();
        ObjectNode body = object().put("streams", state.name());
        return STOPPED.contains(state)
                ? new Reply(503, body.put("status", "DOWN").put("reason", "Kafka Streams is " + state))
                : new Reply(200, body.put("status", "UP"));
    }

    private Reply endpoints() {
        SortedMap<String, byte[]> table;
        try {
            table = router.statusTable();
        } catch (RouterView.TableUnavailableException e) {
            return new Reply(503, object().put("reason", e.getMessage()));
        }
        ObjectNode endpoints = object();
        for (Map.Entry<String, byte[]> row : table.entrySet()) {
            endpoints.set(row.getKey(), statusRecord(row.getValue()));
        }
        ObjectNode body = object();
        body.set("endpoints", endpoints);
        return new Reply(200, body);
    }

    /** A status record as the router wrote it; one nobody can read is reported as such, never echoed. */
    private static JsonNode statusRecord(byte[] value) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        return object().put("unreadable", "the status record is not a JSON object");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            Reply reply;
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply = new Reply(405, object().put("reason", "only GET and HEAD"));
            } else {
                try {
                    reply = reply(exchange.getRequestURI().getPath());
                } catch (RuntimeException e) {
                    reply = new Reply(500, object().put("reason", e.getClass().getSimpleName()));
                }
            }
            byte[] body = JSON.writeValueAsBytes(reply.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(reply.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
