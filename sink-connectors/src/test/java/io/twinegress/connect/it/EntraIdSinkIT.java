package io.twinegress.connect.it;

import static io.twinegress.connect.it.SinkIt.committed;
import static io.twinegress.connect.it.SinkIt.header;
import static io.twinegress.connect.it.SinkIt.metric;
import static io.twinegress.connect.it.SinkIt.metricLong;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connect.core.AuthConfig;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.emulators.Received;
import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.eventgrid.ReceivedEvent;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.identity.MsalEnvironment;
import io.twinegress.emulators.identity.Role;
import io.twinegress.emulators.tls.StandInTls;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.testing.kafka.ConnectWorker;
import io.twinegress.testing.kafka.KafkaBroker;
import io.twinegress.testing.kafka.TestLogs;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three connectors with {@code auth.mode=entra-id}, from the packaged plugin in a real Connect
 * worker on a real broker, sending over TLS to the stand-ins, which check every token against the
 * local identity provider (signature, audience, expiry, role): each credential kind delivers; a
 * revoked role holds the records with one line and a backoff, and once restored everything arrives,
 * nothing lost or dead-lettered; no secret or token reaches a log or the REST status. With
 * {@code -Dtwin-egress.chaos=true} (the sink-connectors {@code chaos} profile), tokens that expire
 * mid-stream are refreshed without a failed send.
 *
 * <p>Managed identity in an in-JVM worker: the Azure identity library (MSAL) reads
 * {@code IDENTITY_ENDPOINT}/{@code IDENTITY_HEADER} from the process environment only; the test sets
 * MSAL's own environment hook in the plugin's class loader (the plugin has its own copy of MSAL), so
 * MSAL sees the stand-in's endpoint and never the cloud metadata address. A worker in a process of
 * its own gets the two variables in its environment instead.
 *
 * <p>One broker, worker, identity provider and pair of stand-ins for the class; each test has its
 * own topics, entities and identities. Only compile-time constants of the connector classes are used.
 */
class EntraIdSinkIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final String NAMESPACE = "twinegress-local.servicebus.windows.net";
    static final String SECRET_CANARY = "CANARY-ENTRA-SECRET-4b2d91";
    static final String SUBJECT = "system:serviceaccount:twin-egress:connect";
    static final String MI = "5e1f0000-0000-4000-8000-00000000a001";
    static final String WORKLOAD = "5e1f0000-0000-4000-8000-00000000a002";
    static final String APP = "5e1f0000-0000-4000-8000-00000000a003";

    static {
        // before any TLS client exists in this JVM (the worker's SDK clients build their context once)
        StandInTls.shared().trustInThisJvm();
    }

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final ConnectWorker CONNECT = SinkIt.worker(KAFKA);

    static IdentityProvider idp;
    static AmqpEmulator amqp;
    static EventGridEmulator eg;
    static ClassLoader plugin;
    @TempDir
    static Path dir;
    static Path tokenFile;
    static KafkaProducer<byte[], byte[]> producer;

    final SinkIt.Connectors connectors = new SinkIt.Connectors(CONNECT, DEADLINE);

    /** The three targets: connector, role, and how to reach, name and read one entity. */
    enum Target {
        SERVICE_BUS("ServiceBusSinkConnector", "io.twinegress.connect.servicebus.ServiceBusSinkConnector",
            Role.SERVICE_BUS_DATA_SENDER),
        EVENT_HUBS("EventHubsSinkConnector", "io.twinegress.connect.eventhubs.EventHubsSinkConnector",
            Role.EVENT_HUBS_DATA_SENDER),
        EVENT_GRID("EventGridSinkConnector", "io.twinegress.connect.eventgrid.EventGridSinkConnector",
            Role.EVENT_GRID_DATA_SENDER);

        final String connector;
        final String className;
        final Role role;

        Target(String connector, String className, Role role) {
            this.connector = connector;
            this.className = className;
            this.role = role;
        }

        StandIn<?> standIn() {
            return this == EVENT_GRID ? eg : amqp;
        }

        void addEntity(String name) {
            switch (this) {
                case SERVICE_BUS -> amqp.addServiceBusTopic(name);
                case EVENT_HUBS -> amqp.addEventHub(name, 2);
                case EVENT_GRID -> eg.addTopic(name);
            }
        }

        /** The keys that name the target with an identity: namespace and custom endpoint, or the topic's URL. */
        void target(Map<String, String> c, String entity) {
            if (this == EVENT_GRID) {
                c.put(DeliveryConfig.PATH_CONFIG, eg.httpsEndpoint(entity));
            } else {
                c.put(DeliveryConfig.PATH_CONFIG, entity);
                c.put(AuthConfig.NAMESPACE_CONFIG, NAMESPACE);
                c.put(AuthConfig.CUSTOM_ENDPOINT_CONFIG, amqp.customEndpointAddress());
            }
        }

        String eventId(Received r) {
            return switch (this) {
                case SERVICE_BUS -> ((ReceivedMessage) r).messageId();
                case EVENT_HUBS -> ((ReceivedMessage) r).property(EgressHeaders.EVENT_ID);
                case EVENT_GRID -> ((ReceivedEvent) r).id();
            };
        }

        /** Who the stand-in says authorized the arrival. */
        String principal(Received r) {
            return this == EVENT_GRID ? ((ReceivedEvent) r).principal() : ((ReceivedMessage) r).principal();
        }

        String prefix() {
            return name().toLowerCase().replace("_", "");
        }
    }

    @BeforeAll
    static void standIns() {
        idp = IdentityProvider.builder()
            .managedIdentity(MI).workloadIdentity(WORKLOAD, SUBJECT).servicePrincipal(APP, SECRET_CANARY)
            .start();
        for (String id : List.of(MI, WORKLOAD, APP)) {
            for (Role r : Role.values()) {
                idp.assignRole(id, r, "*");
            }
        }
        tokenFile = dir.resolve("azure-identity-token");
        idp.writeFederatedToken(WORKLOAD, tokenFile);
        amqp = AmqpEmulator.builder().tls().identities(idp).start();
        eg = EventGridEmulator.builder().tls().identities(idp).start();
        plugin = CONNECT.pluginLoader(Target.SERVICE_BUS.className);
        MsalEnvironment.pointAt(plugin, idp);
        Map<String, Object> config = new HashMap<>(KAFKA.producerConfig());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(config);
    }

    @AfterAll
    static void stopStandIns() {
        if (producer != null) {
            producer.close();
        }
        if (plugin != null) {
            MsalEnvironment.reset(plugin);
        }
        for (AutoCloseable c : new AutoCloseable[] {amqp, eg, idp}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing what is left
                }
            }
        }
    }

    @AfterEach
    void deleteConnectors() {
        connectors.deleteAll();
        amqp.assertNoHandlerErrors();
        eg.assertNoHandlerErrors();
    }

    /** An endpoint of {@code target}: its egress topic, entity, and a connector config for the identity {@code kind}. */
    Map<String, String> endpoint(Target target, String name, String kind, String clientId) {
        KAFKA.createTopic(topic(name), 2);
        target.addEntity(name);
        Map<String, String> c = SinkIt.config(target.connector, topic(name), null, "unused", null);
        c.remove(DeliveryConfig.CONNECTION_STRING_CONFIG);
        c.put(AuthConfig.AUTH_MODE_CONFIG, "entra-id");
        c.put(AuthConfig.ENTRA_CREDENTIAL_CONFIG, kind);
        target.target(c, name);
        switch (kind) {
            case "managed-identity" -> c.put(AuthConfig.ENTRA_CLIENT_ID_CONFIG, clientId);
            case "workload-identity" -> {
                c.put(AuthConfig.ENTRA_CLIENT_ID_CONFIG, clientId);
                c.put(AuthConfig.ENTRA_TENANT_ID_CONFIG, idp.tenantId());
                c.put(AuthConfig.ENTRA_AUTHORITY_HOST_CONFIG, idp.authorityHost());
                c.put(AuthConfig.ENTRA_TOKEN_FILE_CONFIG, tokenFile.toString());
            }
            case "client-secret" -> {
                c.put(AuthConfig.ENTRA_CLIENT_ID_CONFIG, clientId);
                c.put(AuthConfig.ENTRA_TENANT_ID_CONFIG, idp.tenantId());
                c.put(AuthConfig.ENTRA_AUTHORITY_HOST_CONFIG, idp.authorityHost());
                c.put(AuthConfig.ENTRA_CLIENT_SECRET_CONFIG, idp.identities().stream()
                    .filter(i -> i.clientId().equals(clientId)).findFirst().orElseThrow().secret());
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return c;
    }

    static String topic(String name) {
        return "twin.egress." + name;
    }

    /** {@code n} routed records from index {@code from} over two partitions, event id {@code <name>-<index>-<random>}. */
    static List<ProducerRecord<byte[], byte[]>> records(String name, int from, int n) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            int p = i % 2;
            String id = name + "-" + i + "-" + UUID.randomUUID();
            List<Header> headers = List.of(header(EgressHeaders.EVENT_TYPE, "SensorChange"), header(EgressHeaders.EVENT_ID, id),
                header(EgressHeaders.ENDPOINT_ID, name));
            out.add(new ProducerRecord<>(topic(name), p, ("sensor-" + p).getBytes(StandardCharsets.UTF_8),
                SinkIt.event(id, "SensorChange", i, 50).getBytes(StandardCharsets.UTF_8), headers));
        }
        return out;
    }

    static void produce(List<ProducerRecord<byte[], byte[]>> records) {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        records.forEach(r -> acks.add(producer.send(r)));
        producer.flush();
        for (java.util.concurrent.Future<?> f : acks) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("produce failed", e);
            }
        }
    }

    static List<String> ids(List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.headers().lastHeader(EgressHeaders.EVENT_ID).value(),
            StandardCharsets.UTF_8)).sorted().toList();
    }

    static List<String> arrived(Target t, List<? extends Received> got) {
        return got.stream().map(t::eventId).sorted().toList();
    }

    static long lines(long mark, String text) {
        return TestLogs.readSince(mark).lines().filter(l -> l.contains(text)).count();
    }

    static String status(String connector) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            CONNECT.restUrl().resolve("connectors/" + connector + "/status")).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    /**
     * The canaries: neither the client secret nor any JWT (every one starts {@code eyJ}, the encoding
     * of its header's opening {@code {"}) in what the worker logged or in the connector's REST status.
     */
    static void assertNoSecretOrToken(long mark, String connector) throws Exception {
        String logs = TestLogs.readSince(mark);
        assertFalse(logs.contains(SECRET_CANARY), "the client secret is never logged");
        assertFalse(logs.contains("eyJ"), "no token is logged");
        String status = status(connector);
        assertFalse(status.contains(SECRET_CANARY) || status.contains("eyJ"), status);
    }

    // ------------------------------------------------------------------ the tests

    @ParameterizedTest
    @EnumSource(Target.class)
    void eachCredentialKindDeliversOverTls(Target t, TestReporter reporter) throws Exception {
        long mark = TestLogs.mark();
        Map<String, String> kinds = Map.of("managed-identity", MI, "workload-identity", WORKLOAD, "client-secret", APP);
        Map<String, List<ProducerRecord<byte[], byte[]>>> sent = new HashMap<>();
        for (Map.Entry<String, String> k : kinds.entrySet()) {
            String name = t.prefix() + "-" + k.getKey();
            connectors.start(name, endpoint(t, name, k.getKey(), k.getValue()));
            List<ProducerRecord<byte[], byte[]>> records = records(name, 0, 20);
            sent.put(name, records);
            produce(records);
        }
        for (Map.Entry<String, String> k : kinds.entrySet()) {
            String name = t.prefix() + "-" + k.getKey();
            List<? extends Received> got = t.standIn().awaitCount(name, 20, DEADLINE);
            assertEquals(ids(sent.get(name)), arrived(t, got), name + ": each record once");
            assertTrue(got.stream().allMatch(r -> t.principal(r) != null && t.principal(r).equalsIgnoreCase(k.getValue())),
                name + ": sent with the identity's token: " + t.principal(got.get(0)));
            await(name + " committed").atMost(DEADLINE).until(() -> committed(KAFKA, name) == 20);
            assertEquals("entra-id", metric(name, "active-key").orElseThrow());
            assertEquals(0, metricLong(name, "failovers-total"));
            assertNoSecretOrToken(mark, name);
        }
        reporter.publishEntry("figure", t.connector + ": tokens issued " + idp.tokensIssued());
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void aRevokedRoleHoldsWithOneLineAndOnceRestoredEverythingArrives(Target t, TestReporter reporter) throws Exception {
        String name = t.prefix() + "-revoked";
        String clientId = "5e1f0000-0000-4000-8000-0000000b" + String.format("%04d", t.ordinal());
        idp.addIdentity(new io.twinegress.emulators.identity.Identity(clientId, null, false, false, SECRET_CANARY, null));
        idp.assignRole(clientId, t.role, name);
        connectors.start(name, endpoint(t, name, "client-secret", clientId));
        List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>(records(name, 0, 10));
        produce(all);
        t.standIn().awaitCount(name, 10, DEADLINE);
        await("the first records committed").atMost(DEADLINE).until(() -> committed(KAFKA, name) == 10);

        long mark = TestLogs.mark();
        idp.revokeRole(clientId, t.role, name);
        List<ProducerRecord<byte[], byte[]>> held = records(name, 10, 30);
        all.addAll(held);
        produce(held);
        await("the task backs off").atMost(DEADLINE).until(() -> metricLong(name, "backing-off") == 1);
        await("and retries").atMost(DEADLINE).until(() -> metricLong(name, "backoff-attempts") >= 3);
        assertEquals(10, t.standIn().count(name), "nothing sent without the role");
        assertEquals(10, committed(KAFKA, name), "nothing committed past a held record");
        assertTrue(CONNECT.rest().connectorStatus(name).orElseThrow().isRunning(), "the task holds, it does not fail");
        assertEquals(1, lines(mark, "needs the role '" + t.role.displayName() + "'"), "one line naming the role");
        assertEquals(1, lines(mark, clientId + " (client-secret) even with a new token"), "naming the identity");

        idp.assignRole(clientId, t.role, name);
        Instant restored = Instant.now();
        List<? extends Received> got = t.standIn().awaitCount(name, 40, DEADLINE);
        assertEquals(ids(all), arrived(t, got), "everything, once");
        await("committed").atMost(DEADLINE).until(() -> committed(KAFKA, name) == 40);
        assertEquals(0, metricLong(name, "dead-lettered-records-total"), "nothing dead-lettered for auth");
        await("the backoff ends").atMost(DEADLINE).until(() -> metricLong(name, "backing-off") == 0);
        assertEquals(1, lines(mark, name + ": endpoint accepts records again"));
        assertNoSecretOrToken(mark, name);
        reporter.publishEntry("figure", t.connector + ": role restored -> first delivery "
            + Duration.between(restored, got.get(10).receivedAt()).toMillis() + " ms (backoff capped at 2 s)");
    }

    /**
     * Tokens living 45 s (the Event Grid connector's token cache asks again at most every 30 s, so a
     * token must outlive that) expire while records keep coming for 100 s (or
     * {@code twin-egress.token.run.seconds}): every record is delivered
     * and no send fails: the task never backs off and nothing is refused.
     */
    @ParameterizedTest
    @EnumSource(Target.class)
    @EnabledIfSystemProperty(named = "twin-egress.chaos", matches = "true")
    void tokensExpiringMidStreamAreRefreshedWithoutAFailedSend(Target t, TestReporter reporter) throws Exception {
        String name = t.prefix() + "-expiring";
        String clientId = "5e1f0000-0000-4000-8000-0000000c" + String.format("%04d", t.ordinal());
        idp.addIdentity(new io.twinegress.emulators.identity.Identity(clientId, null, false, false, SECRET_CANARY, null));
        idp.assignRole(clientId, t.role, name);
        Duration lifetime = Duration.ofSeconds(45);
        idp.setTokenLifetime(lifetime);
        try {
            connectors.start(name, endpoint(t, name, "client-secret", clientId));
            // the first send opens the connection (on a loaded machine it may time out once and back off):
            // what is measured starts once the endpoint has taken records
            produce(records(name, 0, 10));
            t.standIn().awaitCount(name, 10, DEADLINE);
            await("the first records committed").atMost(DEADLINE).until(() -> committed(KAFKA, name) == 10);
            long backoffBefore = metricLong(name, "backoff-time-ms-total");
            long mark = TestLogs.mark();
            long issuedBefore = idp.tokensIssued(clientId);
            Instant start = Instant.now();
            int n = 10;
            // -Dtwin-egress.token.run.seconds=600 for the 10-minute figure; 100 s keeps the chaos run short
            Duration run = Duration.ofSeconds(Long.getLong("twin-egress.token.run.seconds", 100));
            while (Duration.between(start, Instant.now()).compareTo(run) < 0) {
                produce(records(name, n, 10));
                n += 10;
                int expected = n;
                await("delivered so far").atMost(DEADLINE).until(() -> t.standIn().count(name) >= expected);
                await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
            }
            int total = n;
            await("all delivered").atMost(DEADLINE).until(() -> t.standIn().count(name) == total);
            long refreshes = idp.tokensIssued(clientId) - issuedBefore;
            assertEquals(backoffBefore, metricLong(name, "backoff-time-ms-total"), "no send failed");
            assertEquals(0, lines(mark, name + ": endpoint unavailable"), "no backoff");
            assertEquals(0, lines(mark, name + ": the endpoint refused"), "no token was refused");
            assertTrue(refreshes >= 2, "tokens were refreshed: " + refreshes);
            reporter.publishEntry("figure", t.connector + ": " + (total - 10) + " records over " + run.toSeconds()
                + " s with " + lifetime.toSeconds() + " s tokens: " + refreshes + " tokens issued, 0 failed sends; "
                + "at this lifetime about " + refreshes * 600 / run.toSeconds() + " per 10 minutes");
        } finally {
            idp.setTokenLifetime(Duration.ofHours(1));
        }
    }
}
