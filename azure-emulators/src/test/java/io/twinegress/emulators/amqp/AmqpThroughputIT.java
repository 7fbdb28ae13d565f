package io.twinegress.emulators.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 small messages through each SDK in full batches: everything arrives, once, in order.
 * Prints the time taken for the record; asserts no timing (this box is shared).
 */
@Timeout(120)
class AmqpThroughputIT {

    static final int N = 10_000;
    static final String BODY = "{\"id\":\"%05d\",\"eventType\":\"SensorChange\",\"subject\":\"sensors/s-1\","
            + "\"data\":{\"value\":21.5,\"unit\":\"C\"},\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\"}";

    @Test
    void tenThousandMessagesInBatches() {
        try (AmqpEmulator amqp = AmqpEmulator.builder().serviceBusTopic("orders").eventHub("telemetry", 4)
                .key("k", "v").start()) {
            AmqpRetryOptions retry = new AmqpRetryOptions().setMaxRetries(1).setTryTimeout(Duration.ofSeconds(20));
            try (ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                    .connectionString(amqp.connectionString("k", "v")).retryOptions(retry)
                    .sender().topicName("orders").buildClient()) {
                sender.sendMessage(new ServiceBusMessage("warm-up").setMessageId("warm"));
                for (int round = 0; round < 2; round++) {
                    amqp.clear();
                    long t0 = System.nanoTime();
                    int batches = 0;
                    long inSend = 0;
                    ServiceBusMessageBatch batch = sender.createMessageBatch();
                    for (int i = 0; i < N; i++) {
                        ServiceBusMessage m = new ServiceBusMessage(String.format(BODY, i)).setMessageId("m-" + i);
                        if (!batch.tryAddMessage(m)) {
                            long s0 = System.nanoTime();
                            sender.sendMessages(batch);
                            inSend += System.nanoTime() - s0;
                            batches++;
                            batch = sender.createMessageBatch();
                            batch.tryAddMessage(m);
                        }
                    }
                    sender.sendMessages(batch);
                    batches++;
                    List<ReceivedMessage> got = amqp.awaitCount("orders", N, Duration.ofSeconds(30));
                    System.out.printf("Service Bus: %d messages in %d batches in %d ms (%d ms in send)%n", N, batches,
                            (System.nanoTime() - t0) / 1_000_000, inSend / 1_000_000);
                    assertEquals(N, got.size());
                    for (int i = 0; i < N; i++) {
                        assertEquals("m-" + i, got.get(i).messageId());
                    }
                }
            }
            try (EventHubProducerClient producer = new EventHubClientBuilder()
                    .connectionString(amqp.connectionString("k", "v", "telemetry")).retryOptions(retry)
                    .buildProducerClient()) {
                producer.getPartitionIds().forEach(p -> { });
                for (int round = 0; round < 2; round++) {
                    amqp.clear();
                    long t0 = System.nanoTime();
                    int batches = 0;
                    CreateBatchOptions options = new CreateBatchOptions().setPartitionKey("device-1");
                    EventDataBatch batch = producer.createBatch(options);
                    for (int i = 0; i < N; i++) {
                        EventData e = new EventData(String.format(BODY, i));
                        if (!batch.tryAdd(e)) {
                            producer.send(batch);
                            batches++;
                            batch = producer.createBatch(options);
                            batch.tryAdd(e);
                        }
                    }
                    producer.send(batch);
                    batches++;
                    List<ReceivedMessage> got = amqp.awaitCount("telemetry", N, Duration.ofSeconds(30));
                    System.out.printf("Event Hubs: %d events in %d batches in %d ms%n", N, batches,
                            (System.nanoTime() - t0) / 1_000_000);
                    Set<String> partitions = new HashSet<>();
                    got.forEach(m -> partitions.add(m.partitionId()));
                    assertEquals(1, partitions.size(), "one partition key, one partition");
                    assertEquals(String.format(BODY, N - 1), got.get(N - 1).bodyAsString());
                }
            }
            amqp.assertNoHandlerErrors();
        }
    }
}
