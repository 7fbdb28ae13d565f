package io.twinegress.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twinegress.cli.output.Secret;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsFileTest {

    static final String PRIMARY = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc/def+g==";

    @TempDir
    Path dir;

    static Properties read(Path f) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(f)));
        return p;
    }

    @Test
    void writtenOwnerOnlyAndReadBackAsFileConfigProviderReadsIt() throws IOException {
        Path f = dir.resolve("sub").resolve("sb.properties");
        SecretsFile.write(f, Map.of(SecretsFile.PRIMARY, Secret.of(PRIMARY)));
        assertEquals(PRIMARY, read(f).getProperty("primary"), "':' and '=' in the value survive Properties.load");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        try (var s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void aBackslashSurvives() throws IOException {
        Path f = dir.resolve("eg.properties");
        SecretsFile.write(f, Map.of(SecretsFile.PRIMARY, Secret.of("odd\\key\\value")));
        assertEquals("odd\\key\\value", read(f).getProperty("primary"));
    }

    @Test
    void otherKeysAreKept() throws IOException {
        Path f = dir.resolve("sb.properties");
        Map<String, Secret> both = new LinkedHashMap<>();
        both.put(SecretsFile.PRIMARY, Secret.of(PRIMARY));
        both.put(SecretsFile.SECONDARY, Secret.of(PRIMARY.replace("abc", "xyz")));
        SecretsFile.write(f, both);
        SecretsFile.write(f, Map.of(SecretsFile.PRIMARY, Secret.of(PRIMARY.replace("abc", "new"))));
        Properties p = read(f);
        assertEquals(PRIMARY.replace("abc", "new"), p.getProperty("primary"));
        assertEquals(PRIMARY.replace("abc", "xyz"), p.getProperty("secondary"));
    }
}
