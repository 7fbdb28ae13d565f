package io.twinegress.localstack.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes a Java properties file in insertion order, readable by a human. */
public final class PropertiesFiles {

    private PropertiesFiles() {
    }

    public static Path write(Path file, String comment, Map<String, String> props) {
        StringBuilder sb = new StringBuilder("# ").append(comment).append('\n');
        props.forEach((k, v) -> sb.append(k).append('=').append(escape(v)).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
