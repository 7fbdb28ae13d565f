package io.twinegress.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.cli.Cli;
import io.twinegress.cli.output.Console;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.router.app.RouterApp;
import io.twinegress.router.config.RouterConfig;
import io.twinegress.testing.kafka.ConnectWorker;
import io.twinegress.testing.kafka.KafkaBroker;
import io.twinegress.testing.kafka.TestLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a real KRaft broker, a real Connect worker running the packaged connector
 * plugin ({@code sink-connectors/target/twin-egress-connectors}), the real router (in this JVM)
 * and the AMQP stand-in. Every test has its own endpoint ids; the topics are the router's defaults.
 */
class EndpointCliIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String OLD_KEY = "old-canary-key-5f1e0c";
    static final String NEW_KEY = "new-canary-key-9a7d22";
    static final String SECOND_KEY = "second-canary-key-3b8e41";

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final ConnectWorker CONNECT = new ConnectWorker(KAFKA)
            .withPlugin(Path.of("..", "sink-connectors", "target", "twin-egress-connectors"))
            .withWorkerProperty("config.providers", "file,env")
            .withWorkerProperty("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider")
            .withWorkerProperty("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");

    /** Policy "send" is re-keyed by the rotation tests; the other tests have their own policies. */
    static AmqpEmulator amqp;
    static RouterApp router;
    static Path state;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws IOException {
        amqp = AmqpEmulator.builder().serviceBusTopic("orders").eventHub("telemetry", 1).eventHub("telemetry-2", 1)
                .eventHub("motion", 1).eventHub("history", 1)
                .key("send", OLD_KEY).key("motion-send", OLD_KEY).key("history-send", OLD_KEY).start();
        state = Files.createTempDirectory("cli-it-router");
        Properties p = new Properties();
        p.put("bootstrap.servers", KAFKA.bootstrapServers());
        p.put("application.id", "cli-it-router");
        p.put("state.dir", state.toString());
        router = RouterApp.start(RouterConfig.of(p));
    }

    @AfterAll
    static void stop() {
        if (router != null) {
            router.close();
        }
        if (amqp != null) {
            amqp.close();
        }
    }

    // ---------------------------------------------------------------------------------------------

    record Run(int exit, String output) {
    }

    static Run cli(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-server", KAFKA.bootstrapServers(), "--connect-url", CONNECT.restUrl().toString()));
        if (!all.contains("--timeout")) {
            all.addAll(List.of("--timeout", "30"));
        }
        if (args.length > 1 && (args[1].equals("create") || args[1].equals("update"))) {
            // One broker: the dead-letter topic Connect creates cannot have 3 replicas. Test-short backoff.
            all.addAll(List.of("--set", "errors.deadletterqueue.topic.replication.factor=1",
                    "--set", "retry.backoff.initial.ms=200", "--set", "retry.backoff.max.ms=2000", "--set", "client.max.retries=0"));
        }
        int exit = new Cli(new Console(ps, ps), env).run(all.toArray(String[]::new));
        String output = out.toString(StandardCharsets.UTF_8);
        // In the failsafe report, to read what users see (masked: asserted below).
        System.out.println("$ twin-egress " + String.join(" ", args) + "\n" + output + "(exit " + exit + ")");
        return new Run(exit, output);
    }

    static Run cli(String... args) {
        return cli(Map.of(), args);
    }

    Path body(String name, String json) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f;
    }

    static String sbBody(String entity, String primary) {
        return "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\",\"SpaceChange\"],\"path\":\"" + entity + "\","
                + "\"connectionString\":\"" + primary + "\"}";
    }

    static String event() throws IOException {
        try (InputStream in = EndpointCliIT.class.getResourceAsStream("/samples/events/sensor-change.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static final AtomicInteger EVENTS = new AtomicInteger();

    /** Produces SensorChange events until {@code n} messages reached {@code entity}: routing applies from the next event after Active. */
    static void awaitDelivered(String entity, int n) throws IOException {
        String e = event();
        await(n + " message(s) delivered to " + entity).atMost(DEADLINE).until(() -> {
            if (amqp.count(entity) >= n) {
                return true;
            }
            KAFKA.produce("twin.events", "sensor-" + EVENTS.incrementAndGet(), e);
            return amqp.count(entity) >= n;
        });
    }

    /** A connector's config (the client waits out Connect's rebalance answers after a change). */
    static Map<String, String> config(String name) {
        return CONNECT.rest().connectorConfig(name).orElseThrow(() -> new AssertionError("no connector " + name));
    }

    static void assertNoKeys(String text) {
        for (String key : List.of(OLD_KEY, NEW_KEY, SECOND_KEY)) {
            assertFalse(text.contains(key), "a key leaked:\n" + text);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void createDeliversRotateTakesEffectDeleteRemovesBoth(TestReporter report) throws IOException {
        long mark = TestLogs.mark();
        StringBuilder outputs = new StringBuilder();

        long t0 = System.nanoTime();
        Run create = cli("endpoints", "create", "sb-orders", "--file",
                body("sb.json", sbBody("orders", amqp.connectionString("send", OLD_KEY))).toString());
        long createMs = (System.nanoTime() - t0) / 1_000_000;
        outputs.append(create.output());
        assertEquals(Cli.OK, create.exit(), create.output());
        assertTrue(create.output().contains("routing: Active"), create.output());
        assertTrue(create.output().contains("connector: RUNNING (1/1 tasks RUNNING)"), create.output());
        report.publishEntry("create -> Active + RUNNING", createMs + " ms");

        // The routing record holds no secret; the connector config has what delivery needs (topics, keys by reference, read_committed).
        List<ConsumerRecord<String, String>> records = KAFKA.consumeStrings("twin.endpoints", 1, DEADLINE);
        String routing = records.stream().filter(r -> r.key().equals("sb-orders")).findFirst().orElseThrow().value();
        assertEquals("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\",\"SpaceChange\"],\"path\":\"orders\"}", routing);
        Map<String, String> config = config("sb-orders");
        assertEquals("ServiceBusSinkConnector", config.get("connector.class"));
        assertEquals("twin.egress.sb-orders", config.get("topics"));
        assertEquals("read_committed", config.get("consumer.override.isolation.level"));
        assertEquals("twin.egress.sb-orders.dlq", config.get("errors.deadletterqueue.topic.name"));
        assertEquals("all", config.get("errors.tolerance"));

        awaitDelivered("orders", 1);

        // A routing change: a body without connection strings keeps the connector's.
        Run update = cli("endpoints", "update", "sb-orders", "--file", body("sb2.json",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\",\"TopologyOperation\"],\"path\":\"orders\"}").toString());
        outputs.append(update.output());
        assertEquals(Cli.OK, update.exit(), update.output());
        assertTrue(update.output().contains("keeping the connector's current connection strings"), update.output());
        assertTrue(update.output().contains("routing: Active"), update.output());
        assertTrue(config("sb-orders").get("connection.string").contains(OLD_KEY), "the connection string is kept");
        List<ConsumerRecord<String, String>> all = KAFKA.consumeStrings("twin.endpoints", 2, DEADLINE);
        // Event types in their declaration order, as the router's serde writes them.
        assertEquals("{\"type\":\"ServiceBus\",\"eventTypes\":[\"TopologyOperation\",\"SensorChange\"],\"path\":\"orders\"}",
                all.stream().filter(r -> r.key().equals("sb-orders")).reduce((a, b) -> b).orElseThrow().value());

        // Rotation: the stand-in takes only the new key from now on; one command, the next event goes through.
        amqp.setKeys("send", NEW_KEY);
        Path newKey = body("new.key", NEW_KEY + "\n");
        Run rotate = cli("endpoints", "update", "sb-orders", "--primary-key-from", newKey.toString());
        outputs.append(rotate.output());
        assertEquals(Cli.OK, rotate.exit(), rotate.output());
        assertTrue(rotate.output().contains("primary key replaced"), rotate.output());
        int before = amqp.count("orders");
        awaitDelivered("orders", before + 1);

        Run status = cli("endpoints", "status", "sb-orders");
        outputs.append(status.output());
        assertEquals(Cli.OK, status.exit(), status.output());
        assertTrue(status.output().contains("state         Active"), status.output());
        assertTrue(status.output().contains("connector     RUNNING (1/1 tasks RUNNING)"), status.output());
        assertTrue(status.output().contains("primary       inline in the connector config (hidden)"), status.output());
        assertTrue(status.output().matches("(?s).*lag           \\d+ records.*"), status.output());

        Run list = cli("endpoints", "list");
        outputs.append(list.output());
        assertEquals(Cli.OK, list.exit(), list.output());
        assertTrue(list.output().matches("(?s).*sb-orders\\s+ServiceBus\\s+Active\\s+RUNNING.*"), list.output());

        Run delete = cli("endpoints", "delete", "sb-orders");
        outputs.append(delete.output());
        assertEquals(Cli.OK, delete.exit(), delete.output());
        assertTrue(delete.output().contains("routing: Deleted"), delete.output());
        assertFalse(CONNECT.rest().connectors().contains("sb-orders"));
        Run after = cli("endpoints", "status", "sb-orders");
        assertEquals(Cli.OK, after.exit(), after.output());
        assertTrue(after.output().contains("state         Deleted") && after.output().contains("connector     (no connector)"), after.output());

        assertNoKeys(outputs.toString());
        assertNoKeys(TestLogs.readSince(mark));
    }

    @Test
    void theFilterOptionReplacesTheBodysAndListAndStatusShowItAsTheRouterUnderstoodIt() throws IOException {
        String body = "{\"type\":\"EventHub\",\"eventTypes\":[\"SensorChange\"],\"path\":\"motion\","
                + "\"filter\":\"$body.DataType = 'Temperature'\","
                + "\"connectionString\":\"" + amqp.connectionString("motion-send", OLD_KEY, "motion") + "\"}";
        // Lower case keywords and the Event Grid names: the router shows its canonical form.
        Run create = cli("endpoints", "create", "eh-motion", "--file", body("motion.json", body).toString(),
                "--filter", "data.DataType='Motion' and eventType = 'SensorChange'");
        assertEquals(Cli.OK, create.exit(), create.output());
        assertTrue(create.output().contains("filter $body.DataType = 'Motion' AND type = 'SensorChange'"), create.output());

        // The record keeps the operator's text, the option's and not the body's.
        String routing = KAFKA.consumeStrings("twin.endpoints", 1, DEADLINE).stream().filter(r -> r.key().equals("eh-motion"))
                .reduce((a, b) -> b).orElseThrow().value();
        assertEquals("{\"type\":\"EventHub\",\"eventTypes\":[\"SensorChange\"],\"path\":\"motion\","
                + "\"filter\":\"data.DataType='Motion' and eventType = 'SensorChange'\"}", routing);
        // The seed's SensorChange event is a Motion sensor's: it passes, and reaches the hub.
        awaitDelivered("motion", 1);

        Run status = cli("endpoints", "status", "eh-motion");
        assertEquals(Cli.OK, status.exit(), status.output());
        assertTrue(status.output().contains("filter        $body.DataType = 'Motion' AND type = 'SensorChange'"), status.output());
        Run list = cli("endpoints", "list");
        assertEquals(Cli.OK, list.exit(), list.output());
        assertTrue(list.output().lines().anyMatch(l -> l.startsWith("eh-motion ") && l.endsWith(
                "SensorChange  $body.DataType = 'Motion' AND type = 'SensorChange'")), list.output());
        assertTrue(list.output().lines().findFirst().orElseThrow().endsWith("event types   filter"), list.output());

        // A body without a filter, and no option: the filter is gone, and both commands say none.
        Run update = cli("endpoints", "update", "eh-motion", "--file", body("motion2.json",
                "{\"type\":\"EventHub\",\"eventTypes\":[\"SensorChange\"],\"path\":\"motion\"}").toString());
        assertEquals(Cli.OK, update.exit(), update.output());
        Run after = cli("endpoints", "status", "eh-motion");
        assertTrue(after.output().contains("filter        none"), after.output());
        assertTrue(cli("endpoints", "list").output().lines().anyMatch(l -> l.startsWith("eh-motion ") && l.endsWith("SensorChange  none")));

        // A filter the router would reject never reaches twin.endpoints.
        long records = KAFKA.consume("twin.endpoints", 0, DEADLINE).size();
        Run bad = cli("endpoints", "update", "eh-motion", "--file", dir.resolve("motion2.json").toString(), "--filter", "LOWER(subject) = 'x'");
        assertEquals(Cli.INVALID, bad.exit(), bad.output());
        assertTrue(bad.output().contains("invalid: filter: expected a function (STARTS_WITH, ENDS_WITH, CONTAINS, IS_DEFINED), "
                + "got LOWER at position 1"), bad.output());
        assertEquals(records, KAFKA.consume("twin.endpoints", 0, DEADLINE).size(), "nothing written");
        assertEquals(Cli.OK, cli("endpoints", "delete", "eh-motion").exit());
        assertNoKeys(create.output() + status.output() + list.output() + update.output() + bad.output());
    }

    @Test
    void replayFromAnAgeBackfillsTheHistoryAndStatusShowsIt() throws IOException {
        // History the endpoint has not seen: SensorChange events from before it exists.
        String e = event();
        for (int i = 0; i < 5; i++) {
            KAFKA.produce("twin.events", "history-" + i, e);
        }
        String body = "{\"type\":\"EventHub\",\"eventTypes\":[\"SensorChange\"],\"path\":\"history\","
                + "\"connectionString\":\"" + amqp.connectionString("history-send", OLD_KEY, "history") + "\"}";
        Run create = cli("endpoints", "create", "eh-history", "--file", body("history.json", body).toString(), "--replay-from", "1h");
        assertEquals(Cli.OK, create.exit(), create.output());
        assertTrue(create.output().matches("(?s).*replayFrom 20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ written to twin.endpoints.*"),
                "an age becomes a time, to the second: " + create.output());
        String routing = KAFKA.consumeStrings("twin.endpoints", 1, DEADLINE).stream().filter(r -> r.key().equals("eh-history"))
                .reduce((a, b) -> b).orElseThrow().value();
        assertTrue(routing.contains("\"replayFrom\":\"20"), routing);
        // At least the five events above (and any earlier test's) come from the backfill.
        await("backfill done").atMost(DEADLINE).until(() -> cli("endpoints", "status", "eh-history").output().contains(" routed, done"));
        Run status = cli("endpoints", "status", "eh-history");
        assertTrue(status.output().matches("(?s).*replay        from 20.*Z until the live routing took over at 20.*Z: \\d+ event\\(s\\) routed, done.*"),
                status.output());
        await("the history delivered").atMost(DEADLINE).until(() -> amqp.count("history") >= 5);

        // An update without --replay-from keeps it (no second backfill) and says so.
        Run update = cli("endpoints", "update", "eh-history", "--file", dir.resolve("history.json").toString());
        assertEquals(Cli.OK, update.exit(), update.output());
        assertTrue(update.output().contains("note: keeping the endpoint's replayFrom"), update.output());
        assertTrue(update.output().contains("backfill from ") && update.output().contains(": done ("), update.output());
        assertEquals(Cli.OK, cli("endpoints", "delete", "eh-history").exit());
        assertNoKeys(create.output() + status.output() + update.output());
    }

    @Test
    void thePackagedJarRuns() throws Exception {
        Path jar = Path.of("target", "twin-egress.jar");
        assertTrue(Files.isRegularFile(jar), "packaged before the ITs run: " + jar.toAbsolutePath());
        Path out = dir.resolve("jar.out");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "endpoints", "list", "--bootstrap-server", KAFKA.bootstrapServers(), "--connect-url", CONNECT.restUrl().toString(),
                "--timeout", "30")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the jar answered");
        String output = Files.readString(out);
        assertEquals(Cli.OK, p.exitValue(), output);
        assertTrue(output.startsWith("endpoint  "), "the table and nothing else (no log noise):\n" + output);
    }

    @Test
    void anythingInvalidChangesNothing() throws IOException {
        long mark = TestLogs.mark();
        long endpointsBefore = KAFKA.consume("twin.endpoints", 0, DEADLINE).size();

        // A malformed connection string: caught by the connector's own validate, reported on the body's field.
        Run bad = cli("endpoints", "create", "sb-bad", "--file",
                body("bad.json", sbBody("orders", "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=send;Key=" + OLD_KEY)).toString());
        assertEquals(Cli.INVALID, bad.exit(), bad.output());
        assertTrue(bad.output().contains("invalid: connectionString (connector connection.string): "), bad.output());
        assertTrue(bad.output().contains("nothing was changed"), bad.output());

        // The router's rules: DeviceMessage only on an Event Hub.
        Run rule = cli("endpoints", "create", "sb-dm", "--file", body("dm.json",
                "{\"type\":\"ServiceBus\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"orders\",\"connectionString\":\"x\"}").toString());
        assertEquals(Cli.INVALID, rule.exit(), rule.output());
        assertTrue(rule.output().contains("invalid: eventTypes: DeviceMessage is allowed only on an EventHub endpoint (type is ServiceBus)"));

        // Update of an endpoint that does not exist.
        Run missing = cli("endpoints", "update", "nope", "--file", body("ok.json", sbBody("orders", amqp.connectionString("send", OLD_KEY))).toString());
        assertEquals(Cli.INVALID, missing.exit(), missing.output());
        assertTrue(missing.output().contains("invalid: id: no endpoint \"nope\""), missing.output());

        assertEquals(endpointsBefore, KAFKA.consume("twin.endpoints", 0, DEADLINE).size(), "nothing written to twin.endpoints");
        assertFalse(CONNECT.rest().connectors().contains("sb-bad"));
        assertFalse(CONNECT.rest().connectors().contains("nope"));
        assertNoKeys(bad.output() + rule.output() + missing.output());
        assertNoKeys(TestLogs.readSince(mark));
    }

    @Test
    void noRouterAnswerIsPendingWithExitCodeThree() throws IOException {
        // Control topics nobody routes: the record is written, no status record ever comes.
        KAFKA.createTopic("quiet.endpoints", 1, Map.of("cleanup.policy", "compact"));
        KAFKA.createTopic("quiet.status", 1, Map.of("cleanup.policy", "compact"));
        String[] topics = {"--endpoints-topic", "quiet.endpoints", "--status-topic", "quiet.status", "--timeout", "2"};
        List<String> args = new ArrayList<>(List.of("endpoints", "create", "sb-quiet", "--file",
                body("q.json", sbBody("orders", amqp.connectionString("send", OLD_KEY))).toString()));
        args.addAll(List.of(topics));
        Run pending = cli(args.toArray(String[]::new));
        assertEquals(Cli.UNAVAILABLE, pending.exit(), pending.output());
        assertTrue(pending.output().contains("the router has not answered on quiet.status (is it running?)"), pending.output());
        assertEquals(1, KAFKA.consumeStrings("quiet.endpoints", 1, DEADLINE).size());
        assertTrue(CONNECT.rest().connectors().contains("sb-quiet"), "the connector is in place for when the router comes");

        List<String> delete = new ArrayList<>(List.of("endpoints", "delete", "sb-quiet", "--no-wait"));
        delete.addAll(List.of(topics));
        assertEquals(Cli.OK, cli(delete.toArray(String[]::new)).exit(), "--no-wait: done once the tombstone is written");
        assertFalse(CONNECT.rest().connectors().contains("sb-quiet"));
        assertNoKeys(pending.output());
    }

    @Test
    void aControlTopicThatDeletesOldRecordsIsRefusedBeforeAnythingIsWritten() throws IOException {
        // As created by hand or by IaC with the defaults: the router would refuse to start on it.
        KAFKA.createTopic("loose.endpoints", 1, Map.of("cleanup.policy", "delete"));
        KAFKA.createTopic("loose.status", 1, Map.of("cleanup.policy", "compact"));
        String[] topics = {"--endpoints-topic", "loose.endpoints", "--status-topic", "loose.status"};
        List<String> create = new ArrayList<>(List.of("endpoints", "create", "sb-loose", "--file",
                body("loose.json", sbBody("orders", amqp.connectionString("send", OLD_KEY))).toString(), "--no-wait"));
        create.addAll(List.of(topics));
        Run refused = cli(create.toArray(String[]::new));
        assertEquals(Cli.UNAVAILABLE, refused.exit(), refused.output());
        assertTrue(refused.output().contains("Topic loose.endpoints has cleanup.policy=delete; it must be cleanup.policy=compact"),
                refused.output());
        assertFalse(CONNECT.rest().connectors().contains("sb-loose"), "no connector created");
        assertTrue(KAFKA.consume("loose.endpoints", 0, Duration.ofSeconds(5)).isEmpty(), "nothing written to loose.endpoints");

        List<String> list = new ArrayList<>(List.of("endpoints", "list"));
        list.addAll(List.of(topics));
        Run listed = cli(list.toArray(String[]::new));
        assertEquals(Cli.UNAVAILABLE, listed.exit(), listed.output());
        assertTrue(listed.output().contains("cleanup.policy=compact"), listed.output());
        assertNoKeys(refused.output() + listed.output());
    }

    @Test
    void oneDeviceMessageEndpointAndItsSecretsInAFile() throws IOException {
        long mark = TestLogs.mark();
        Path secrets = dir.resolve("secrets").resolve("eh-dm.properties");
        String body = "{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"telemetry\","
                + "\"connectionString\":\"" + amqp.connectionString("send", OLD_KEY, "telemetry") + "\"}";
        Run create = cli("endpoints", "create", "eh-dm", "--file", body("eh.json", body).toString(), "--secrets-as", "file:" + secrets);
        assertEquals(Cli.OK, create.exit(), create.output());
        Map<String, String> config = config("eh-dm");
        assertEquals("EventHubsSinkConnector", config.get("connector.class"));
        assertEquals("true", config.get("device.messages"));
        assertEquals("${file:" + secrets + ":primary}", config.get("connection.string"), "Connect holds the reference only");
        assertTrue(Files.readString(secrets).contains(OLD_KEY));

        // A second DeviceMessage endpoint is refused before anything changes, with the router's words.
        String second = body.replace("telemetry", "telemetry-2");
        Run refused = cli("endpoints", "create", "eh-dm-2", "--file", body("eh2.json", second).toString());
        assertEquals(Cli.INVALID, refused.exit(), refused.output());
        assertTrue(refused.output().contains("invalid: eventTypes: at most one endpoint may subscribe to DeviceMessage "
                + "(endpoint \"eh-dm\" already holds DeviceMessage)"), refused.output());
        assertFalse(CONNECT.rest().connectors().contains("eh-dm-2"));

        // A secondary added by rotation goes into the same file; Connect gets only its reference.
        Run rotate = cli(Map.of("EH_SECONDARY", amqp.connectionString("send", SECOND_KEY, "telemetry")),
                "endpoints", "update", "eh-dm", "--secondary-key-from", "env:EH_SECONDARY");
        assertEquals(Cli.OK, rotate.exit(), rotate.output());
        assertEquals("${file:" + secrets + ":secondary}", config("eh-dm").get("secondary.connection.string"));
        assertTrue(Files.readString(secrets).contains(SECOND_KEY));
        Run rotatePrimary = cli(Map.of("EH_PRIMARY", NEW_KEY), "endpoints", "update", "eh-dm", "--primary-key-from", "env:EH_PRIMARY");
        assertEquals(Cli.OK, rotatePrimary.exit(), rotatePrimary.output());
        assertTrue(Files.readString(secrets).contains("SharedAccessKey=" + NEW_KEY + ";EntityPath=telemetry"));
        assertEquals("${file:" + secrets + ":primary}", config("eh-dm").get("connection.string"));

        // An update from a body, without --secrets-as: the values go to the same file, Connect keeps the references.
        Run update = cli("endpoints", "update", "eh-dm", "--file", dir.resolve("eh.json").toString());
        assertEquals(Cli.OK, update.exit(), update.output());
        assertTrue(update.output().contains("routing: Active"), update.output());
        assertEquals("${file:" + secrets + ":primary}", config("eh-dm").get("connection.string"));
        assertTrue(Files.readString(secrets).contains("SharedAccessKey=" + OLD_KEY + ";EntityPath=telemetry"));
        assertTrue(Files.readString(secrets).contains(SECOND_KEY), "the secondary, not in the body, stays");

        assertEquals(Cli.OK, cli("endpoints", "delete", "eh-dm").exit());
        assertNoKeys(create.output() + refused.output() + rotate.output() + rotatePrimary.output() + update.output());
        assertNoKeys(TestLogs.readSince(mark));
    }
}
