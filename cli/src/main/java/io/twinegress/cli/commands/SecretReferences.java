package io.twinegress.cli.commands;

import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.connect.ConnectorConfig;
import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.connect.SecretsMode;
import io.twinegress.cli.output.Secret;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a connector gets its connection strings: inline values, {@code ${file:<path>:<key>}}
 * references (the worker's FileConfigProvider) or {@code ${env:<NAME>}} references (its
 * EnvVarConfigProvider); and how a new key takes the place of the current one.
 */
final class SecretReferences {

    private static final Pattern SHARED_ACCESS_KEY = Pattern.compile("(SharedAccessKey=)([^;]*)");
    private static final Pattern FILE_REFERENCE = Pattern.compile("\\$\\{file:(.+):([^:}]+)}");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([^}:]+)}");

    /** A {@code ${file:<path>:<key>}} reference taken apart. */
    record FileReference(Path file, String key) {

        String reference() {
            return "${file:" + file + ":" + key + "}";
        }
    }

    private SecretReferences() {
    }

    /** The file and key of a {@code ${file:...}} reference; empty for anything else. */
    static Optional<FileReference> fileReference(Secret value) {
        Matcher m = FILE_REFERENCE.matcher(value.reveal());
        return m.matches() ? Optional.of(new FileReference(Path.of(m.group(1)), m.group(2))) : Optional.empty();
    }

    /** A {@code ${env:...}} reference: the value lives in the worker's environment. */
    static boolean isEnvReference(Secret value) {
        return value.reveal().startsWith("${env:");
    }

    /** How an existing connector gets its primary connection string: an update without --secrets-as keeps it. */
    static SecretsMode currentMode(ConnectorConfig config) {
        String primary = config.secret(ConnectorConfigs.CONNECTION_STRING).map(x -> x.isReference() ? x.reveal() : "").orElse("");
        Matcher file = FILE_REFERENCE.matcher(primary);
        if (file.matches()) {
            return new SecretsMode.File(Path.of(file.group(1)));
        }
        Matcher env = ENV_REFERENCE.matcher(primary);
        if (env.matches()) {
            Optional<String> secondary = config.secret(ConnectorConfigs.SECONDARY_CONNECTION_STRING)
                    .map(x -> ENV_REFERENCE.matcher(x.reveal())).filter(Matcher::matches).map(m -> m.group(1));
            return new SecretsMode.Env(env.group(1), secondary);
        }
        return new SecretsMode.Inline();
    }

    /** A full connection string replaces the old one; a bare key replaces the SharedAccessKey part of it (Event Grid: the key is the value). */
    static Secret newValue(String option, Secret given, Secret current, boolean eventGrid) {
        String g = given.reveal();
        if (eventGrid || g.contains("SharedAccessKey=") || g.startsWith("Endpoint=")) {
            return given;
        }
        if (current == null || !SHARED_ACCESS_KEY.matcher(current.reveal()).find()) {
            throw new InvalidInputException(option, "a bare key needs the current connection string to put it in, and there is none: "
                    + "give the whole connection string");
        }
        return Secret.of(SHARED_ACCESS_KEY.matcher(current.reveal()).replaceFirst("$1" + Matcher.quoteReplacement(g)));
    }

    /** The value behind a config value: itself, or what its ${file:...} reference points at. */
    static Optional<Secret> resolve(Secret value, String option) {
        Optional<FileReference> ref = fileReference(value);
        if (ref.isPresent()) {
            return readFileValue(ref.get(), option);
        }
        return value.isReference() ? Optional.empty() : Optional.of(value);
    }

    /** What the secrets file behind {@code ref} holds for its key; it must be readable here. */
    static Optional<Secret> readFileValue(FileReference ref, String option) {
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(ref.file())));
            return Optional.ofNullable(p.getProperty(ref.key())).map(Secret::of);
        } catch (IOException e) {
            throw new InvalidInputException(option, "the connector reads its key from " + ref.file() + ", which the CLI cannot read ("
                    + e.getClass().getSimpleName() + "): run it where the worker's secrets file is");
        }
    }
}
