package io.twinegress.emulators.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Service Bus message model through the real client: queues, sessions, time to live, scheduled
 * enqueue time, correlation id, reply-to, partition keys, the header limits, CloudEvents attributes as
 * application properties; each refusal as the service gives it.
 */
@Timeout(120)
class ServiceBusModelIT {

    static final String KEY_NAME = "RootManageSharedAccessKey";
    static final String KEY = "bW9kZWwta2V5";
    static final Duration WAIT = Duration.ofSeconds(20);

    static AmqpEmulator amqp;

    @BeforeAll
    static void start() {
        amqp = AmqpEmulator.builder().key(KEY_NAME, KEY)
                .serviceBusQueue("jobs")
                .entity(AmqpEntity.serviceBusQueue("sessions").withSessions())
                .entity(AmqpEntity.serviceBusTopic("session-topic").withSessions())
                .entity(AmqpEntity.serviceBusTopic("partitioned").withPartitioning())
                .start();
    }

    @AfterAll
    static void stop() {
        amqp.close();
    }

    @BeforeEach
    void fresh() {
        amqp.clear();
    }

    @AfterEach
    void healthy() {
        amqp.assertNoHandlerErrors();
    }

    static ServiceBusSenderClient queueSender(String queue) {
        return new ServiceBusClientBuilder().connectionString(amqp.connectionString(KEY_NAME, KEY))
                .retryOptions(SdkClients.retries(0, Duration.ofSeconds(10))).sender().queueName(queue).buildClient();
    }

    static ServiceBusSenderClient topicSender(String topic) {
        return SdkClients.serviceBusSender(amqp, KEY_NAME, KEY, topic, SdkClients.retries(0, Duration.ofSeconds(10)));
    }

    @Test
    void aQueueRecordsTheWholeMessageModel() {
        OffsetDateTime scheduled = OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(5).truncatedTo(ChronoUnit.MILLIS);
        ServiceBusMessage m = new ServiceBusMessage("{\"a\":1}").setMessageId("m-1").setCorrelationId("corr-1")
                .setReplyTo("replies").setTimeToLive(Duration.ofMinutes(10)).setScheduledEnqueueTime(scheduled)
                .setPartitionKey("pk-1").setContentType("application/json");
        m.getApplicationProperties().put("cloudEvents:specversion", "1.0");
        m.getApplicationProperties().put("cloudEvents:id", "m-1");
        try (ServiceBusSenderClient s = queueSender("jobs")) {
            s.sendMessage(m);
        }
        ReceivedMessage got = amqp.awaitCount("jobs", 1, WAIT).get(0);
        assertEquals("corr-1", got.correlationId());
        assertEquals("replies", got.replyTo());
        assertEquals(Duration.ofMinutes(10), got.timeToLive());
        assertTrue(got.expiresAt().isAfter(got.receivedAt().plus(Duration.ofMinutes(9))), got.expiresAt().toString());
        assertEquals(scheduled.toInstant(), got.scheduledEnqueueTime());
        assertEquals("pk-1", got.partitionKey());
        assertEquals("1.0", got.cloudEventAttributes().get("specversion"));
        assertEquals("m-1", got.cloudEventAttributes().get("id"));
        // the message as sent, for an official AMQP parser
        Message decoded = Message.Factory.create();
        decoded.decode(got.encoded(), 0, got.encoded().length);
        assertEquals("corr-1", String.valueOf(decoded.getCorrelationId()));
    }

    @Test
    void aSessionQueueRefusesAMessageWithoutSessionIdAndTakesOneWithIt() {
        try (ServiceBusSenderClient s = queueSender("sessions")) {
            ServiceBusException e = assertThrows(ServiceBusException.class,
                    () -> s.sendMessage(new ServiceBusMessage("x").setMessageId("no-session")));
            // amqp:not-allowed: the SDK gives an UnsupportedOperationException as the cause
            assertTrue(e.getCause() instanceof UnsupportedOperationException, e.toString());
            assertTrue(e.getMessage().contains("The SessionId was not set on a message"), e.getMessage());
            System.out.printf("session-less message to a session queue: reason %s, transient %s%n", e.getReason(),
                    e.isTransient());
            s.sendMessage(new ServiceBusMessage("y").setMessageId("with-session").setSessionId("twin-7"));
        }
        ReceivedMessage got = amqp.awaitCount("sessions", 1, WAIT).get(0);
        assertEquals("twin-7", got.sessionId());
        assertEquals(1, amqp.count("sessions"));
    }

    @Test
    void aSessionTopicTakesASessionlessMessageAndMarksItDeadLettered() {
        try (ServiceBusSenderClient s = topicSender("session-topic")) {
            s.sendMessage(new ServiceBusMessage("x").setMessageId("m"));
        }
        assertEquals("Session id is null.", amqp.awaitCount("session-topic", 1, WAIT).get(0).deadLetterReason());
    }

    @Test
    void aPartitionedEntityRefusesABatchMixingPartitionKeysAndTakesOnePerKey() {
        try (ServiceBusSenderClient s = topicSender("partitioned")) {
            ServiceBusMessageBatch mixed = s.createMessageBatch();
            assertTrue(mixed.tryAddMessage(new ServiceBusMessage("1").setPartitionKey("a")));
            assertTrue(mixed.tryAddMessage(new ServiceBusMessage("2").setPartitionKey("b")));
            ServiceBusException e = assertThrows(ServiceBusException.class, () -> s.sendMessages(mixed));
            assertTrue(e.getCause() instanceof UnsupportedOperationException, e.toString());
            System.out.printf("mixed partition keys: reason %s, transient %s%n", e.getReason(), e.isTransient());

            for (String key : List.of("a", "b")) {
                ServiceBusMessageBatch one = s.createMessageBatch();
                assertTrue(one.tryAddMessage(new ServiceBusMessage("1").setPartitionKey(key)));
                assertTrue(one.tryAddMessage(new ServiceBusMessage("2").setPartitionKey(key)));
                s.sendMessages(one);
            }
        }
        List<ReceivedMessage> got = amqp.awaitCount("partitioned", 4, WAIT);
        // per transfer, one key: what proves the sender batches per key
        assertEquals(got.get(0).transferId(), got.get(1).transferId());
        assertEquals(List.of("a", "a", "b", "b"), got.stream().map(ReceivedMessage::partitionKey).toList());
    }

    @Test
    void headersOverTheServiceBusLimitsAreRefused() {
        try (ServiceBusSenderClient s = queueSender("jobs")) {
            ServiceBusMessage big = new ServiceBusMessage("x").setMessageId("big-header");
            for (int i = 0; i < 3; i++) {
                big.getApplicationProperties().put("h" + i, "v".repeat(30 * 1024)); // 90 KiB in all
            }
            ServiceBusException e = assertThrows(ServiceBusException.class, () -> s.sendMessage(big));
            assertEquals(AmqpErrorCondition.LINK_PAYLOAD_SIZE_EXCEEDED,
                    ((AmqpException) e.getCause()).getErrorCondition(), e.toString());

            ServiceBusMessage oneBig = new ServiceBusMessage("x").setMessageId("big-property");
            oneBig.getApplicationProperties().put("stack", "v".repeat(40 * 1024));
            ServiceBusException e2 = assertThrows(ServiceBusException.class, () -> s.sendMessage(oneBig));
            System.out.printf("one 40 KiB property: reason %s, transient %s%n", e2.getReason(), e2.isTransient());
        }
        assertEquals(0, amqp.count("jobs"));
    }
}
