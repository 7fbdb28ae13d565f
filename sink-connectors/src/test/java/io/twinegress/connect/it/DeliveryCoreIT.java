package io.twinegress.connect.it;

import static io.twinegress.connect.it.SinkIt.committed;
import static io.twinegress.connect.it.SinkIt.header;
import static io.twinegress.connect.it.SinkIt.metricLong;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.eventgrid.ReceivedEvent;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.testing.kafka.ConnectWorker;
import io.twinegress.testing.kafka.KafkaBroker;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the delivery core promises whatever the target, proven once in a real Connect worker (the
 * Event Grid connector and stand-in, the cheapest to run): nothing is committed past a dead letter
 * that is not written yet, offsets set through the REST API are Connect's to set, and a rebalance
 * during a backoff loses nothing.
 */
class DeliveryCoreIT {

    static final String CONNECTOR = "EventGridSinkConnector";
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final String KEY = Base64.getEncoder().encodeToString("core-it-key".getBytes(StandardCharsets.UTF_8));

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final ConnectWorker CONNECT = SinkIt.worker(KAFKA);

    static EventGridEmulator eg;
    final SinkIt.Connectors connectors = new SinkIt.Connectors(CONNECT, DEADLINE);

    @BeforeAll
    static void standIn() {
        eg = EventGridEmulator.builder().topic("dlq-wait").topic("offsets").topic("rebalance").key(KEY).start();
    }

    @AfterAll
    static void stopStandIn() {
        if (eg != null) {
            eg.assertNoHandlerErrors();
            eg.close();
        }
    }

    @AfterEach
    void deleteConnectors() {
        connectors.deleteAll();
        if (!eg.isReachable()) {
            eg.comeBack();
        }
    }

    Map<String, String> config(String topic, String entity) {
        return SinkIt.config(CONNECTOR, topic, eg.endpoint(entity), KEY, null);
    }

    static List<String> ids(List<ReceivedEvent> events) {
        return events.stream().map(ReceivedEvent::id).toList();
    }

    /**
     * A record the endpoint refuses goes to the dead-letter topic; when that write fails (the topic
     * takes no record that large), nothing is committed past it although the records after it were
     * delivered: Connect waits for the task's errant-record writes before it asks for the offsets to
     * commit, and fails the task when one failed. Once the topic takes the write, the restarted task
     * sends the records from the dead letter on again, writes it, and commits past it.
     */
    @Test
    void nothingIsCommittedPastADeadLetterThatWasNotWritten() throws Exception {
        String name = "core-dlq-unwritten";
        String topic = "twin.egress." + name;
        KAFKA.createTopic(topic, 1);
        KAFKA.createTopic(topic + ".dlq", 1, Map.of("max.message.bytes", "64"));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(DeliveryContractIT.routed(topic, name, 1, 0, 10, 20));
        ProducerRecord<byte[], byte[]> device = records.get(3);
        records.set(3, new ProducerRecord<>(topic, 0, device.key(), new byte[] {1, 2, 3},
            List.of(header(EgressHeaders.EVENT_TYPE, "DeviceMessage")))); // Event Grid never takes one
        KAFKA.produce(records);
        connectors.start(name, config(topic, "dlq-wait"));

        eg.awaitCount("dlq-wait", 9, DEADLINE);
        await("the task fails on the dead-letter write").atMost(DEADLINE)
            .until(() -> CONNECT.rest().connectorStatus(name).map(s -> s.hasFailed()).orElse(false));
        assertTrue(committed(KAFKA, name) <= 3, "nothing committed past the dead letter: " + committed(KAFKA, name));

        ConfigResource dlq = new ConfigResource(ConfigResource.Type.TOPIC, topic + ".dlq");
        KAFKA.admin().incrementalAlterConfigs(Map.of(dlq, List.of(new AlterConfigOp(
            new ConfigEntry("max.message.bytes", "1048588"), AlterConfigOp.OpType.SET)))).all().get();
        CONNECT.rest().restartTask(name, 0);
        await("committed past it once it is written").atMost(DEADLINE).until(() -> committed(KAFKA, name) == 10);
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.consume(topic + ".dlq", 1, DEADLINE);
        String reason = new String(dead.get(0).headers().lastHeader("__connect.errors.exception.message").value(),
            StandardCharsets.UTF_8);
        assertTrue(reason.contains("DeviceMessage"), reason);
        List<String> good = new ArrayList<>(DeliveryContractIT.ids(records.subList(0, 3)));
        good.addAll(DeliveryContractIT.ids(records.subList(4, 10)));
        assertEquals(good.stream().sorted().toList(), ids(eg.received("dlq-wait")).stream().distinct().sorted().toList(),
            "every other record delivered (those after the dead letter again after the restart)");
    }

