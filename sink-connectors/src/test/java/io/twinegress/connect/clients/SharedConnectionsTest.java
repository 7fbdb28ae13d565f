package io.twinegress.connect.clients;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.FailureClassifier;
import io.twinegress.connect.core.Outcome;
import io.twinegress.connect.core.RecordingListener;
import io.twinegress.connect.eventhubs.EventHubsSender;
import io.twinegress.connect.eventhubs.EventHubsSinkConfig;
import io.twinegress.connect.servicebus.ServiceBusSender;
import io.twinegress.connect.servicebus.ServiceBusSinkConfig;
import io.twinegress.emulators.amqp.AmqpEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The senders of one worker share AMQP connections through the real SDKs, against the AMQP stand-in
 * (no Kafka): one connection per namespace and key for Service Bus (across topics), per hub and key
 * for Event Hubs; another key is another connection; a sender's close or refusal leaves the others
 * sending; the connection ends with its last sender.
 */
class SharedConnectionsTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String EVENT = "{\"id\":\"e-1\",\"subject\":\"Sensor\",\"data\":{},\"eventType\":\"SensorChange\","
        + "\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\"}";

    AmqpEmulator amqp;

    @BeforeEach
    void standIn() {
        amqp = AmqpEmulator.builder().serviceBusTopic("a").serviceBusTopic("b").eventHub("hub-1", 2).eventHub("hub-2", 2)
            .key("send", "key-1").key("send", "key-2").start();
    }

    @AfterEach
    void stop() {
        System.clearProperty(ClientSharing.PROPERTY);
        amqp.assertNoHandlerErrors();
        amqp.close();
    }

    static SinkRecord record(long offset) {
        return new SinkRecord("twin.egress.x", 0, null, "sensor-1", Schema.OPTIONAL_BYTES_SCHEMA,
            EVENT.getBytes(StandardCharsets.UTF_8), offset);
    }

    ServiceBusSender serviceBus(String topic, String key) {
        Map<String, String> p = new HashMap<>();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", key));
        p.put(DeliveryConfig.PATH_CONFIG, topic);
        p.put(DeliveryConfig.CLIENT_MAX_RETRIES_CONFIG, "0");
        ServiceBusSinkConfig config = new ServiceBusSinkConfig(p);
        return new ServiceBusSender(config, config.connectionString(), new AtomicBoolean());
    }

    EventHubsSender eventHubs(String hub, String key) {
        Map<String, String> p = new HashMap<>();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, amqp.connectionString("send", key));
        p.put(DeliveryConfig.PATH_CONFIG, hub);
        p.put(DeliveryConfig.CLIENT_MAX_RETRIES_CONFIG, "0");
        EventHubsSinkConfig config = new EventHubsSinkConfig(p);
        return new EventHubsSender(config, config.connectionString());
    }

    static void send(AutoCloseable sender, long offset) throws Exception {
        RecordingListener listener = new RecordingListener();
        if (sender instanceof ServiceBusSender sb) {
            sb.send(List.of(record(offset)), listener);
        } else {
            ((EventHubsSender) sender).send(List.of(record(offset)), listener);
        }
        assertEquals(1, listener.batches.size(), "delivered");
    }

    void awaitConnections(int n, String why) {
        await(why + " (open: " + amqp.openConnections() + ")").atMost(DEADLINE).until(() -> amqp.openConnections() == n);
    }

    @Test
    void serviceBusSendersToTwoTopicsOfOneNamespaceAndKeyShareOneConnectionUntilTheLastCloses() throws Exception {
        ServiceBusSender a = serviceBus("a", "key-1");
        ServiceBusSender b = serviceBus("b", "key-1");
        send(a, 0);
        send(b, 1);
        assertEquals(1, amqp.count("a"));
        assertEquals(1, amqp.count("b"));
        awaitConnections(1, "one connection for both topics");

        a.close();
        send(b, 2); // closing a task's sender leaves the connection to the others
        assertEquals(2, amqp.count("b"));
        assertEquals(1, amqp.openConnections());
        a.close(); // a second close takes nothing from b
        send(b, 3);

        b.close();
        awaitConnections(0, "the connection ends with its last sender");
    }

    /** After a send the core gave up on, the task's next sender reconnects; the others stay on their connection. */
    @Test
    void anAbandonedSendersNextSenderGetsAFreshConnectionAndTheOthersKeepTheirs() throws Exception {
        ServiceBusSender a = serviceBus("a", "key-1");
        ServiceBusSender b = serviceBus("b", "key-1");
        send(a, 0);
        send(b, 1);
        awaitConnections(1, "shared");

        a.abandon(); // as the core does with the sender of a send that hung
        ServiceBusSender again = serviceBus("a", "key-1");
        send(again, 2);
        send(b, 3);
        awaitConnections(2, "a fresh connection for the new sender, the old one kept for b");
        assertEquals(2, amqp.count("a"));
        assertEquals(2, amqp.count("b"));

        b.close();
        awaitConnections(1, "the retired connection ends with its last sender");
        send(again, 4);
        again.close();
        awaitConnections(0, "all closed");
    }

    @Test
    void anotherKeyIsAnotherConnectionAndItsRefusalLeavesTheOtherKeySending() throws Exception {
        ServiceBusSender one = serviceBus("a", "key-1");
        ServiceBusSender two = serviceBus("b", "key-2");
        send(one, 0);
        send(two, 1);
        awaitConnections(2, "one connection per key");

        amqp.setKeys("send", "key-1"); // key-2 regenerated: its connection is cut
        // the first send after the cut may fail as a closed session (transient); then the key is refused
        await("key-2's sender is refused").atMost(DEADLINE).until(() -> {
            Exception refused = assertThrows(Exception.class, () -> send(two, 2));
            return FailureClassifier.classify(refused).outcome() == Outcome.UNAUTHORIZED;
        });
        send(one, 3); // and the first key's sender goes on, on its own connection
        assertEquals(2, amqp.count("a"));
        two.close();
        one.close();
        awaitConnections(0, "all closed");
    }

    @Test
    void eventHubsProducersShareOneConnectionPerHubAndKey() throws Exception {
        EventHubsSender a = eventHubs("hub-1", "key-1");
        EventHubsSender b = eventHubs("hub-1", "key-1");
        EventHubsSender c = eventHubs("hub-2", "key-1");
        send(a, 0);
        send(b, 1);
        send(c, 2);
        assertEquals(2, amqp.count("hub-1"));
        awaitConnections(2, "hub-1's two producers on one connection, hub-2 on its own");
        b.close();
        send(a, 3);
        a.close();
        c.close();
        awaitConnections(0, "all closed");
    }

    @Test
    void withSharingOffEverySenderHasItsOwnConnection() throws Exception {
        System.setProperty(ClientSharing.PROPERTY, "false");
        ServiceBusSender a = serviceBus("a", "key-1");
        ServiceBusSender b = serviceBus("b", "key-1");
        send(a, 0);
        send(b, 1);
        awaitConnections(2, "one connection per sender");
        a.close();
        b.close();
        awaitConnections(0, "all closed");
    }
}
