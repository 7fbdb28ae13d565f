package io.twinegress.localstack.endpoints;

import io.twinegress.connectrest.ConnectRest;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.StartupWait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Registers endpoints the way an operator does: the routing part as a record on
 * {@code twin.endpoints}, the delivery part as a connector through the Connect REST API. The
 * connection strings go to a private file that the worker's FileConfigProvider reads.
 */
public final class EndpointRegistrar {

    private EndpointRegistrar() {
    }

    /** Writes the secrets file (owner-only), one {@code <id>.primary} / {@code <id>.secondary} pair per endpoint. */
    public static Path writeSecrets(Path dataDir, List<SampleEndpoint> endpoints) throws IOException {
        Path dir = dataDir.resolve("secrets");
        Files.createDirectories(dir);
        Path file = dir.resolve("endpoints.properties");
        StringBuilder sb = new StringBuilder("# connection strings of the local endpoints; read by Connect's FileConfigProvider\n");
        for (SampleEndpoint e : endpoints) {
            sb.append(e.primaryProperty()).append('=').append(e.connectionString(e.primaryKey())).append('\n');
            sb.append(e.secondaryProperty()).append('=').append(e.connectionString(e.secondaryKey())).append('\n');
        }
        Files.writeString(file, sb.toString());
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data directory is private to the user anyway
        }
        return file;
    }

    /** Produces each endpoint's routing record to {@code twin.endpoints} (key = endpoint id). */
    public static void publishRouting(String bootstrap, List<SampleEndpoint> endpoints) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.CLIENT_ID_CONFIG, "twin-egress-local-endpoints"),
                new StringSerializer(), new StringSerializer())) {
            for (SampleEndpoint e : endpoints) {
                p.send(new ProducerRecord<>(Topics.ENDPOINTS, e.id(), e.routingRecord())).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Creates (or updates) each endpoint's connector, with {@code config}, by {@code PUT /connectors/<id>/config}. */
    public static void putConnectors(ConnectRest rest, List<SampleEndpoint> endpoints,
            Function<SampleEndpoint, Map<String, String>> config) {
        for (SampleEndpoint e : endpoints) {
            rest.putConnector(e.id(), config.apply(e));
        }
    }

    /** Waits until the router says Active and the connector and its task run, for every endpoint. */
    public static void awaitLive(StatusWatcher statuses, ConnectRest rest, List<SampleEndpoint> endpoints,
            ChildProcess router, ChildProcess connect, Duration deadline) {
        for (SampleEndpoint e : endpoints) {
            StartupWait.until("endpoint " + e.id(), "Active status from the router", deadline, router, () -> {
                StatusWatcher.Status s = statuses.status(e.id());
                if (s != null && s.state().equals("Rejected")) {
                    throw new StartupWait.GiveUp("the router rejected it: " + s.reason());
                }
                return s != null && s.state().equals("Active");
            });
            StartupWait.until("endpoint " + e.id(), "connector " + e.id() + " RUNNING", deadline, connect, () -> {
                Optional<ConnectRest.ConnectorStatus> s = rest.connectorStatus(e.id());
                if (s.isPresent() && s.get().hasFailed() && s.get().problem().isPresent()) {
                    throw new StartupWait.GiveUp("its task failed: " + s.get().problem().get());
                }
                return s.isPresent() && s.get().isRunning();
            });
        }
    }
}
