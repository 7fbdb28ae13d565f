package io.twinegress.connect.servicebus;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import io.twinegress.connect.clients.ClientKey;
import io.twinegress.connect.clients.ClientSharing;
import io.twinegress.connect.clients.LeasedClient;
import io.twinegress.connect.clients.SharedClients;
import io.twinegress.connect.core.AmqpEndpoint;
import java.util.function.Supplier;
import org.apache.kafka.common.config.types.Password;

/**
 * The Service Bus sender clients of one worker: every task sending with the same connection string
 * (namespace and key) and client settings gets its sender from one {@link ServiceBusClientBuilder},
 * and the SDK then runs all of them over that builder's one AMQP connection (one socket, one I/O
 * thread), each on its own link to its own topic. The SDK closes the connection with its last
 * client; the builder is forgotten with its last lease.
 */
final class ServiceBusClients {

    private static final SharedClients<ServiceBusClientBuilder> NAMESPACES = new SharedClients<>(builder -> {
        // nothing to close: the SDK ends a builder's connection when its last client closes
    });

    private ServiceBusClients() {
    }

    /**
     * A sender for {@code config}'s topic with {@code connectionString}, on the connection of the
     * builder {@code newBuilder} makes (which must use exactly that connection string and
     * {@link AmqpEndpoint#retryOptions}: they are what the sharing is keyed on).
     */
    static LeasedClient<ServiceBusSenderAsyncClient> sender(ServiceBusSinkConfig config, Password connectionString,
                                                            Supplier<ServiceBusClientBuilder> newBuilder) {
        if (!ClientSharing.enabled()) {
            return LeasedClient.own(newBuilder.get().sender().topicName(config.topicName()).buildAsyncClient());
        }
        AmqpRetryOptions retry = AmqpEndpoint.retryOptions(config);
        ClientKey key = ClientKey.of("servicebus", connectionString.value(), config.originals(), retry.getMode(),
            retry.getMaxRetries(), retry.getDelay(), retry.getMaxDelay(), retry.getTryTimeout());
        SharedClients<ServiceBusClientBuilder>.Lease lease = NAMESPACES.acquire(key, newBuilder);
        try {
            return LeasedClient.shared(lease.get().sender().topicName(config.topicName()).buildAsyncClient(), lease);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** The registry, for tests. */
    static SharedClients<ServiceBusClientBuilder> namespaces() {
        return NAMESPACES;
    }
}
