package io.twinegress.router.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/router.md carries the configuration reference generated from the ConfigDef, so it cannot
 * drift. To regenerate: {@code ./mvnw -pl streams-app -am test -Dtest=ConfigDocsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtwin-egress.docs.update=true}.
 */
class ConfigDocsTest {

    @Test
    void docsCarryTheGeneratedConfigReference() throws Exception {
        Path docs = Path.of("..", "docs", "router.md");
        if (Boolean.getBoolean("twin-egress.docs.update")) {
            ConfigDocs.main(new String[] {docs.toString()});
        }
        String markdown = Files.readString(docs, StandardCharsets.UTF_8);
        assertTrue(markdown.contains(ConfigDocs.generate()),
                "docs/router.md is out of date; regenerate it with -Dtwin-egress.docs.update=true (see this test's javadoc)");
    }
}
