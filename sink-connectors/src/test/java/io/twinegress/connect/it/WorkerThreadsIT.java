package io.twinegress.connect.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.testing.kafka.ConnectWorker;
import io.twinegress.testing.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a worker keeps once its connectors are deleted: two connectors of each kind (so the Service
 * Bus and Event Hubs tasks share AMQP connections and the Event Grid tasks one HTTP client) deliver,
 * are deleted, and every thread their clients and tasks started ends: the AMQP connections' I/O
 * threads, the shared HTTP client's selector and pool, the tasks' send threads. Counted by name in
 * this JVM (the worker runs here), against the count before the first connector.
 *
 * <p>What stays is not the connectors' and is published, not asserted: Connect's worker executor is a
 * cached pool, so each task's and connector's thread goes back to it under its pool name
 * ({@code pool-N-thread-M}) and ends after a minute idle; the herder's fixed start-and-stop pool
 * (8 threads); Reactor's JVM-wide schedulers ({@code parallel-N}, one per core, for the JVM's
 * lifetime; {@code boundedElastic-N}, ended after a minute idle).
 */
class WorkerThreadsIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final String KEY = "dGhyZWFkcy1rZXk=";
    static final String KEY_NAME = "RootManageSharedAccessKey";
    /**
     * The threads that exist for our clients and tasks only, by name: the AMQP connection's reactor
     * thread, the JDK HTTP client's selector (the worker's REST client has one too, from before the
     * first connector; its {@code HttpClient-N-Worker-M} threads are its default executor's, which our
     * client does not use), the Event Grid client's pool, a task's send thread.
     */
    static final List<Pattern> OURS = List.of(Pattern.compile("^reactor-executor-.*"), Pattern.compile("^HttpClient-\\d+-SelectorManager$"),
        Pattern.compile("^twin-egress-eventgrid-http-.*"), Pattern.compile(".*-send(-\\d+)?$"));

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final ConnectWorker CONNECT = SinkIt.worker(KAFKA);

    static AmqpEmulator amqp;
    static EventGridEmulator eg;

    final SinkIt.Connectors connectors = new SinkIt.Connectors(CONNECT, DEADLINE);

    @BeforeAll
    static void standIns() {
        amqp = AmqpEmulator.builder().serviceBusTopic("sb-a").serviceBusTopic("sb-b").eventHub("eh-a", 2)
            .key(KEY_NAME, KEY).start();
        eg = EventGridEmulator.builder().topic("eg-a").topic("eg-b").key(KEY).start();
    }

    @AfterAll
    static void stop() {
        amqp.close();
        eg.close();
    }

    /** Thread names of this JVM with their numbers replaced by {@code N}, counted. */
    static Map<String, Integer> threadGroups() {
        Map<String, Integer> groups = new TreeMap<>();
        Thread.getAllStackTraces().keySet().forEach(t -> groups.merge(t.getName().replaceAll("\\d+", "N"), 1, Integer::sum));
        return groups;
    }

    static long ours() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
            .filter(n -> OURS.stream().anyMatch(p -> p.matcher(n).matches())).count();
    }

    static List<String> oursNamed() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
            .filter(n -> OURS.stream().anyMatch(p -> p.matcher(n).matches())).sorted().toList();
    }

    @Test
    void deletingEveryConnectorEndsTheThreadsOfItsClientsAndTasks(TestReporter reporter) throws Exception {
        long oursBefore = ours();
        Map<String, Integer> before = threadGroups();
        List<String[]> endpoints = List.of(
            new String[] {"ServiceBusSinkConnector", "sb-a", amqp.connectionString(KEY_NAME, KEY)},
            new String[] {"ServiceBusSinkConnector", "sb-b", amqp.connectionString(KEY_NAME, KEY)},
            new String[] {"EventHubsSinkConnector", "eh-a", amqp.connectionString(KEY_NAME, KEY)},
            new String[] {"EventHubsSinkConnector", "eh-a", amqp.connectionString(KEY_NAME, KEY)},
            new String[] {"EventGridSinkConnector", "eg-a", KEY},
            new String[] {"EventGridSinkConnector", "eg-b", KEY});
        List<String> names = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerConfig())) {
            for (int i = 0; i < endpoints.size(); i++) {
                String[] e = endpoints.get(i);
                String name = "threads-" + i;
                String topic = "twin.egress." + name;
                KAFKA.createTopic(topic, 1);
                String path = e[0].startsWith("EventGrid") ? eg.endpoint(e[1]) : e[1];
                connectors.start(name, SinkIt.config(e[0], topic, path, e[2], null));
                names.add(name);
                for (int k = 0; k < 3; k++) {
                    String id = name + "-" + k;
                    producer.send(new ProducerRecord<>(topic, ("sensor-" + k).getBytes(StandardCharsets.UTF_8),
                        SinkIt.event(id, "SensorChange", k, 20).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
                }
            }
        }
        await("every connector delivered").atMost(DEADLINE).until(() -> amqp.count("sb-a") >= 3 && amqp.count("sb-b") >= 3
            && amqp.count("eh-a") >= 6 && eg.count("eg-a") >= 3 && eg.count("eg-b") >= 3);
        long oursDuring = ours();
        Map<String, Integer> during = threadGroups();
        assertTrue(oursDuring > oursBefore, "the clients and tasks run threads of their own: " + oursNamed());

        connectors.deleteAll();
        await("the threads of our clients and tasks end").atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> {
                // Java 17's HttpClient has no close(): its selector thread ends once the dropped client is collected
                System.gc();
                assertTrue(ours() <= oursBefore, "still running: " + oursNamed());
            });

        Map<String, Integer> after = threadGroups();
        Map<String, String> changed = new TreeMap<>();
        for (String g : union(before, during, after)) {
            int b = before.getOrDefault(g, 0);
            int d = during.getOrDefault(g, 0);
            int a = after.getOrDefault(g, 0);
            if (b != d || b != a) {
                changed.put(g, b + " → " + d + " → " + a);
            }
        }
        reporter.publishEntry("threads before → with 6 connectors → after deleting them", changed.toString());
    }

    static List<String> union(Map<String, Integer> a, Map<String, Integer> b, Map<String, Integer> c) {
        TreeMap<String, Integer> all = new TreeMap<>(a);
        all.putAll(b);
        all.putAll(c);
        return new ArrayList<>(all.keySet());
    }
}
