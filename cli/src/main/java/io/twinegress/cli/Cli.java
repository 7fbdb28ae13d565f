package io.twinegress.cli;

import io.twinegress.cli.args.ArgParser;
import io.twinegress.cli.args.Option;
import io.twinegress.cli.args.ParsedArgs;
import io.twinegress.cli.args.UsageException;
import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.body.Problem;
import io.twinegress.cli.commands.Context;
import io.twinegress.cli.commands.EndpointCommands;
import io.twinegress.cli.commands.KeySource;
import io.twinegress.cli.commands.PendingException;
import io.twinegress.cli.connect.ConnectClient;
import io.twinegress.cli.connect.ConnectException;
import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.connect.SecretsMode;
import io.twinegress.cli.kafka.EndpointTopics;
import io.twinegress.cli.kafka.KafkaUnavailableException;
import io.twinegress.cli.kafka.Topics;
import io.twinegress.cli.output.Console;
import io.twinegress.cli.output.Secret;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code twin-egress endpoints <create|update|delete|list|status> [<id>] [options]}: parses the
 * command line, runs the command, and turns every outcome into one exit code.
 */
public final class Cli {

    public static final int OK = 0;
    public static final int INVALID = 1;
    public static final int USAGE = 2;
    public static final int UNAVAILABLE = 3;

    public static final String ENV_BOOTSTRAP = "TWIN_EGRESS_BOOTSTRAP_SERVER";
    public static final String ENV_CONNECT_URL = "TWIN_EGRESS_CONNECT_URL";
    public static final String ENV_CONNECT_USER = "TWIN_EGRESS_CONNECT_USER";
    public static final String ENV_CONNECT_PASSWORD = "TWIN_EGRESS_CONNECT_PASSWORD";

    static final List<Option> OPTIONS = List.of(
            Option.value("file", "the endpoint body (seed format: type, eventTypes, path, connectionString, secondaryConnectionString)"),
            Option.value("primary-key-from", "new primary connection string or key: a file path, or env:NAME"),
            Option.value("secondary-key-from", "new secondary connection string or key: a file path, or env:NAME"),
            Option.value("secrets-as", "where the connector reads its secrets: " + SecretsMode.SYNTAX + " (default inline)"),
            Option.repeated("set", "extra connector setting key=value (repeatable), e.g. tasks.max=2"),
            Option.value("bootstrap-server", "Kafka bootstrap servers (default $" + ENV_BOOTSTRAP + " or localhost:9092)"),
            Option.value("command-config", "a properties file of Kafka client settings (security, ...)"),
            Option.value("connect-url", "Kafka Connect REST URL (default $" + ENV_CONNECT_URL + " or http://localhost:8083)"),
            Option.value("connect-user", "Connect basic-auth user (default $" + ENV_CONNECT_USER + "); the password comes from $"
                    + ENV_CONNECT_PASSWORD + " or --connect-password-file"),
            Option.value("connect-password-file", "a file holding the Connect basic-auth password"),
            Option.value("endpoints-topic", "default " + Topics.DEFAULT_ENDPOINTS),
            Option.value("status-topic", "default " + Topics.DEFAULT_STATUS),
            Option.value("egress-topic-prefix", "default " + Topics.DEFAULT_EGRESS_PREFIX),
            Option.value("timeout", "seconds to wait for the router and the connector (default 60)"),
            Option.flag("no-wait", "make the change and return without waiting for Active / RUNNING"),
            Option.flag("help", "this text"));

    private final Console console;
    private final Map<String, String> env;

    public Cli(Console console, Map<String, String> env) {
        this.console = console;
        this.env = Map.copyOf(env);
    }

    public int run(String... argv) {
        ArgParser parser = new ArgParser(OPTIONS)
                .refuse("connect-password", "a password on the command line shows in ps and shell history; use $"
                        + ENV_CONNECT_PASSWORD + " or --connect-password-file")
                .refuse("connection-string", "secrets never go on the command line; put them in the --file body or use --primary-key-from")
                .refuse("primary-key", "secrets never go on the command line; use --primary-key-from <file|env:NAME>")
                .refuse("secondary-key", "secrets never go on the command line; use --secondary-key-from <file|env:NAME>");
        try {
            ParsedArgs args = parser.parse(List.of(argv));
            if (args.has("help") || args.positionals().isEmpty()) {
                console.out(usage());
                return args.has("help") ? OK : USAGE;
            }
            return dispatch(args);
        } catch (UsageException e) {
            console.err("usage error: " + e.getMessage());
            console.err("run `twin-egress --help` for the commands and options");
            return USAGE;
        } catch (InvalidInputException e) {
            for (Problem p : e.problems()) {
                console.err("invalid: " + p);
            }
            if (!e.problems().isEmpty()) {
                // Problems are found before the first change; a command that fails later has said what it changed.
                console.err("nothing was changed");
            }
            return INVALID;
        } catch (ConnectException e) {
            console.err("error: " + e.getMessage());
            return e.unreachable() ? UNAVAILABLE : INVALID;
        } catch (KafkaUnavailableException e) {
            console.err("error: " + e.getMessage());
            return UNAVAILABLE;
        } catch (PendingException e) {
            console.err(e.getMessage());
            return UNAVAILABLE;
        }
    }

