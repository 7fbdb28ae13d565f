package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference in {@code docs/connectors/} is generated from the ConfigDefs: this
 * test fails when a committed page is stale, and rewrites the pages with
 * {@code -Dtwin-egress.docs.update=true}.
 */
class ConfigDocsTest {

    static final Path DOCS = Path.of("..", "docs", "connectors");

    @Test
    void theCommittedReferenceMatchesTheConfigDefs() throws IOException {
        Map<String, String> pages = ConfigDocs.pages();
        assertFalse(pages.isEmpty());
        assertTrue(pages.containsKey("servicebus-sink.md"), pages.keySet().toString());
        boolean update = Boolean.getBoolean("twin-egress.docs.update");
        for (Map.Entry<String, String> page : pages.entrySet()) {
            Path file = DOCS.resolve(page.getKey());
            if (update) {
                Files.createDirectories(DOCS);
                Files.writeString(file, page.getValue(), StandardCharsets.UTF_8);
            }
            assertTrue(Files.exists(file), file + " is missing: regenerate with -Dtwin-egress.docs.update=true");
            assertEquals(page.getValue(), Files.readString(file, StandardCharsets.UTF_8),
                file + " is stale: regenerate with -Dtwin-egress.docs.update=true (see the comment at its top)");
        }
    }
}
