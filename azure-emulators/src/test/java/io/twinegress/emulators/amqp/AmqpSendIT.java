package io.twinegress.emulators.amqp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.util.BinaryData;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.EventHubProperties;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real Service Bus and Event Hubs clients send to the stand-in; what arrives matches, field by field. */
@Timeout(120)
class AmqpSendIT {

    static final String KEY_NAME = "RootManageSharedAccessKey";
    static final String PRIMARY = "cHJpbWFyeS1rZXktZm9yLXRlc3Rz";
    static final Duration WAIT = Duration.ofSeconds(20);

    static AmqpEmulator amqp;

    @BeforeAll
    static void start() {
        amqp = AmqpEmulator.builder()
                .serviceBusTopic("orders")
                .serviceBusTopicWithDuplicateDetection("dedup", Duration.ofMinutes(10))
                .eventHub("telemetry", 4)
                .key(KEY_NAME, PRIMARY)
                .start();
    }

    @AfterAll
    static void stop() {
        amqp.close();
    }

    @org.junit.jupiter.api.BeforeEach
    void fresh() {
        amqp.clear();
    }

    @AfterEach
    void healthy() {
        amqp.assertNoHandlerErrors();
    }

    static AmqpRetryOptions shortRetries() {
        return SdkClients.retries(1, Duration.ofSeconds(10));
    }

    @Test
    void serviceBusSingleAndBatchSendsArriveFieldByField() {
        ServiceBusSenderClient sender = SdkClients.serviceBusSender(amqp, KEY_NAME, PRIMARY, "orders", shortRetries());
        try {
            ServiceBusMessage single = new ServiceBusMessage(BinaryData.fromString("{\"id\":\"e-1\"}"));
            single.setMessageId("e-1");
            single.setContentType("application/json");
            single.setSubject("SensorChange");
            single.getApplicationProperties().put("endpointId", "ep-1");
            single.getApplicationProperties().put("offset", 42L);
            long t0 = System.nanoTime();
            sender.sendMessage(single);
            System.out.printf("first Service Bus send (cold): %d ms%n", (System.nanoTime() - t0) / 1_000_000);

            ServiceBusMessageBatch batch = sender.createMessageBatch();
            for (int i = 0; i < 5; i++) {
                ServiceBusMessage m = new ServiceBusMessage(("batch-" + i).getBytes(StandardCharsets.UTF_8));
                m.setMessageId("b-" + i);
                assertTrue(batch.tryAddMessage(m));
            }
            sender.sendMessages(batch);

            List<ReceivedMessage> got = amqp.awaitCount("orders", 6, WAIT);
            ReceivedMessage first = got.get(0);
            assertEquals("orders", first.entity());
            assertEquals("e-1", first.messageId());
            assertEquals("application/json", first.contentType());
            assertEquals("SensorChange", first.subject());
            assertEquals("ep-1", first.applicationProperties().get("endpointId"));
            assertEquals(42L, first.applicationProperties().get("offset"));
            assertEquals("{\"id\":\"e-1\"}", first.bodyAsString());
            assertNull(first.partitionId());
            assertEquals(1, first.transferSize());
            for (int i = 0; i < 5; i++) {
                ReceivedMessage m = got.get(1 + i);
                assertEquals("b-" + i, m.messageId());
                assertArrayEquals(("batch-" + i).getBytes(StandardCharsets.UTF_8), m.body());
                assertEquals(5, m.transferSize());
                assertEquals(got.get(1).transferId(), m.transferId());
            }
        } finally {
            sender.close();
        }
    }

