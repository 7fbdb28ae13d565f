package io.twinegress.cli.commands;

import io.twinegress.cli.args.ConnectionOptions;
import io.twinegress.cli.kafka.EndpointTopics;
import io.twinegress.cli.kafka.TopicNames;
import io.twinegress.cli.output.Console;
import io.twinegress.connectrest.ConnectRest;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * What a command runs with: its clients (Kafka opened lazily, so a usage error never touches a
 * broker), the wait deadline, the console and the process environment.
 */
final class Context implements AutoCloseable {

    private final Supplier<EndpointTopics> kafkaFactory;
    private final ConnectRest connect;
    private final Console console;
    private final Duration timeout;
    private final boolean wait;
    private final Map<String, String> env;
    private final Properties kafkaProperties;
    private EndpointTopics kafka;

    Context(Supplier<EndpointTopics> kafka, ConnectRest connect, Console console, Duration timeout, boolean wait,
            Map<String, String> env) {
        this(kafka, connect, console, timeout, wait, env, new Properties());
    }

    Context(Supplier<EndpointTopics> kafka, ConnectRest connect, Console console, Duration timeout, boolean wait,
            Map<String, String> env, Properties kafkaProperties) {
        this.kafkaProperties = kafkaProperties;
        this.kafkaFactory = kafka;
        this.connect = connect;
        this.console = console;
        this.timeout = timeout;
        this.wait = wait;
        this.env = Map.copyOf(env);
    }

    /** The clients the connection options describe; a bad option is a usage error here, before any call. */
    static Context open(Session session, ConnectionOptions connection, boolean wait) {
        TopicNames topics = connection.topics();
        Duration timeout = connection.timeout();
        Properties kafkaProps = connection.kafkaProperties(session.env());
        ConnectRest connect = connection.connect(session.env());
        return new Context(() -> new EndpointTopics(kafkaProps, topics, timeout), connect, session.console(), timeout, wait,
                session.env(), kafkaProps);
    }

    EndpointTopics kafka() {
        if (kafka == null) {
            kafka = kafkaFactory.get();
        }
        return kafka;
    }

    /** The Kafka client settings (bootstrap servers, --command-config), for commands with clients of their own. */
    Properties kafkaProperties() {
        Properties copy = new Properties();
        copy.putAll(kafkaProperties);
        return copy;
    }

    ConnectRest connect() {
        return connect;
    }

    Console console() {
        return console;
    }

    Duration timeout() {
        return timeout;
    }

    boolean waitForState() {
        return wait;
    }

    Map<String, String> env() {
        return env;
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
    }
}
