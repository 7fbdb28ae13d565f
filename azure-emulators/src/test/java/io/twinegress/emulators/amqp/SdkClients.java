package io.twinegress.emulators.amqp;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.time.Duration;

/** The real SDK clients the AMQP ITs send with, pointed at a stand-in by connection string. */
final class SdkClients {

    private SdkClients() {
    }

    /** At most {@code maxRetries} retries, 100 ms apart growing to 500 ms, each try given {@code tryTimeout}. */
    static AmqpRetryOptions retries(int maxRetries, Duration tryTimeout) {
        return new AmqpRetryOptions().setMaxRetries(maxRetries).setDelay(Duration.ofMillis(100))
                .setMaxDelay(Duration.ofMillis(500)).setTryTimeout(tryTimeout);
    }

    /** A sender to Service Bus topic {@code topic}, signing with {@code keyName}/{@code key}. */
    static ServiceBusSenderClient serviceBusSender(AmqpEmulator amqp, String keyName, String key, String topic,
                                                   AmqpRetryOptions retries) {
        return new ServiceBusClientBuilder()
                .connectionString(amqp.connectionString(keyName, key))
                .retryOptions(retries)
                .sender().topicName(topic).buildClient();
    }

    /** A producer to event hub {@code hub} (named as the connection string's {@code EntityPath}). */
    static EventHubProducerClient eventHubProducer(AmqpEmulator amqp, String keyName, String key, String hub,
                                                   AmqpRetryOptions retries) {
        return new EventHubClientBuilder()
                .connectionString(amqp.connectionString(keyName, key, hub))
                .retryOptions(retries)
                .buildProducerClient();
    }
}
