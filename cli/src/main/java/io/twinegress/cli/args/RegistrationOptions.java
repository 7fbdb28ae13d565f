package io.twinegress.cli.args;

import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.connect.SecretsMode;
import io.twinegress.cli.output.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options {@code endpoints create} and {@code endpoints update} share (an option both take
 * belongs here): where the keys come from, where the connector reads its secrets, extra connector
 * settings. A key never comes from the command line itself: {@code --connection-string},
 * {@code --primary-key} and {@code --secondary-key} are refused with where to put it instead.
 */
public final class RegistrationOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--primary-key-from", paramLabel = "<file|env:NAME>",
            description = "new primary connection string or key: a file path, or env:NAME")
    String primaryKeyFrom;

    @Option(names = "--secondary-key-from", paramLabel = "<file|env:NAME>",
            description = "new secondary connection string or key: a file path, or env:NAME")
    String secondaryKeyFrom;

    @Option(names = "--secrets-as", paramLabel = "<how>",
            description = "where the connector reads its secrets: " + SecretsMode.SYNTAX + " (default inline)")
    String secretsAs;

    @Option(names = "--set", paramLabel = "<key=value>",
            description = "extra connector setting (repeatable), e.g. tasks.max=2")
    List<String> settings = new ArrayList<>();

    @Option(names = "--connection-string", hidden = true, arity = "0..1", paramLabel = "<refused>")
    void connectionString(String value) {
        refuse(value, "--connection-string", "put them in the --file body or use --primary-key-from");
    }

    @Option(names = "--primary-key", hidden = true, arity = "0..1", paramLabel = "<refused>")
    void primaryKey(String value) {
        refuse(value, "--primary-key", "use --primary-key-from <file|env:NAME>");
    }

    @Option(names = "--secondary-key", hidden = true, arity = "0..1", paramLabel = "<refused>")
    void secondaryKey(String value) {
        refuse(value, "--secondary-key", "use --secondary-key-from <file|env:NAME>");
    }

    private void refuse(String value, String option, String instead) {
        // Never echo the value: it is the secret the user just tried to pass.
        if (value != null) {
            throw new ParameterException(spec.commandLine(), option + " is not accepted: secrets never go on the command line; "
                    + instead);
        }
    }

    /** {@code --primary-key-from} read now (a missing file is an input error before anything is touched), or null. */
    public Secret primaryKey(Map<String, String> env) {
        return primaryKeyFrom == null ? null : KeySource.read("--primary-key-from", primaryKeyFrom, env);
    }

    /** {@code --secondary-key-from} read now, or null. */
    public Secret secondaryKey(Map<String, String> env) {
        return secondaryKeyFrom == null ? null : KeySource.read("--secondary-key-from", secondaryKeyFrom, env);
    }

    public boolean hasKeys() {
        return primaryKeyFrom != null || secondaryKeyFrom != null;
    }

    /** {@code --secrets-as}, when given. */
    public Optional<SecretsMode> secretsMode() {
        return Optional.ofNullable(secretsAs).map(SecretsMode::parse);
    }

    /** {@code --set} settings, checked. */
    public Map<String, String> connectorExtras() {
        return ConnectorConfigs.extras(settings);
    }

    /**
     * Only a body says how the connector is made: without {@code --file}, {@code --secrets-as} is
     * refused, and {@code --set} (which scripts pass along with every update) is ignored with a note.
     */
    public void checkNoBodyOptions(Consumer<String> note) {
        if (secretsAs != null) {
            throw new UsageException("--secrets-as applies with --file (a key rotation keeps the connector's current way)");
        }
        if (!settings.isEmpty()) {
            note.accept("note: --set applies with --file; a key rotation changes the keys only, the other settings stay");
        }
    }
}
