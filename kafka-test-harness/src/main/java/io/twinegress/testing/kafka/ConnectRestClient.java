package io.twinegress.testing.kafka;

import static org.awaitility.Awaitility.await;

import io.twinegress.connectrest.ConnectRest;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The project's Connect REST client ({@link ConnectRest}: every call, the rebalance retry rule,
 * the errors) plus what a test waits for: a connector and its tasks RUNNING.
 *
 * <pre>{@code
 * ConnectRestClient rest = CONNECT.rest();            // or new ConnectRestClient(URI.create("http://127.0.0.1:8083/"))
 * rest.putConnector("eh-1", Map.of("connector.class", "EventHubsSinkConnector", "topics", "twin.egress.eh-1"));
 * rest.awaitRunning("eh-1", Duration.ofSeconds(30));
 * ConnectRestClient.Validation v = rest.validate("EventHubsSinkConnector", config);
 * assertEquals(List.of("..."), v.errors().get("connection.string"));
 * }</pre>
 */
public final class ConnectRestClient extends ConnectRest {

    /** A client for the worker at {@code baseUrl}, for example {@code http://127.0.0.1:8083/}. */
    public ConnectRestClient(URI baseUrl) {
        super(ConnectRest.builder(baseUrl));
    }

    /**
     * Waits until the connector and all its tasks (at least one) are RUNNING, and returns that
     * status. Fails at once, with the stack trace Connect reports, when any of them FAILED.
     */
    public ConnectorStatus awaitRunning(String name, Duration deadline) {
        AtomicReference<Optional<ConnectorStatus>> last = new AtomicReference<>(Optional.empty());
        try {
            return await("connector " + name + " and its tasks RUNNING").atMost(deadline).until(() -> {
                Optional<ConnectorStatus> status = connectorStatus(name);
                last.set(status);
                status.filter(ConnectorStatus::hasFailed).ifPresent(s -> {
                    throw new AssertionError("Connector " + name + " failed: " + s);
                });
                return status;
            }, s -> s.filter(ConnectorStatus::isRunning).isPresent()).orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Timed out after " + deadline + " waiting for connector " + name
                    + " and its tasks to be RUNNING; last status: "
                    + last.get().map(Object::toString).orElse("unknown connector"), e);
        }
    }
}
