package io.twinegress.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.twinegress.localstack.connect.ConnectWorker;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.endpoints.SampleEndpoints;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.localstack.standins.StandIns;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * There is no Docker engine where the tests run, so this keeps docker-compose.yml, its Dockerfiles
 * and config files, and examples/ in step with the local stack by reading them: services, pinned
 * images, ports, plugin path, worker settings, topic names, stand-in entities and keys, connector
 * configs.
 */
class ComposeFileTest {

    private static final Path HOME = Layout.fromSystem().home();
    private static final String SECRETS = "/opt/twin-egress/secrets/endpoints.properties";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode compose;
    private static JsonNode services;

    @BeforeAll
    static void read() throws IOException {
        compose = YAML.readTree(HOME.resolve("docker-compose.yml").toFile());
        services = compose.path("services");
    }

    @Test
    void hasTheSameFourPartsAsTheLocalStackPlusTopicCreation() {
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(new TreeSet<>(List.of("kafka", "topics", "router", "connect", "standins")), names);
    }

    @Test
    void everyImageIsPinnedAndKafkaMatchesTheBuild() throws IOException {
        List<String> images = new ArrayList<>();
        services.forEach(s -> {
            if (s.has("image")) {
                images.add(s.path("image").asText());
            }
        });
        for (String image : images) {
            assertPinned(image, "docker-compose.yml");
        }
        String kafkaVersion = AppInfoParser.getVersion();
        assertEquals("apache/kafka:" + kafkaVersion, services.path("kafka").path("image").asText(),
                "the official image of the Kafka version we build against");
        assertEquals("apache/kafka:" + kafkaVersion, services.path("connect").path("image").asText());
        assertEquals("apache/kafka:" + kafkaVersion, services.path("topics").path("image").asText());

        List<Path> dockerfiles;
        try (Stream<Path> s = Files.walk(HOME.resolve("docker"))) {
            dockerfiles = s.filter(p -> p.getFileName().toString().equals("Dockerfile")).toList();
        }
        assertEquals(2, dockerfiles.size(), "router and stand-ins Dockerfiles: " + dockerfiles);
        for (Path df : dockerfiles) {
            for (String line : Files.readAllLines(df)) {
                if (line.startsWith("FROM ")) {
                    assertPinned(line.substring(5).trim().split("\\s+")[0], df.toString());
                }
            }
        }
        // the Dockerfiles copy the packaged artifacts at the paths the README names
        Layout layout = new Layout(HOME);
        assertTrue(Files.readString(HOME.resolve("docker/router/Dockerfile"))
                .contains(HOME.relativize(layout.routerJar()).toString()));
        assertTrue(Files.readString(HOME.resolve("docker/standins/Dockerfile"))
                .contains(HOME.relativize(layout.standInsJar()).toString()));
    }

    private static void assertPinned(String image, String where) {
        int colon = image.lastIndexOf(':');
        assertTrue(colon > 0 && !image.substring(colon).contains("/"), where + ": " + image + " has no tag");
        String tag = image.substring(colon + 1);
        assertFalse(tag.equalsIgnoreCase("latest"), where + ": " + image + " uses latest");
        assertTrue(tag.matches(".*\\d.*"), where + ": " + image + " tag is not a version");
    }

    @Test
    void publishesTheLocalStackPortsOnLoopbackOnly() throws IOException {
        Ports ports = Ports.defaults();
        Map<String, List<String>> published = new TreeMap<>();
        services.fields().forEachRemaining(e -> e.getValue().path("ports").forEach(p ->
                published.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(p.asText())));
        assertEquals(Map.of("kafka", List.of("127.0.0.1:" + ports.kafka() + ":9092"),
                "connect", List.of("127.0.0.1:" + ports.connect() + ":8083")), published);

        // the stand-ins bind loopback only: they live in Connect's network namespace, on the local stack's ports
        assertEquals("service:connect", services.path("standins").path("network_mode").asText());
        Properties standIns = properties("docker/standins/emulators.properties");
        assertEquals(String.valueOf(ports.amqp()), standIns.getProperty("amqp.port"));
        assertEquals(String.valueOf(ports.eventGrid()), standIns.getProperty("eventgrid.port"));
        assertEquals(String.valueOf(ports.admin()), standIns.getProperty("admin.port"));
        assertEquals("127.0.0.1", standIns.getProperty("host"));
    }

    @Test
    void connectMountsThePackagedPluginAndHasTheLocalStacksWorkerSettings() throws IOException {
        Properties worker = properties("docker/connect/connect-distributed.properties");
        String pluginPath = worker.getProperty("plugin.path");
        String pluginMount = null;
        for (JsonNode v : services.path("connect").path("volumes")) {
            String[] parts = v.asText().split(":");
            if (Path.of(parts[0]).normalize().equals(HOME.relativize(new Layout(HOME).pluginDir()))) {
                pluginMount = parts[1];
            }
        }
        assertNotNull(pluginMount, "connect mounts ./" + HOME.relativize(new Layout(HOME).pluginDir()));
        assertEquals(pluginPath, Path.of(pluginMount).getParent().toString(),
                "the plugin directory is a child of plugin.path (Connect isolates each child)");

        Map<String, String> local = ConnectWorker.workerProperties("x", "x", "x");
        for (Map.Entry<String, String> e : local.entrySet()) {
            if (Set.of("bootstrap.servers", "listeners", "plugin.path").contains(e.getKey())) {
                assertNotNull(worker.getProperty(e.getKey()), e.getKey());
            } else {
                assertEquals(e.getValue(), worker.getProperty(e.getKey()), "worker setting " + e.getKey());
            }
        }
        assertEquals("kafka:19092", worker.getProperty("bootstrap.servers"));
        assertTrue(services.path("connect").path("volumes").toString().contains(
                "/opt/twin-egress/secrets"), "the FileConfigProvider's secrets are mounted");
    }

