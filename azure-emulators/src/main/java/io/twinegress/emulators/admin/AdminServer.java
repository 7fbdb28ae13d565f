package io.twinegress.emulators.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.twinegress.emulators.Loopback;
import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.AmqpEntity;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.identity.Identity;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.identity.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small JSON API over the running stand-ins: what arrived, and faults on demand. It has no
 * authentication, so it binds loopback addresses only, whatever the stand-ins do. Either stand-in may
 * be absent (null). The paths (documented in {@code docs/emulators.md}):
 * <ul>
 * <li>{@code GET /health}, {@code GET /status}, {@code GET /counts}, {@code DELETE /messages};</li>
 * <li>per stand-in, under {@code /amqp} and {@code /eventgrid}: {@code GET /<entity>/messages} (AMQP) or
 *     {@code /<topic>/events} (Event Grid) with {@code limit} and {@code offset}, and {@code POST} to the
 *     same fault actions on both — {@code keys}, {@code keys/add}, {@code keys/revoke}, {@code unreachable},
 *     {@code reachable}, {@code throttle}, {@code delay} — plus each one's declaration ({@code entities},
 *     {@code topics}).</li>
 * <li>{@code /identity}: the identity provider's roles and tokens, when it is enabled.</li>
 * </ul>
 * {@link AdminClient} is the typed client.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final AmqpEmulator amqp;
    private final EventGridEmulator eventGrid;
    private final IdentityProvider identity;
    private final HttpServer server;

    /** What the admin API does differently per stand-in; everything else is the {@link StandIn} contract. */
    private record Target(String path, String label, StandIn<?> standIn, String arrivals, ArrivalView view,
                          Consumer<JsonNode> throttleOn, Map<String, Function<JsonNode, String>> declarations) {
    }

    /** A page of what arrived at one entity. */
    private interface ArrivalView {
        ObjectNode page(String entity, int limit, int offset);
    }

    /** One request, its path split as {@code /a/b/c} ({@code b} URL-decoded). */
    private record Request(String method, String path, String a, String b, String c, Map<String, String> query,
                           JsonNode body) {
        boolean is(String m) {
            return method.equalsIgnoreCase(m);
        }
    }

    private record Reply(int status, JsonNode body) {
    }

    /**
     * Starts serving on {@code host:port} (0 = any free port).
     *
     * @throws IllegalArgumentException when {@code host} is not a loopback address
     */
    public AdminServer(String host, int port, AmqpEmulator amqp, EventGridEmulator eventGrid) {
        this(host, port, amqp, eventGrid, null);
    }

    /**
     * Starts serving on {@code host:port} (0 = any free port), with the identity provider's actions under
     * {@code /identity} when {@code identity} is not null.
     *
     * @throws IllegalArgumentException when {@code host} is not a loopback address
     */
    public AdminServer(String host, int port, AmqpEmulator amqp, EventGridEmulator eventGrid, IdentityProvider identity) {
        Loopback.require(host);
        this.amqp = amqp;
        this.eventGrid = eventGrid;
        this.identity = identity;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "emulators-admin");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", ex -> serve(ex, this::root));
        for (Target t : List.of(amqpTarget(), eventGridTarget())) {
            server.createContext("/" + t.path(), ex -> serve(ex, r -> standIn(t, r)));
        }
        server.createContext("/identity", ex -> serve(ex, this::identity));
        server.start();
        LOG.info("Admin API on http://{}:{}", host, port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private Target amqpTarget() {
        return new Target("amqp", "AMQP", amqp, "messages",
                (entity, limit, offset) -> Views.messages(amqp.received(entity), limit, offset),
                body -> amqp.throttle(true),
                Map.of("entities", body -> {
                    String type = text(body, "type");
                    String name = text(body, "name");
                    AmqpEntity entity;
                    if (type.equalsIgnoreCase("servicebus") || type.equalsIgnoreCase("topic")) {
                        entity = AmqpEntity.serviceBusTopic(name);
                    } else if (type.equalsIgnoreCase("queue")) {
                        entity = AmqpEntity.serviceBusQueue(name);
                    } else if (type.equalsIgnoreCase("eventhub")) {
                        entity = AmqpEntity.eventHub(name, body.path("partitions").asInt(4));
                    } else {
                        throw new IllegalArgumentException("type must be servicebus (or topic), queue or eventhub");
                    }
                    if (body.path("sessions").asBoolean(false)) {
                        entity = entity.withSessions();
                    }
                    if (body.path("partitioned").asBoolean(false)) {
                        entity = entity.withPartitioning();
                    }
                    amqp.addEntity(entity);
                    return "entity " + name + " declared";
                }));
    }

    private Target eventGridTarget() {
        return new Target("eventgrid", "Event Grid", eventGrid, "events",
                (topic, limit, offset) -> Views.events(eventGrid.received(topic), limit, offset),
                body -> eventGrid.throttle(body.path("status").asInt(429),
                        Duration.ofSeconds(body.path("retryAfterSeconds").asLong(1))),
                Map.of("topics", body -> {
                    String name = text(body, "name");
                    boolean namespace = body.path("namespace").asBoolean(false);
                    String schema = body.path("schema").asText("eventgrid");
                    EventGridEmulator.Schema s;
                    if (schema.equalsIgnoreCase("eventgrid")) {
                        s = EventGridEmulator.Schema.EVENT_GRID;
                    } else if (schema.equalsIgnoreCase("cloudevents")) {
                        s = EventGridEmulator.Schema.CLOUD_EVENTS;
                    } else {
                        throw new IllegalArgumentException("schema must be eventgrid or cloudevents");
                    }
                    eventGrid.addTopic(name, s, namespace);
                    return (namespace ? "namespace topic " : "topic ") + name + " declared";
                }));
    }

    private void serve(HttpExchange ex, Function<Request, Reply> route) {
        try (ex) {
            Reply reply;
            try {
                reply = route.apply(request(ex));
            } catch (IllegalArgumentException | IllegalStateException e) {
                reply = new Reply(400, error(e.getMessage()));
            } catch (IOException e) {
                reply = new Reply(400, error("unreadable JSON body: " + e.getMessage()));
            }
            byte[] out = Views.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reply.body());
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(reply.status(), out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        } catch (IOException e) {
            LOG.debug("admin client went away", e);
        } catch (RuntimeException e) {
            LOG.error("admin request failed", e);
        }
    }

    private static Request request(HttpExchange ex) throws IOException {
        byte[] bytes = ex.getRequestBody().readAllBytes();
        JsonNode body = bytes.length == 0 ? Views.JSON.createObjectNode() : Views.JSON.readTree(bytes);
        String path = ex.getRequestURI().getPath();
        String[] p = path.replaceAll("/+$", "").split("/"); // p[0] is "" (leading slash)
        return new Request(ex.getRequestMethod(), path, p.length > 1 ? p[1] : "", p.length > 2 ? decode(p[2]) : "",
                p.length > 3 ? p[3] : "", query(ex.getRequestURI().getRawQuery()), body);
    }

    private Reply root(Request r) {
        if (r.is("GET") && r.a().equals("health")) {
            return ok(Views.JSON.createObjectNode().put("status", "UP"));
        }
        if (r.is("GET") && r.a().equals("status")) {
            ObjectNode status = Views.status(amqp, eventGrid);
            if (identity != null) {
                status.set("identity", Views.identity(identity));
            }
            return ok(status);
        }
        if (r.is("GET") && r.a().equals("counts")) {
            ObjectNode counts = Views.JSON.createObjectNode();
            if (amqp != null) {
                Views.counts(counts, "amqp", amqp);
            }
            if (eventGrid != null) {
                Views.counts(counts, "eventGrid", eventGrid);
            }
            return ok(counts);
        }
        if (r.is("DELETE") && r.a().equals("messages")) {
            if (amqp != null) {
                amqp.clear();
            }
            if (eventGrid != null) {
                eventGrid.clear();
            }
            return ok(done("cleared"));
        }
        return new Reply(404, error("no such endpoint: " + r.method() + " " + r.path() + " (see docs/emulators.md)"));
    }

    /**
     * {@code GET /identity}: identities, roles, tokens issued; {@code POST /identity/roles/revoke} and
     * {@code /identity/roles/assign} ({@code clientId}, {@code role}, {@code scope}); {@code POST
     * /identity/tokens/lifetime} ({@code seconds}); {@code POST /identity/tokens/expire} ({@code clientId}
     * optional); {@code POST /identity/identities} ({@code clientId}, {@code kind} managed | system-assigned |
     * secret | workload, {@code secret} or {@code subject}); {@code POST /identity/federated-token}
     * ({@code clientId}, {@code file}).
     */
    private Reply identity(Request r) {
        if (!r.a().equals("identity")) {
            return root(r);
        }
        if (identity == null) {
            return new Reply(404, error("the identity provider is not enabled"));
        }
        String action = r.b() + (r.c().isEmpty() ? "" : "/" + r.c());
        if (r.is("GET") && action.isEmpty()) {
            return ok(Views.identity(identity));
        }
        if (!r.is("POST")) {
            return root(r);
        }
        JsonNode body = r.body();
        switch (action) {
            case "roles/revoke", "roles/assign" -> {
                String clientId = text(body, "clientId");
                Role role = Role.of(text(body, "role"));
                String scope = body.path("scope").asText("*");
                if (action.endsWith("revoke")) {
                    identity.revokeRole(clientId, role, scope);
                } else {
                    identity.assignRole(clientId, role, scope);
                }
                return ok(done("'" + role.displayName() + "' on " + scope + (action.endsWith("revoke")
                        ? " revoked from " : " assigned to ") + clientId));
            }
            case "tokens/lifetime" -> {
                long seconds = body.path("seconds").asLong(0);
                identity.setTokenLifetime(Duration.ofSeconds(seconds));
                return ok(done("token lifetime " + seconds + " s"));
            }
            case "tokens/expire" -> {
                String clientId = body.path("clientId").asText("");
                if (clientId.isEmpty()) {
                    identity.expireIssuedTokens();
                } else {
                    identity.expireIssuedTokens(clientId);
                }
                return ok(done("issued tokens" + (clientId.isEmpty() ? "" : " of " + clientId) + " expired"));
            }
            case "identities" -> {
                String clientId = text(body, "clientId");
                String kind = text(body, "kind");
                Identity i = switch (kind) {
                    case "managed" -> new Identity(clientId, null, true, false, null, null);
                    case "system-assigned" -> new Identity(clientId, null, true, true, null, null);
                    case "secret" -> new Identity(clientId, null, false, false, text(body, "secret"), null);
                    case "workload" -> new Identity(clientId, null, false, false, null, text(body, "subject"));
                    default -> throw new IllegalArgumentException(
                            "kind must be managed, system-assigned, secret or workload");
                };
                identity.addIdentity(i);
                return ok(done("identity " + clientId + " added (" + i.kinds() + ")"));
            }
            case "federated-token" -> {
                Path file = identity.writeFederatedToken(text(body, "clientId"), Path.of(text(body, "file")));
                return ok(done("federated token written to " + file));
            }
            default -> {
                return new Reply(404, error("no such identity action: " + action));
            }
        }
    }

    private Reply standIn(Target t, Request r) {
        if (!r.a().equals(t.path())) {
            return root(r); // a context matches by prefix: "/amqpx" lands here too
        }
        if (t.standIn() == null) {
            return new Reply(404, error("the " + t.label() + " stand-in is not enabled"));
        }
        if (r.is("GET") && !r.b().isEmpty() && r.c().equals(t.arrivals())) {
            return ok(t.view().page(r.b(), limit(r.query()), offset(r.query())));
        }
        if (r.is("POST")) {
            return action(t, r.b(), r.c(), r.body());
        }
        return root(r);
    }

    /** The fault actions every stand-in has, then its own declarations. */
    private static Reply action(Target t, String action, String sub, JsonNode body) {
        StandIn<?> s = t.standIn();
        switch (action + (sub.isEmpty() ? "" : "/" + sub)) {
            case "keys" -> {
                String keyName = keyName(s, body);
                List<String> keys = strings(body, "keys");
                s.setKeys(keyName, keys);
                return ok(done("keys" + (keyName == null ? "" : " of " + keyName) + " replaced (" + keys.size()
                        + " valid)"));
            }
            case "keys/add" -> {
                s.addKey(keyName(s, body), text(body, "key"));
                return ok(done("key added"));
            }
            case "keys/revoke" -> {
                s.revokeKey(keyName(s, body), text(body, "key"));
                return ok(done("key revoked"));
            }
            case "unreachable" -> {
                s.goUnreachable();
                return ok(done("unreachable"));
            }
            case "reachable" -> {
                s.comeBack();
                return ok(done("reachable on port " + s.port()));
            }
            case "throttle" -> {
                if (body.has("next")) {
                    int next = body.get("next").asInt();
                    s.throttleNext(next);
                    return ok(done("throttling the next " + next + " " + s.throttledUnit() + "(s)"));
                }
                boolean on = bool(body, "on");
                if (on) {
                    t.throttleOn().accept(body);
                } else {
                    s.throttle(false);
                }
                return ok(done("throttling " + (on ? "on" : "off")));
            }
            case "delay" -> {
                long ms = body.path("ms").asLong(0);
                s.setResponseDelay(Duration.ofMillis(ms));
                return ok(done("response delay " + ms + " ms"));
            }
            default -> {
                Function<JsonNode, String> declare = sub.isEmpty() ? t.declarations().get(action) : null;
                return declare != null ? ok(done(declare.apply(body)))
                        : new Reply(404, error("no such " + t.label() + " action: " + action));
            }
        }
    }

    /** The key name of a key action; none where the stand-in's keys have no names. */
    private static String keyName(StandIn<?> s, JsonNode body) {
        return s.namedKeys() ? text(body, "keyName") : null;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String part : raw.split("&")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    q.put(decode(part.substring(0, eq)), decode(part.substring(eq + 1)));
                }
            }
        }
        return q;
    }

    private static int limit(Map<String, String> q) {
        return Math.max(0, Integer.parseInt(q.getOrDefault("limit", "100")));
    }

    private static int offset(Map<String, String> q) {
        return Math.max(0, Integer.parseInt(q.getOrDefault("offset", "0")));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("the JSON body needs a non-empty string '" + field + "'");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException("the JSON body needs a boolean '" + field + "'");
        }
        return v.asBoolean();
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("the JSON body needs an array of strings '" + field + "'");
        }
        List<String> out = new ArrayList<>();
        v.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static Reply ok(JsonNode body) {
        return new Reply(200, body);
    }

    private static ObjectNode done(String what) {
        return Views.JSON.createObjectNode().put("ok", true).put("result", what);
    }

    private static ObjectNode error(String message) {
        return Views.JSON.createObjectNode().put("ok", false).put("error", message);
    }
}
