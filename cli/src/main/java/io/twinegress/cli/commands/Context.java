package io.twinegress.cli.commands;

import io.twinegress.cli.connect.ConnectClient;
import io.twinegress.cli.connect.SecretsMode;
import io.twinegress.cli.kafka.EndpointTopics;
import io.twinegress.cli.output.Console;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a command runs with: its clients (Kafka opened lazily, so a usage error never touches a
 * broker), the wait deadline, the console and the process environment.
 */
public final class Context implements AutoCloseable {

    private final Supplier<EndpointTopics> kafkaFactory;
    private final ConnectClient connect;
    private final Console console;
    private final Duration timeout;
    private final boolean wait;
    private final Optional<SecretsMode> secretsMode;
    private final Map<String, String> connectorExtras;
    private final Map<String, String> env;
    private EndpointTopics kafka;

    public Context(Supplier<EndpointTopics> kafka, ConnectClient connect, Console console, Duration timeout, boolean wait,
                   Optional<SecretsMode> secretsMode, Map<String, String> connectorExtras, Map<String, String> env) {
        this.kafkaFactory = kafka;
        this.connect = connect;
        this.console = console;
        this.timeout = timeout;
        this.wait = wait;
        this.secretsMode = secretsMode;
        this.connectorExtras = Map.copyOf(connectorExtras);
        this.env = Map.copyOf(env);
    }

    public EndpointTopics kafka() {
        if (kafka == null) {
            kafka = kafkaFactory.get();
        }
        return kafka;
    }

    public ConnectClient connect() {
        return connect;
    }

    public Console console() {
        return console;
    }

    public Duration timeout() {
        return timeout;
    }

    public boolean waitForState() {
        return wait;
    }

    /** {@code --secrets-as}, when given. */
    public Optional<SecretsMode> secretsMode() {
        return secretsMode;
    }

    public Map<String, String> connectorExtras() {
        return connectorExtras;
    }

    public Map<String, String> env() {
        return env;
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
    }
}
