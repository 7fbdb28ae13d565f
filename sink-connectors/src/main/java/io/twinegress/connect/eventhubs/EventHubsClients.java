package io.twinegress.connect.eventhubs;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerAsyncClient;
import io.twinegress.connect.clients.ClientKey;
import io.twinegress.connect.clients.ClientSharing;
import io.twinegress.connect.clients.LeasedClient;
import io.twinegress.connect.clients.SharedClients;
import io.twinegress.connect.core.AmqpEndpoint;
import java.util.function.Supplier;
import org.apache.kafka.common.config.types.Password;

/**
 * The Event Hubs producer clients of one worker: every task sending to the same event hub with the
 * same connection string (namespace and key) and client settings gets its producer from one
 * {@link EventHubClientBuilder} with {@code shareConnection()}, so all of them run over one AMQP
 * connection. The SDK's builder names one event hub, so producers for different hubs keep
 * different connections; what is shared is the connection of the tasks of one connector
 * ({@code tasks.max} above 1) and of connectors sending to the same hub. The SDK closes the
 * connection with its last client; the builder is forgotten with its last lease.
 */
final class EventHubsClients {

    private static final SharedClients<EventHubClientBuilder> HUBS = new SharedClients<>(builder -> {
        // nothing to close: the SDK ends a shared builder's connection when its last client closes
    });

    private EventHubsClients() {
    }

    /**
     * A producer on the connection of the builder {@code newBuilder} makes (which must be configured
     * from exactly {@code connectionString}, {@code config}'s event hub and
     * {@link AmqpEndpoint#retryOptions}: they are what the sharing is keyed on).
     */
    static LeasedClient<EventHubProducerAsyncClient> producer(EventHubsSinkConfig config, Password connectionString,
                                                              Supplier<EventHubClientBuilder> newBuilder) {
        if (!ClientSharing.enabled()) {
            return LeasedClient.own(newBuilder.get().buildAsyncProducerClient());
        }
        AmqpRetryOptions retry = AmqpEndpoint.retryOptions(config);
        ClientKey key = ClientKey.of("eventhubs", connectionString.value(), config.originals(), config.eventHubName(),
            retry.getMode(), retry.getMaxRetries(), retry.getDelay(), retry.getMaxDelay(), retry.getTryTimeout());
        SharedClients<EventHubClientBuilder>.Lease lease = HUBS.acquire(key, () -> newBuilder.get().shareConnection());
        try {
            return LeasedClient.shared(lease.get().buildAsyncProducerClient(), lease);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** The registry, for tests. */
    static SharedClients<EventHubClientBuilder> hubs() {
        return HUBS;
    }
}
