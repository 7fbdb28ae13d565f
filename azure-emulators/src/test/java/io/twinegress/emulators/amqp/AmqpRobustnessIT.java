package io.twinegress.emulators.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A handler that throws is recorded and fails the test; the reactor keeps serving everyone else. */
@Timeout(60)
class AmqpRobustnessIT {

    @Test
    void aBrokenHandlerIsRecordedAndDoesNotStopTheReactor() {
        try (AmqpEmulator amqp = AmqpEmulator.builder().serviceBusTopic("orders").key("k", "v").start();
             ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                     .connectionString(amqp.connectionString("k", "v"))
                     .retryOptions(new AmqpRetryOptions().setMaxRetries(0).setTryTimeout(Duration.ofSeconds(2)))
                     .sender().topicName("orders").buildClient()) {
            sender.sendMessage(new ServiceBusMessage("ok-1"));
            AtomicBoolean once = new AtomicBoolean(true);
            amqp.setEntityDeliveryHook(() -> {
                if (once.getAndSet(false)) {
                    throw new IllegalStateException("deliberately broken handler");
                }
            });
            long t0 = System.nanoTime();
            RuntimeException timeout = assertThrows(RuntimeException.class,
                    () -> sender.sendMessage(new ServiceBusMessage("lost")));
            System.out.printf("unsettled transfer surfaced after %d ms as %s%n", (System.nanoTime() - t0) / 1_000_000, timeout);
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, "the client must time out, not hang");
            AssertionError error = assertThrows(AssertionError.class, amqp::assertNoHandlerErrors);
            assertTrue(error.getMessage().contains("deliberately broken handler"), error.getMessage());

            sender.sendMessage(new ServiceBusMessage("ok-2"));
            assertEquals(2, amqp.awaitCount("orders", 2, Duration.ofSeconds(10)).size());
            assertEquals(1, amqp.handlerErrors().size());
        }
    }
}
