package io.twinegress.cli.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The bodies the README points at are valid for the CLI. */
class ExamplesTest {

    @Test
    void everyExampleBodyParses() throws IOException {
        Path dir = Path.of("..", "examples", "cli");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertEquals(4, files.size(), files.toString());
        for (Path f : files) {
            EndpointBody body = EndpointBody.parse("example", Files.readAllBytes(f));
            assertTrue(body.primary().isPresent() && body.secondary().isPresent(), f.toString());
            assertEquals(List.of(), body.warnings(), f.toString());
        }
    }
}