    @Test
    void createsExactlyTheLocalStacksTopics() {
        String script = services.path("topics").path("command").get(0).asText();
        Matcher m = Pattern.compile("--topic (\\S+) --partitions (\\d+)( --config cleanup.policy=compact)?").matcher(script);
        Map<String, String> created = new TreeMap<>();
        while (m.find()) {
            created.put(m.group(1), m.group(2) + (m.group(3) == null ? "" : " compact"));
        }
        Map<String, String> expected = new TreeMap<>();
        for (Topics.Spec s : Topics.specs(SampleEndpoints.ids())) {
            expected.put(s.name(), s.partitions() + (s.compacted() ? " compact" : ""));
        }
        assertEquals(expected, created);
        assertTrue(services.path("kafka").path("environment").path("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()
                .equals("false"), "topics are created explicitly");
    }

    @Test
    void standInsDeclareTheLocalStacksEntitiesAndTheKeysOfTheSecretsFile() throws IOException {
        List<SampleEndpoint> endpoints = SampleEndpoints.localStack(Ports.defaults());
        Properties docker = properties("docker/standins/emulators.properties");
        Map<String, String> local = StandIns.properties(Ports.defaults(), endpoints, Path.of("x"));
        for (String key : List.of("amqp.servicebus.topics", "amqp.eventhubs", "eventgrid.topics", "eventgrid.namespace.topics")) {
            assertEquals(local.get(key), docker.getProperty(key), key);
        }
        Set<String> localKeyNames = local.keySet().stream().filter(k -> k.startsWith("amqp.keys.")).collect(Collectors.toSet());
        Set<String> dockerKeyNames = docker.stringPropertyNames().stream().filter(k -> k.startsWith("amqp.keys."))
                .collect(Collectors.toSet());
        assertEquals(localKeyNames, dockerKeyNames);

        // every connection string in the secrets file is accepted by the stand-ins, primary first
        Properties secrets = properties("docker/connect/secrets/endpoints.properties");
        for (SampleEndpoint e : endpoints) {
            for (int i = 0; i < 2; i++) {
                String name = i == 0 ? e.primaryProperty() : e.secondaryProperty();
                String value = secrets.getProperty(name);
                assertNotNull(value, name);
                if (e.keyName() == null) {
                    assertEquals(docker.getProperty("eventgrid.keys").split(",")[i], value, name);
                } else {
                    Map<String, String> cs = connectionString(value);
                    assertEquals(e.keyName(), cs.get("SharedAccessKeyName"), name);
                    assertEquals(docker.getProperty("amqp.keys." + e.keyName()).split(",")[i], cs.get("SharedAccessKey"), name);
                    assertEquals("sb://127.0.0.1:" + Ports.defaults().amqp(), cs.get("Endpoint"), name);
                    assertEquals("true", cs.get("UseDevelopmentEmulator"), name);
                    assertEquals(e.connectionString("K").contains("EntityPath"), cs.containsKey("EntityPath"), name);
                }
            }
        }
    }

    @Test
    void examplesAreTheLocalStacksEndpointsAndConnectors() throws IOException {
        Set<String> lines = new HashSet<>(Files.readAllLines(HOME.resolve("examples/endpoints/twin.endpoints.txt")));
        for (SampleEndpoint e : SampleEndpoints.localStack(Ports.defaults())) {
            JsonNode routing = JSON.readTree(HOME.resolve("examples/endpoints/" + e.id() + ".json").toFile());
            assertEquals(JSON.readTree(e.routingRecord()), routing, "examples/endpoints/" + e.id() + ".json");
            assertTrue(lines.contains(e.id() + "|" + e.routingRecord()), "twin.endpoints.txt line of " + e.id());

            Map<String, String> example = new TreeMap<>();
            JSON.readTree(HOME.resolve("examples/connectors/" + e.id() + ".json").toFile()).fields()
                    .forEachRemaining(f -> example.put(f.getKey(), f.getValue().asText()));
            assertEquals(new TreeMap<>(e.connectorConfig(Path.of(SECRETS))), example, "examples/connectors/" + e.id() + ".json");
        }
    }

    private static Map<String, String> connectionString(String cs) {
        Map<String, String> m = new HashMap<>();
        for (String part : cs.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return m;
    }

    private static Properties properties(String relative) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(HOME.resolve(relative))) {
            p.load(r);
        }
        return p;
    }
}
