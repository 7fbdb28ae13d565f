package io.twinegress.cli.connect;

import io.twinegress.cli.args.UsageException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the connection strings go ({@code --secrets-as}):
 * <ul>
 *   <li>{@code inline} (default): as values in the connector config. Connect masks PASSWORD values
 *       in its logs, but its REST API and config topic keep them in clear;</li>
 *   <li>{@code file:<path>}: the CLI writes them to a properties file ({@code primary=},
 *       {@code secondary=}, owner-only) and the config holds {@code ${file:<path>:primary}}.
 *       The path must be the same one the Connect worker sees, and the worker needs the
 *       {@code file} ConfigProvider;</li>
 *   <li>{@code env:<PRIMARY_VAR>[,<SECONDARY_VAR>]}: the config holds {@code ${env:VAR}}; the values
 *       are in the worker's environment (the body's connection strings are then not used), and the
 *       worker needs the {@code env} ConfigProvider.</li>
 * </ul>
 */
public sealed interface SecretsMode {

    String SYNTAX = "inline, file:<path the worker reads> or env:<PRIMARY_VAR>[,<SECONDARY_VAR>]";

    record Inline() implements SecretsMode {
    }

    record File(Path path) implements SecretsMode {
        public String reference(String key) {
            return "${file:" + path + ":" + key + "}";
        }
    }

    record Env(String primaryVar, Optional<String> secondaryVar) implements SecretsMode {
    }

    static SecretsMode parse(String text) {
        if (text == null || text.equals("inline")) {
            return new Inline();
        }
        if (text.startsWith("file:") && text.length() > "file:".length()) {
            Path path = Path.of(text.substring("file:".length()));
            if (!path.isAbsolute()) {
                throw new UsageException("--secrets-as file:<path> needs an absolute path (the worker resolves it): got " + path);
            }
            return new File(path);
        }
        if (text.startsWith("env:") && text.length() > "env:".length()) {
            String[] vars = text.substring("env:".length()).split(",", -1);
            if (vars.length > 2 || vars[0].isBlank() || (vars.length == 2 && vars[1].isBlank())) {
                throw new UsageException("--secrets-as env: takes one or two variable names: env:PRIMARY[,SECONDARY]");
            }
            return new Env(vars[0], vars.length == 2 ? Optional.of(vars[1]) : Optional.empty());
        }
        throw new UsageException("--secrets-as must be " + SYNTAX);
    }
}
