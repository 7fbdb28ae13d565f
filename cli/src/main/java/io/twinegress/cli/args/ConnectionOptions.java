package io.twinegress.cli.args;

import io.twinegress.cli.kafka.TopicNames;
import io.twinegress.cli.output.Secret;
import io.twinegress.connectrest.ConnectRest;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How to reach Kafka and Connect, the topic names and the deadline: every endpoints command takes
 * these. A password never comes from the command line (it shows in {@code ps} and shell history):
 * {@code --connect-password} is refused with where to put it instead.
 */
public final class ConnectionOptions {

    public static final String ENV_BOOTSTRAP = "TWIN_EGRESS_BOOTSTRAP_SERVER";
    public static final String ENV_CONNECT_URL = "TWIN_EGRESS_CONNECT_URL";
    public static final String ENV_CONNECT_USER = "TWIN_EGRESS_CONNECT_USER";
    public static final String ENV_CONNECT_PASSWORD = "TWIN_EGRESS_CONNECT_PASSWORD";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(order = 101, names = "--bootstrap-server", paramLabel = "<host:port>",
            description = "Kafka bootstrap servers (default $" + ENV_BOOTSTRAP + " or localhost:9092)")
    String bootstrapServer;

    @Option(order = 102, names = "--command-config", paramLabel = "<file>",
            description = "a properties file of Kafka client settings (security, ...)")
    Path commandConfig;

    @Option(order = 103, names = "--connect-url", paramLabel = "<url>",
            description = "Kafka Connect REST URL (default $" + ENV_CONNECT_URL + " or http://localhost:8083)")
    String connectUrl;

    @Option(order = 104, names = "--connect-user", paramLabel = "<user>",
            description = "Connect basic-auth user (default $" + ENV_CONNECT_USER + "); the password comes from $"
                    + ENV_CONNECT_PASSWORD + " or --connect-password-file")
    String connectUser;

    @Option(order = 105, names = "--connect-password-file", paramLabel = "<file>",
            description = "a file holding the Connect basic-auth password")
    Path connectPasswordFile;

    @Option(order = 106, names = "--endpoints-topic", paramLabel = "<topic>", description = "default ${DEFAULT-VALUE}")
    String endpointsTopic = TopicNames.DEFAULT_ENDPOINTS;

    @Option(order = 107, names = "--status-topic", paramLabel = "<topic>", description = "default ${DEFAULT-VALUE}")
    String statusTopic = TopicNames.DEFAULT_STATUS;

    @Option(order = 108, names = "--egress-topic-prefix", paramLabel = "<prefix>", description = "default ${DEFAULT-VALUE}")
    String egressTopicPrefix = TopicNames.DEFAULT_EGRESS_PREFIX;

    private Duration timeout = Duration.ofSeconds(60);

    @Option(order = 109, names = "--timeout", paramLabel = "<seconds>",
            description = "seconds to wait for the router and the connector, and for each call (default 60)")
    void timeout(String seconds) {
        if (seconds == null) {
            return;
        }
        long v;
        try {
            v = Long.parseLong(seconds);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--timeout takes whole seconds, e.g. --timeout 60");
        }
        if (v < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 (seconds)");
        }
        timeout = Duration.ofSeconds(v);
    }

    @Option(order = 110, names = "--connect-password", hidden = true, arity = "0..1", paramLabel = "<refused>")
    void connectPassword(String value) {
        // Never echo the value: it is the secret the user just tried to pass.
        if (value != null) {
            throw new ParameterException(spec.commandLine(), "--connect-password is not accepted: a password on the command "
                    + "line shows in ps and shell history; use $" + ENV_CONNECT_PASSWORD + " or --connect-password-file");
        }
    }

    public Duration timeout() {
        return timeout;
    }

    public TopicNames topics() {
        return new TopicNames(endpointsTopic, statusTopic, egressTopicPrefix);
    }

    /** The Kafka client settings: {@code --command-config}, then the bootstrap servers. */
    public Properties kafkaProperties(Map<String, String> env) {
        Properties p = new Properties();
        if (commandConfig != null) {
            try {
                p.load(new StringReader(Files.readString(commandConfig)));
            } catch (IOException e) {
                throw new UsageException("cannot read --command-config " + commandConfig + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        String bootstrap = bootstrapServer != null ? bootstrapServer
                : env.getOrDefault(ENV_BOOTSTRAP, p.getProperty("bootstrap.servers", "localhost:9092"));
        p.setProperty("bootstrap.servers", bootstrap);
        p.putIfAbsent("client.id", "twin-egress-cli");
        return p;
    }

    /** The Connect REST client: URL, basic auth (password from a file or the environment), each call bounded by the timeout. */
    public ConnectRest connect(Map<String, String> env) {
        String url = connectUrl != null ? connectUrl : env.getOrDefault(ENV_CONNECT_URL, "http://localhost:8083");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--connect-url is not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new UsageException("--connect-url must be http:// or https://");
        }
        Optional<String> user = Optional.ofNullable(connectUser).or(() -> Optional.ofNullable(env.get(ENV_CONNECT_USER)));
        // A Secret: masked in everything the CLI prints from now on.
        Optional<Secret> password = Optional.empty();
        if (connectPasswordFile != null) {
            try {
                password = Optional.of(Secret.of(Files.readString(connectPasswordFile).strip()));
            } catch (IOException e) {
                throw new UsageException("cannot read --connect-password-file " + connectPasswordFile + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        } else if (env.get(ENV_CONNECT_PASSWORD) != null) {
            password = Optional.of(Secret.of(env.get(ENV_CONNECT_PASSWORD)));
        }
        if (password.isPresent() && user.isEmpty()) {
            throw new UsageException("a Connect password is set but no user: add --connect-user");
        }
        Duration perCall = Duration.ofSeconds(Math.min(30, Math.max(1, timeout.toSeconds())));
        ConnectRest.Builder b = ConnectRest.builder(uri).connectTimeout(perCall).requestTimeout(perCall).rebalanceDeadline(perCall);
        Optional<Secret> pw = password;
        user.ifPresent(u -> b.basicAuth(u, pw.map(Secret::reveal).orElse("")));
        return b.build();
    }
}
