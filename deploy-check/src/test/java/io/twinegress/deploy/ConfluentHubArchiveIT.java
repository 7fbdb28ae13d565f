package io.twinegress.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Confluent Hub component archive {@code mvn package} builds in sink-connectors: one root
 * directory {@code twinegress-twin-egress-connectors-<version>/} with {@code manifest.json},
 * {@code lib/} (byte for byte the plugin directory, nothing more, nothing less), {@code doc/} and
 * {@code etc/}, as {@code confluent-hub install} expects.
 */
class ConfluentHubArchiveIT {

    private static final String VERSION = System.getProperty("twin.egress.version");
    private static final String ROOT = "twinegress-twin-egress-connectors-" + VERSION + "/";
    private static final Set<String> CONNECTORS = Set.of("ServiceBusSinkConnector", "EventGridSinkConnector", "EventHubsSinkConnector");

    private static Map<String, byte[]> entries;

    @BeforeAll
    static void read() throws IOException {
        Path zip = Repo.file("sink-connectors/target/twinegress-twin-egress-connectors-" + VERSION + ".zip");
        entries = new LinkedHashMap<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(file.entries())) {
                if (!e.isDirectory()) {
                    try (InputStream in = file.getInputStream(e)) {
                        entries.put(e.getName(), in.readAllBytes());
                    }
                }
            }
        }
    }

    private static Map<String, byte[]> under(String dir) {
        Map<String, byte[]> out = new TreeMap<>();
        entries.forEach((name, bytes) -> {
            if (name.startsWith(ROOT + dir)) {
                out.put(name.substring((ROOT + dir).length()), bytes);
            }
        });
        return out;
    }

    @Test
    void everythingIsUnderOneRootDirectoryInTheComponentLayout() {
        Set<String> tops = new TreeSet<>();
        for (String name : entries.keySet()) {
            assertTrue(name.startsWith(ROOT), name);
            String rest = name.substring(ROOT.length());
            tops.add(rest.contains("/") ? rest.substring(0, rest.indexOf('/') + 1) : rest);
        }
        assertEquals(Set.of("manifest.json", "lib/", "doc/", "etc/"), tops);
    }

    @Test
    void theManifestDescribesTheComponent() throws IOException {
        JsonNode m = new ObjectMapper().readTree(entries.get(ROOT + "manifest.json"));
        assertEquals("twin-egress-connectors", m.path("name").asText());
        assertEquals(VERSION, m.path("version").asText());
        assertEquals("twinegress", m.path("owner").path("username").asText());
        assertEquals(ROOT, m.path("owner").path("username").asText() + "-" + m.path("name").asText() + "-" + m.path("version").asText() + "/",
                "the archive's root directory is <owner>-<name>-<version>");
        assertEquals(List.of("sink"), List.of(new ObjectMapper().convertValue(m.path("component_types"), String[].class)));
        assertFalse(m.path("title").asText().isBlank());
        for (String connector : CONNECTORS) {
            assertTrue(m.path("description").asText().contains(connector), "the description names " + connector);
        }
        assertTrue(m.path("features").path("kafka_connect_api").asBoolean());
        assertTrue(m.path("tags").toString().contains("azure"));
    }

    @Test
    void libIsExactlyThePluginDirectory() throws IOException {
        Path plugin = Repo.file("sink-connectors/target/twin-egress-connectors");
        Map<String, byte[]> expected = new TreeMap<>();
        try (Stream<Path> files = Files.walk(plugin)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                expected.put(plugin.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        Map<String, byte[]> lib = under("lib/");
        assertEquals(expected.keySet(), lib.keySet());
        expected.forEach((name, bytes) -> assertTrue(Arrays.equals(bytes, lib.get(name)), name + " is the same file"));
        assertTrue(lib.keySet().stream().anyMatch(n -> n.startsWith("twin-egress-sink-connectors-")), "the connector jar");
        assertTrue(lib.keySet().stream().noneMatch(n -> n.startsWith("connect-api-") || n.startsWith("kafka-clients-")),
                "Connect's own jars are the worker's");
    }

    @Test
    void docAndEtcHoldTheDocsAndExampleConfigs() throws IOException {
        assertTrue(under("doc/").keySet().containsAll(Set.of("README.md", "servicebus-sink.md", "eventgrid-sink.md", "eventhubs-sink.md")));
        Map<String, byte[]> etc = under("etc/");
        assertTrue(etc.containsKey("worker.properties"));
        Set<String> classes = new TreeSet<>();
        for (Map.Entry<String, byte[]> e : etc.entrySet()) {
            if (e.getKey().endsWith(".json")) {
                classes.add(new ObjectMapper().readTree(e.getValue()).path("connector.class").asText());
            }
        }
        assertEquals(new TreeSet<>(CONNECTORS), classes, "an example config for each connector");
    }
}