    @Test
    void messagesNearTheLimitArriveWholeAndLargerOnesAreRefusedByTheSdk() {
        try (ServiceBusSenderClient sender = SdkClients.serviceBusSender(amqp, KEY_NAME, PRIMARY, "orders",
                shortRetries());
             EventHubProducerClient producer = SdkClients.eventHubProducer(amqp, KEY_NAME, PRIMARY, "telemetry",
                shortRetries())) {
            byte[] sb = new byte[250 * 1024];
            java.util.Arrays.fill(sb, (byte) 'a');
            sender.sendMessage(new ServiceBusMessage(sb).setMessageId("big-sb"));
            byte[] tooBig = new byte[300 * 1024];
            com.azure.messaging.servicebus.ServiceBusException e = org.junit.jupiter.api.Assertions.assertThrows(
                    com.azure.messaging.servicebus.ServiceBusException.class,
                    () -> sender.sendMessage(new ServiceBusMessage(tooBig).setMessageId("too-big")));
            assertEquals(com.azure.messaging.servicebus.ServiceBusFailureReason.MESSAGE_SIZE_EXCEEDED, e.getReason());

            byte[] eh = new byte[1_000_000];
            java.util.Arrays.fill(eh, (byte) 'b');
            EventDataBatch batch = producer.createBatch(new CreateBatchOptions().setPartitionId("3"));
            assertTrue(batch.tryAdd(new EventData(eh)));
            producer.send(batch);

            ReceivedMessage bigSb = amqp.received("orders").stream().filter(m -> "big-sb".equals(m.messageId()))
                    .findFirst().orElseThrow();
            assertArrayEquals(sb, bigSb.body());
            ReceivedMessage bigEh = amqp.awaitCount("telemetry", 1, WAIT).stream()
                    .filter(m -> m.body().length == eh.length).findFirst().orElseThrow();
            assertArrayEquals(eh, bigEh.body());
            assertEquals("3", bigEh.partitionId(), "a partition sender's link names the partition");
            assertTrue(amqp.received("orders").stream().noneMatch(m -> "too-big".equals(m.messageId())));
        }
    }

    @Test
    void duplicateDetectionDropsARedeliveredMessageId() {
        try (ServiceBusSenderClient sender = SdkClients.serviceBusSender(amqp, KEY_NAME, PRIMARY, "dedup",
                shortRetries())) {
            long before = amqp.duplicatesDropped();
            sender.sendMessage(new ServiceBusMessage("1").setMessageId("event-1"));
            sender.sendMessage(new ServiceBusMessage("1 again").setMessageId("event-1"));
            sender.sendMessage(new ServiceBusMessage("2").setMessageId("event-2"));
            List<ReceivedMessage> got = amqp.awaitCount("dedup", 2, WAIT);
            assertEquals(List.of("event-1", "event-2"), got.stream().map(ReceivedMessage::messageId).toList());
            assertEquals("1", got.get(0).bodyAsString());
            assertEquals(before + 1, amqp.duplicatesDropped());
        }
    }

    @Test
    void eventHubsBatchWithPartitionKeyAndPartitionIds() {
        EventHubProducerClient producer = new EventHubClientBuilder()
                .connectionString(amqp.connectionString(KEY_NAME, PRIMARY), "telemetry")
                .retryOptions(shortRetries())
                .buildProducerClient();
        try {
            List<String> ids = new ArrayList<>();
            producer.getPartitionIds().forEach(ids::add);
            assertEquals(List.of("0", "1", "2", "3"), ids);
            EventHubProperties props = producer.getEventHubProperties();
            assertEquals("telemetry", props.getName());
            assertTrue(props.getCreatedAt().isBefore(java.time.Instant.now().plusSeconds(1)));
            com.azure.messaging.eventhubs.PartitionProperties p0 = producer.getPartitionProperties("0");
            assertEquals("0", p0.getId());
            assertEquals("telemetry", p0.getEventHubName());

            EventDataBatch batch = producer.createBatch(new CreateBatchOptions().setPartitionKey("device-7"));
            assertEquals(1024 * 1024, batch.getMaxSizeInBytes());
            for (int i = 0; i < 3; i++) {
                EventData e = new EventData(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                e.getProperties().put("eventType", "DeviceMessage");
                e.setContentType("application/json");
                assertTrue(batch.tryAdd(e));
            }
            producer.send(batch);

            List<ReceivedMessage> got = amqp.awaitCount("telemetry", 3, WAIT);
            for (int i = 0; i < 3; i++) {
                ReceivedMessage m = got.get(i);
                assertEquals("device-7", m.partitionKey());
                assertEquals("{\"n\":" + i + "}", m.bodyAsString());
                assertEquals("DeviceMessage", m.applicationProperties().get("eventType"));
                assertEquals("application/json", m.contentType());
                assertEquals(got.get(0).partitionId(), m.partitionId());
            }
            // Nagle off on accepted sockets, or several sends in flight on one link stall ~40 ms each
            // on the client's delayed ACK (seen as Event Hubs batches four times slower than serial).
            assertTrue(amqp.openConnections() >= 1);
            assertEquals(0, amqp.connectionsWithNagle());
        } finally {
            producer.close();
        }
    }
}
