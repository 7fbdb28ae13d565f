package io.twinegress.emulators.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Wrong keys, key rotation, throttling, unreachability and slowness, seen through the real SDKs. */
@Timeout(180)
class AmqpFaultsIT {

    static final String KEY_NAME = "RootManageSharedAccessKey";
    static final String PRIMARY = "cHJpbWFyeS1rZXktZm9yLXRlc3Rz";
    static final String SECONDARY = "c2Vjb25kYXJ5LWtleS1mb3ItdGVzdHM=";
    static final String WRONG = "d3Jvbmcta2V5";
    static final Duration WAIT = Duration.ofSeconds(20);

    static AmqpEmulator amqp;

    @BeforeAll
    static void start() {
        amqp = AmqpEmulator.builder()
                .serviceBusTopic("orders")
                .eventHub("telemetry", 2)
                .key(KEY_NAME, PRIMARY)
                .key(KEY_NAME, SECONDARY)
                .start();
    }

    @AfterAll
    static void stop() {
        amqp.close();
    }

    @BeforeEach
    void reset() {
        amqp.setKeys(KEY_NAME, PRIMARY, SECONDARY);
        amqp.throttle(false);
        amqp.setResponseDelay(Duration.ZERO);
        if (!amqp.isReachable()) {
            amqp.comeBack();
        }
    }

    @AfterEach
    void healthy() {
        amqp.assertNoHandlerErrors();
    }

    static AmqpRetryOptions retries(int max) {
        return SdkClients.retries(max, Duration.ofSeconds(5));
    }

    static ServiceBusSenderClient sbSender(String key, int maxRetries) {
        return SdkClients.serviceBusSender(amqp, KEY_NAME, key, "orders", retries(maxRetries));
    }

    static EventHubProducerClient ehProducer(String key, int maxRetries) {
        return SdkClients.eventHubProducer(amqp, KEY_NAME, key, "telemetry", retries(maxRetries));
    }

    static ServiceBusMessage msg(String id) {
        return new ServiceBusMessage("{}").setMessageId(id);
    }

    static void sendEvent(EventHubProducerClient producer, String body) {
        EventDataBatch batch = producer.createBatch();
        batch.tryAdd(new EventData(body));
        producer.send(batch);
    }