    private int dispatch(ParsedArgs args) {
        List<String> pos = args.positionals();
        if (!pos.get(0).equals("endpoints") || pos.size() < 2) {
            throw new UsageException("the command is `endpoints <create|update|delete|list|status> [<id>]`");
        }
        String verb = pos.get(1);
        int wantIds = verb.equals("list") ? 0 : 1;
        if (!List.of("create", "update", "delete", "list", "status").contains(verb)) {
            throw new UsageException("unknown command endpoints " + verb + "; one of create, update, delete, list, status");
        }
        if (pos.size() != 2 + wantIds) {
            throw new UsageException("endpoints " + verb + (wantIds == 1 ? " takes one endpoint id" : " takes no argument"));
        }
        String id = wantIds == 1 ? pos.get(2) : null;
        boolean writes = verb.equals("create") || verb.equals("update");
        for (String o : List.of("file", "primary-key-from", "secondary-key-from", "secrets-as", "set")) {
            if (!writes && args.has(o)) {
                throw new UsageException("--" + o + " applies to create and update only");
            }
        }
        if (verb.equals("create") && !args.has("file")) {
            throw new UsageException("endpoints create needs --file <body.json>");
        }
        if (args.has("secrets-as") && !args.has("file")) {
            throw new UsageException("--secrets-as applies with --file (a key rotation keeps the connector's current way)");
        }
        // Not given: inline for a new connector, what the connector does now for an update.
        Optional<SecretsMode> mode = args.value("secrets-as").map(SecretsMode::parse);
        Map<String, String> extras = ConnectorConfigs.extras(args.values("set"));
        Duration timeout = Duration.ofSeconds(parseSeconds(args.value("timeout").orElse("60")));
        // Read the keys before touching anything: a missing file is an input error.
        Secret primary = args.value("primary-key-from").map(s -> KeySource.read("--primary-key-from", s, env)).orElse(null);
        Secret secondary = args.value("secondary-key-from").map(s -> KeySource.read("--secondary-key-from", s, env)).orElse(null);

        Topics topics = new Topics(args.value("endpoints-topic").orElse(Topics.DEFAULT_ENDPOINTS),
                args.value("status-topic").orElse(Topics.DEFAULT_STATUS),
                args.value("egress-topic-prefix").orElse(Topics.DEFAULT_EGRESS_PREFIX));
        Properties kafkaProps = kafkaProps(args);
        ConnectClient connect = connectClient(args, timeout);
        try (Context ctx = new Context(() -> new EndpointTopics(kafkaProps, topics, timeout), connect, console, timeout,
                !args.has("no-wait"), mode, extras, env)) {
            EndpointCommands commands = new EndpointCommands(ctx);
            switch (verb) {
                case "create" -> commands.register(true, id, Path.of(args.value("file").orElseThrow()), primary, secondary);
                case "update" -> commands.register(false, id, args.value("file").map(Path::of).orElse(null), primary, secondary);
                case "delete" -> commands.delete(id);
                case "list" -> commands.list();
                case "status" -> commands.status(id);
                default -> throw new UsageException("unknown command " + verb);
            }
        }
        return OK;
    }

    private Properties kafkaProps(ParsedArgs args) {
        Properties p = new Properties();
        args.value("command-config").ifPresent(file -> {
            try {
                p.load(new StringReader(Files.readString(Path.of(file))));
            } catch (IOException e) {
                throw new UsageException("cannot read --command-config " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        });
        String bootstrap = args.value("bootstrap-server").orElse(env.getOrDefault(ENV_BOOTSTRAP, p.getProperty("bootstrap.servers", "localhost:9092")));
        p.setProperty("bootstrap.servers", bootstrap);
        p.putIfAbsent("client.id", "twin-egress-cli");
        return p;
    }

    private ConnectClient connectClient(ParsedArgs args, Duration timeout) {
        String url = args.value("connect-url").orElse(env.getOrDefault(ENV_CONNECT_URL, "http://localhost:8083"));
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--connect-url is not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new UsageException("--connect-url must be http:// or https://");
        }
        Optional<String> user = args.value("connect-user").or(() -> Optional.ofNullable(env.get(ENV_CONNECT_USER)));
        Optional<Secret> password = Optional.empty();
        if (args.has("connect-password-file")) {
            Path file = Path.of(args.value("connect-password-file").orElseThrow());
            try {
                password = Optional.of(Secret.of(Files.readString(file).strip()));
            } catch (IOException e) {
                throw new UsageException("cannot read --connect-password-file " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        } else if (env.get(ENV_CONNECT_PASSWORD) != null) {
            password = Optional.of(Secret.of(env.get(ENV_CONNECT_PASSWORD)));
        }
        if (password.isPresent() && user.isEmpty()) {
            throw new UsageException("a Connect password is set but no user: add --connect-user");
        }
        return new ConnectClient(uri, user, password, Duration.ofSeconds(Math.min(30, Math.max(1, timeout.toSeconds()))));
    }

    private static long parseSeconds(String s) {
        try {
            long v = Long.parseLong(s);
            if (v < 1) {
                throw new UsageException("--timeout must be at least 1 (seconds)");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException("--timeout takes whole seconds, e.g. --timeout 60");
        }
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("""
                twin-egress endpoints create <id> --file body.json [options]
                twin-egress endpoints update <id> --file body.json [options]
                twin-egress endpoints update <id> --primary-key-from <file|env:NAME> [--secondary-key-from <file|env:NAME>]
                twin-egress endpoints delete <id>
                twin-egress endpoints list
                twin-egress endpoints status <id>

                options:
                """);
        for (Option o : OPTIONS) {
            sb.append(String.format("  --%-22s %s%n", o.name() + (o.takesValue() ? " <v>" : ""), o.help()));
        }
        sb.append("""

                exit codes: 0 done, 1 invalid input (nothing changed) or rejected, 2 usage error,
                            3 Kafka or Connect unreachable, or the endpoint still pending at the deadline
                docs: docs/cli.md""");
        return sb.toString();
    }
}
