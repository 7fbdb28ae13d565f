package io.twinegress.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.twinegress.cli.Cli;
import io.twinegress.cli.output.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code endpoints create --output strimzi}: the KafkaConnector and the routing Job, printed without
 * contacting Kafka or Connect, with the body's connection strings nowhere in the output. (deploy-check
 * loads the same output into the Strimzi and Kubernetes models.)
 */
class StrimziOutputTest {

    private static final String CANARY = "CANARY7f3e9b";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(console, Map.of()).run(args);
    }

    private Path body(String json) throws Exception {
        Path f = dir.resolve("body.json");
        Files.writeString(f, json);
        return f;
    }

    private Path serviceBusBody() throws Exception {
        return body("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"orders\","
                + "\"connectionString\":\"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + CANARY + "1\","
                + "\"secondaryConnectionString\":\"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey="
                + CANARY + "2\"}");
    }

    private List<JsonNode> documents() throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        YAML.readerFor(JsonNode.class).readValues(out.toString(StandardCharsets.UTF_8)).forEachRemaining(n -> docs.add((JsonNode) n));
        return docs;
    }

    @Test
    void printsTheConnectorWithSecretReferencesAndTheJobWithoutTouchingKafkaOrConnect() throws Exception {
        // unreachable addresses: the output must not need them
        int code = run("endpoints", "create", "sb-orders", "--file", serviceBusBody().toString(), "--output", "strimzi",
                "--bootstrap-server", "127.0.0.1:1", "--connect-url", "http://127.0.0.1:1", "--set", "tasks.max=2");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertFalse(printed.contains(CANARY), "no connection string of the body");
        assertFalse(printed.contains("****"), "nothing secret-shaped was even printed masked");

        List<JsonNode> docs = documents();
        assertEquals(2, docs.size());
        JsonNode connector = docs.get(0);
        assertEquals("KafkaConnector", connector.path("kind").asText());
        assertEquals("sb-orders", connector.path("metadata").path("name").asText());
        assertEquals(StrimziOutput.CONNECT_CLUSTER, connector.path("metadata").path("labels").path("strimzi.io/cluster").asText());
        assertEquals("ServiceBusSinkConnector", connector.path("spec").path("class").asText());
        assertEquals(2, connector.path("spec").path("tasksMax").asInt());
        JsonNode config = connector.path("spec").path("config");
        assertEquals("${secrets:twin-egress/twin-egress-sb-orders:primary}", config.path("connection.string").asText());
        assertEquals("${secrets:twin-egress/twin-egress-sb-orders:secondary}", config.path("secondary.connection.string").asText());
        assertEquals("twin.egress.sb-orders", config.path("topics").asText());
        assertFalse(config.has("name") || config.has("connector.class") || config.has("tasks.max"), "those are the resource's own fields");

        JsonNode job = docs.get(1);
        assertEquals("Job", job.path("kind").asText());
        assertTrue(job.path("metadata").path("name").asText().startsWith("twin-egress-routing-sb-orders-"));
        JsonNode container = job.path("spec").path("template").path("spec").path("containers").get(0);
        Map<String, String> env = new java.util.HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        assertEquals("sb-orders", env.get("RECORD_KEY"));
        assertEquals("twin.endpoints", env.get("TOPIC"));
        assertEquals(new ObjectMapper().readTree("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"orders\"}"),
                new ObjectMapper().readTree(env.get("RECORD_VALUE")), "the routing record, exactly what the router reads");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Secret twin-egress-sb-orders"), "says where the keys go");
    }

    @Test
    void theRecordChangesTheJobsNameAndSettingsChangeTheTargets() throws Exception {
        run("endpoints", "create", "sb-orders", "--file", serviceBusBody().toString(), "--output",
                "strimzi:namespace=prod,connect-cluster=connect-eu,kafka-cluster=kafka-eu");
        List<JsonNode> first = documents();
        assertEquals("${secrets:prod/twin-egress-sb-orders:primary}", first.get(0).path("spec").path("config").path("connection.string").asText());
        assertEquals("connect-eu", first.get(0).path("metadata").path("labels").path("strimzi.io/cluster").asText());
        assertEquals("prod", first.get(1).path("metadata").path("namespace").asText());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("kafka-eu-kafka-bootstrap:9093"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("kafka-eu-cluster-ca-cert"));

        out.reset();
        Path other = body("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SpaceChange\"],\"path\":\"orders\"}");
        assertEquals(0, run("endpoints", "create", "sb-orders", "--file", other.toString(), "--output", "strimzi"));
        assertFalse(first.get(1).path("metadata").path("name").asText().equals(documents().get(1).path("metadata").path("name").asText()),
                "a changed routing record is a new Job");
    }

    @Test
    void mistakesAreRefusedWithWhatToDo() throws Exception {
        Path body = serviceBusBody();
        assertEquals(Cli.USAGE, run("endpoints", "create", "sb", "--file", body.toString(), "--output", "json"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--output takes strimzi"));
        assertEquals(Cli.USAGE, run("endpoints", "create", "sb", "--file", body.toString(), "--output", "strimzi:cluster=x"));
        assertEquals(Cli.USAGE, run("endpoints", "create", "sb", "--file", body.toString(), "--output", "strimzi:namespace=Prod"));
        Path key = dir.resolve("key");
        Files.writeString(key, "Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=" + CANARY);
        assertEquals(Cli.USAGE, run("endpoints", "create", "sb", "--file", body.toString(), "--output", "strimzi",
                "--primary-key-from", key.toString()));
        assertEquals(Cli.USAGE, run("endpoints", "create", "sb", "--file", body.toString(), "--output", "strimzi",
                "--secrets-as", "env:A"));
        err.reset();
        assertEquals(Cli.INVALID, run("endpoints", "create", "Sb_Orders", "--file", body.toString(), "--output", "strimzi"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot name a KafkaConnector"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        Path bad = body("{\"type\":\"ServiceBus\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"x\"}");
        assertEquals(Cli.INVALID, run("endpoints", "create", "sb", "--file", bad.toString(), "--output", "strimzi"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("DeviceMessage"), "the router's rules apply: " + err);
        assertFalse((out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8)).contains(CANARY));
    }
}