    /** The first AmqpException in the cause chain (the exception itself included). */
    static AmqpException amqpCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AmqpException a) {
                return a;
            }
        }
        throw new AssertionError("no AmqpException in the cause chain of " + t, t);
    }

    @Test
    void wrongKeyIsUnauthorizedNotRetriedAndTheOtherKeyWorks() {
        long refusedBefore = amqp.tokensRefused();
        try (ServiceBusSenderClient wrong = sbSender(WRONG, 1)) {
            long t0 = System.nanoTime();
            ServiceBusException e = assertThrows(ServiceBusException.class, () -> wrong.sendMessage(msg("w-1")));
            System.out.printf("Service Bus 401 surfaced in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertEquals(ServiceBusFailureReason.UNAUTHORIZED, e.getReason());
            assertFalse(e.isTransient());
        }
        assertEquals(refusedBefore + 1, amqp.tokensRefused(), "a refused key must not be retried");

        try (EventHubProducerClient wrong = ehProducer(WRONG, 1)) {
            long t0 = System.nanoTime();
            AmqpException e = assertThrows(AmqpException.class, () -> sendEvent(wrong, "x"));
            System.out.printf("Event Hubs 401 surfaced in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertEquals(AmqpErrorCondition.UNAUTHORIZED_ACCESS, e.getErrorCondition());
        }

        try (ServiceBusSenderClient secondary = sbSender(SECONDARY, 1)) {
            long t0 = System.nanoTime();
            secondary.sendMessage(msg("s-1"));
            System.out.printf("Service Bus send with the other key in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
        ReceivedMessage viaSecondary = amqp.received("orders").stream().filter(m -> "s-1".equals(m.messageId()))
                .findFirst().orElseThrow();
        assertEquals(KEY_NAME, viaSecondary.keyName());
        assertEquals(AmqpEmulator.fingerprint(SECONDARY), viaSecondary.keyFingerprint());
        assertTrue(amqp.received("orders").stream().noneMatch(m -> "w-1".equals(m.messageId())));
    }

    @Test
    void keyRotationWhileConnectedFailsTheNextSend() {
        try (ServiceBusSenderClient sender = sbSender(PRIMARY, 0);
             EventHubProducerClient producer = ehProducer(PRIMARY, 0)) {
            sender.sendMessage(msg("before-rotation"));
            sendEvent(producer, "before-rotation");
            amqp.setKeys(KEY_NAME, SECONDARY, "bmV3LXNlY29uZGFyeQ=="); // primary regenerated
            ServiceBusException e = assertThrows(ServiceBusException.class, () -> sender.sendMessage(msg("after")));
            assertEquals(ServiceBusFailureReason.UNAUTHORIZED, e.getReason(), e.toString());
            AmqpException ae = assertThrows(AmqpException.class, () -> sendEvent(producer, "after"));
            assertEquals(AmqpErrorCondition.UNAUTHORIZED_ACCESS, ae.getErrorCondition(), ae.toString());
        }
        try (ServiceBusSenderClient sender = sbSender(SECONDARY, 0)) {
            sender.sendMessage(msg("with-secondary"));
        }
    }

    @Test
    void revokedKeyDropsLiveConnection() {
        try (ServiceBusSenderClient sender = sbSender(SECONDARY, 0)) {
            sender.sendMessage(msg("r-1"));
            assertTrue(amqp.openConnections() >= 1);
            amqp.revokeKey(KEY_NAME, SECONDARY);
            ServiceBusException e = assertThrows(ServiceBusException.class, () -> sender.sendMessage(msg("r-2")));
            assertEquals(ServiceBusFailureReason.UNAUTHORIZED, e.getReason(), e.toString());
        }
    }

    @Test
    void throttlingIsTheSdksTransientServerBusy() {
        try (ServiceBusSenderClient sender = sbSender(PRIMARY, 0);
             EventHubProducerClient producer = ehProducer(PRIMARY, 0)) {
            sender.sendMessage(msg("warm"));
            sendEvent(producer, "warm");
            amqp.throttle(true);
            // The SDK retries server-busy itself; once its retries are exhausted the top-level exception is
            // a generic "Retries exhausted" one and the server-busy AmqpException is in its cause chain.
            ServiceBusException e = assertThrows(ServiceBusException.class, () -> sender.sendMessage(msg("busy")));
            System.out.printf("throttled Service Bus send: reason=%s transient=%s%n", e.getReason(), e.isTransient());
            AmqpException busy = amqpCause(e);
            assertEquals(AmqpErrorCondition.SERVER_BUSY_ERROR, busy.getErrorCondition(), e.toString());
            assertTrue(busy.isTransient());
            RuntimeException ehError = assertThrows(RuntimeException.class, () -> sendEvent(producer, "busy"));
            System.out.printf("throttled Event Hubs send: %s%n", ehError);
            AmqpException ae = amqpCause(ehError);
            assertEquals(AmqpErrorCondition.SERVER_BUSY_ERROR, ae.getErrorCondition(), ehError.toString());
            assertTrue(ae.isTransient());
            amqp.throttle(false);
            sender.sendMessage(msg("after-throttle"));
            sendEvent(producer, "after-throttle");

            amqp.throttleNext(1);
            assertThrows(ServiceBusException.class, () -> sender.sendMessage(msg("busy-once")));
            sender.sendMessage(msg("accepted-again"));
        }
        assertTrue(amqp.transfersThrottled() >= 3);
        assertTrue(amqp.received("orders").stream().noneMatch(m -> m.messageId().startsWith("busy")));
    }

    @Test
    void unreachableIsAConnectionErrorAndRecoversWhenBack() {
        int port = amqp.port();
        try (ServiceBusSenderClient sender = sbSender(PRIMARY, 0)) {
            sender.sendMessage(msg("u-0"));
            amqp.goUnreachable();
            long t0 = System.nanoTime();
            RuntimeException e = assertThrows(RuntimeException.class, () -> sender.sendMessage(msg("u-1")));
            System.out.printf("unreachable surfaced in %d ms as %s%n", (System.nanoTime() - t0) / 1_000_000, e);
            amqp.comeBack();
            assertEquals(port, amqp.port());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                try {
                    sender.sendMessage(msg("u-2"));
                    break;
                } catch (RuntimeException retry) {
                    if (System.nanoTime() > deadline) {
                        fail("no recovery after comeBack()", retry);
                    }
                }
            }
            System.out.printf("recovered %d ms after comeBack()%n", (System.nanoTime() - t0) / 1_000_000);
        }
        List<ReceivedMessage> got = amqp.received("orders");
        assertTrue(got.stream().anyMatch(m -> "u-2".equals(m.messageId())));
    }

    @Test
    void repeatedOutagesWithLiveClientsLeaveTheReactorHealthy() {
        AmqpRetryOptions quick = new AmqpRetryOptions().setMaxRetries(0).setTryTimeout(Duration.ofSeconds(2));
        try (ServiceBusSenderClient sender = SdkClients.serviceBusSender(amqp, KEY_NAME, PRIMARY, "orders", quick);
             EventHubProducerClient producer = SdkClients.eventHubProducer(amqp, KEY_NAME, PRIMARY, "telemetry",
                     quick)) {
            for (int cycle = 0; cycle < 4; cycle++) {
                String id = "cycle-" + cycle;
                untilSent(() -> sender.sendMessage(msg(id)));
                untilSent(() -> sendEvent(producer, id));
                amqp.goUnreachable();
                amqp.assertNoHandlerErrors();
                amqp.comeBack();
            }
        }
        amqp.assertNoHandlerErrors();
    }

    static void untilSent(Runnable send) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                send.run();
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    fail("not sent within " + WAIT, e);
                }
            }
        }
    }

    @Test
    void unknownEntityIsNotFound() {
        try (ServiceBusSenderClient sender = SdkClients.serviceBusSender(amqp, KEY_NAME, PRIMARY, "no-such-topic",
                retries(0))) {
            ServiceBusException e = assertThrows(ServiceBusException.class, () -> sender.sendMessage(msg("x")));
            assertEquals(ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND, e.getReason(), e.toString());
        }
    }

    @Test
    void responseDelaySlowsEverySend() {
        try (ServiceBusSenderClient sender = sbSender(PRIMARY, 0)) {
            sender.sendMessage(msg("d-0"));
            amqp.setResponseDelay(Duration.ofMillis(700));
            long t0 = System.nanoTime();
            sender.sendMessage(msg("d-1"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 650, "send took " + ms + " ms");
        }
    }
}
