package io.twinegress.router.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad or missing configuration: a clear message and a non-zero exit, before touching Kafka. */
class MainTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMissingFileExitsWithTheConfigCode() {
        assertEquals(Main.EXIT_CONFIG, Main.run(new String[] {"/nonexistent/router.properties"}, Map.of(), errStream));
        assertTrue(err().contains("Configuration error: Configuration file /nonexistent/router.properties does not exist"), err());
    }

    @Test
    void noBootstrapServersExitsWithTheConfigCode(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("router.properties");
        Files.writeString(file, "twin.dlq.topic=dead\n");
        assertEquals(Main.EXIT_CONFIG, Main.run(new String[] {file.toString()}, Map.of(), errStream));
        assertTrue(err().contains("bootstrap.servers"), err());
    }

    @Test
    void anUnknownKeyExitsWithTheConfigCode(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("router.properties");
        Files.writeString(file, "bootstrap.servers=localhost:1\ntwin.dlq.topics=dead\n");
        assertEquals(Main.EXIT_CONFIG, Main.run(new String[] {file.toString()}, Map.of(), errStream));
        assertTrue(err().contains("twin.dlq.topics"), err());
    }

    @Test
    void tooManyArgumentsPrintUsage() {
        assertEquals(Main.EXIT_CONFIG, Main.run(new String[] {"a", "b"}, Map.of(), errStream));
        assertTrue(err().contains("Usage: java -jar twin-egress-router.jar"), err());
    }
}