    /**
     * The connector's offsets are Connect's own, so offsets set through {@code PATCH .../offsets}
     * while it is stopped are simply applied: the answer says they were altered (not that they may
     * need altering elsewhere too), and the resumed task delivers from there.
     */
    @Test
    void offsetsAlteredThroughRestAreTheConnectorsAndDeliveryResumesFromThem() {
        String name = "core-offsets";
        String topic = "twin.egress." + name;
        KAFKA.createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> records = DeliveryContractIT.routed(topic, name, 1, 0, 5, 20);
        KAFKA.produce(records);
        connectors.start(name, config(topic, "offsets"));
        eg.awaitCount("offsets", 5, DEADLINE);
        await("committed").atMost(DEADLINE).until(() -> committed(KAFKA, name) == 5);

        CONNECT.rest().send("PUT", "connectors/" + name + "/stop", null);
        await("stopped").atMost(DEADLINE).until(() -> CONNECT.rest().connectorStatus(name)
            .map(s -> "STOPPED".equals(s.connector().state())).orElse(false));
        Map<String, Object> partition = Map.of("kafka_topic", topic, "kafka_partition", 0);
        Map<String, Object> body = Map.of("offsets", List.of(Map.of("partition", partition, "offset", Map.of("kafka_offset", 2))));
        HttpResponse<String> altered = CONNECT.rest().request("PATCH", "connectors/" + name + "/offsets", body);
        assertEquals(200, altered.statusCode(), altered.body());
        assertTrue(altered.body().contains("The offsets for this connector have been altered successfully"), altered.body());
        assertFalse(altered.body().contains("However"), "no caveat: " + altered.body());
        assertEquals(2, committed(KAFKA, name));

        CONNECT.rest().send("PUT", "connectors/" + name + "/resume", null);
        List<ReceivedEvent> got = eg.awaitCount("offsets", 8, DEADLINE);
        assertEquals(DeliveryContractIT.ids(records.subList(2, 5)), ids(got).subList(5, 8), "from offset 2 again");
    }

    /**
     * A consumer joining the connector's group while the task backs off takes partitions from it
     * (its held records are dropped, their offsets not committed past them), and leaving gives them
     * back (assigned during the backoff: paused until it ends). When the endpoint is back, every
     * record arrives exactly once and everything is committed.
     */
    @Test
    void aRebalanceDuringABackoffLosesNothing() throws Exception {
        String name = "core-rebalance";
        String topic = "twin.egress." + name;
        KAFKA.createTopic(topic, 2);
        // The records are in the topic and the endpoint down before the task starts, so its first
        // poll takes all 20 (one fetch from the one broker) and the backoff holds them all: started
        // first, the task could take the first records alone and, paused, hold only those.
        List<ProducerRecord<byte[], byte[]>> records = DeliveryContractIT.routed(topic, name, 2, 0, 20, 20);
        KAFKA.produce(records);
        eg.goUnreachable();
        connectors.start(name, config(topic, "rebalance"));
        await("backing off with everything held").atMost(DEADLINE)
            .until(() -> metricLong(name, "backing-off") == 1 && metricLong(name, "held-records") == 20);

        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, ConnectWorker.sinkGroupId(name));
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        AtomicBoolean leave = new AtomicBoolean();
        AtomicInteger assigned = new AtomicInteger();
        Thread member = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> other = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                other.subscribe(List.of(topic));
                while (!leave.get()) {
                    other.poll(Duration.ofMillis(100)); // reads, never commits
                    assigned.set(other.assignment().size());
                }
            }
        }, "other-group-member");
        member.start();
        try {
            await("the other member took a partition").atMost(DEADLINE).until(() -> assigned.get() == 1);
            await("the task holds only what it kept").atMost(DEADLINE).until(() -> metricLong(name, "held-records") < 20);
        } finally {
            leave.set(true);
            member.join(DEADLINE.toMillis());
        }
        assertTrue(committed(KAFKA, name) == 0, "nothing committed past a held record");
        eg.comeBack();
        List<ReceivedEvent> got = eg.awaitCount("rebalance", 20, DEADLINE);
        await("committed").atMost(DEADLINE).until(() -> committed(KAFKA, name) == 20);
        assertEquals(DeliveryContractIT.ids(records).stream().sorted().toList(), ids(got).stream().sorted().toList(),
            "every record exactly once");
        assertTrue(CONNECT.rest().connectorStatus(name).orElseThrow().isRunning());
    }
}
