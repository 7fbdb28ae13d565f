package io.twinegress.cli.args;

import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.output.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a secret is read from, never the command line itself: {@code env:NAME} (an environment
 * variable of the CLI's process) or a file path (its content, surrounding whitespace trimmed).
 */
public final class KeySource {

    private KeySource() {
    }

    public static Secret read(String option, String spec, Map<String, String> env) {
        if (spec.startsWith("env:")) {
            String name = spec.substring(4);
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                throw new InvalidInputException(option, "environment variable " + name + " is not set or empty");
            }
            return Secret.of(value.strip());
        }
        Path path = Path.of(spec.startsWith("file:") ? spec.substring(5) : spec);
        try {
            String value = Files.readString(path, StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                throw new InvalidInputException(option, "file " + path + " is empty");
            }
            return Secret.of(value);
        } catch (IOException e) {
            throw new InvalidInputException(option, "cannot read file " + path + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
