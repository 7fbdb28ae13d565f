package io.twinegress.connect.eventgrid;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.FakeContext;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * The Event Grid tasks' HTTP client: one for every task of the worker, from the first task's first
 * send to the last task's stop(), not longer.
 */
class EventGridSinkTaskTest {

    static final String KEY = "a2V5LW9uZQ==";

    static Set<Thread> httpThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && (t.getName().startsWith("HttpClient-") || t.getName().contains("-http-client")
                || t.getName().startsWith("twin-egress-eventgrid-http-")))
            .collect(Collectors.toSet());
    }

    /**
     * The JDK's HttpClient (Java 17) has no close(): its selector thread and pooled keep-alive
     * connections live until the client is collected. The task owns the client's executor and shuts
     * it down at stop, closes the client where the runtime can (Java 21+), and lets go of it, so no
     * thread of it outlives stop (on Java 17 once the next collection has run; each task restart,
     * such as a key rotation, would otherwise leave one client behind).
     */
    @Test
    void noThreadOfTheHttpClientOutlivesStop() throws Exception {
        try (EventGridEmulator eg = EventGridEmulator.builder().topic("twins").key(KEY).start()) {
            Set<Thread> before = httpThreads();
            Map<String, String> props = new HashMap<>();
            props.put("name", "eg-task");
            props.put(DeliveryConfig.CONNECTION_STRING_CONFIG, KEY);
            props.put(DeliveryConfig.PATH_CONFIG, eg.endpoint("twins"));
            EventGridSinkTask task = new EventGridSinkTask();
            task.initialize(new FakeContext(props, false));
            task.start(props);
            String event = "{\"id\":\"t-1\",\"subject\":\"Sensor\",\"data\":{},\"eventType\":\"SensorChange\","
                + "\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\"}";
            task.put(List.of(new SinkRecord("twin.egress.eg", 0, null, null, Schema.OPTIONAL_BYTES_SCHEMA,
                event.getBytes(StandardCharsets.UTF_8), 0)));
            assertEquals(1, eg.count("twins"));
            Set<Thread> started = httpThreads();
            started.removeAll(before);
            assertFalse(started.isEmpty(), "the client runs threads while the task runs");

            task.stop();
            await("every thread of the task's HTTP client ends after stop: "
                + started.stream().filter(Thread::isAlive).map(Thread::getName).toList()).atMost(Duration.ofSeconds(30)).until(() -> {
                System.gc(); // Java 17: the client's selector thread ends once the client is collected
                return started.stream().noneMatch(Thread::isAlive);
            });
            assertTrue(started.stream().noneMatch(Thread::isAlive));
        }
    }

    static EventGridSinkTask started(EventGridEmulator eg, String name) {
        Map<String, String> props = new HashMap<>();
        props.put("name", name);
        props.put(DeliveryConfig.CONNECTION_STRING_CONFIG, KEY);
        props.put(DeliveryConfig.PATH_CONFIG, eg.endpoint("twins"));
        EventGridSinkTask task = new EventGridSinkTask();
        task.initialize(new FakeContext(props, false));
        task.start(props);
        return task;
    }

    static void putOne(EventGridSinkTask task, long offset) {
        String event = "{\"id\":\"t-" + offset + "\",\"subject\":\"Sensor\",\"data\":{},\"eventType\":\"SensorChange\","
            + "\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\"}";
        task.put(List.of(new SinkRecord("twin.egress.eg", 0, null, null, Schema.OPTIONAL_BYTES_SCHEMA,
            event.getBytes(StandardCharsets.UTF_8), offset)));
    }

    /** Two tasks run one client (one selector thread); stopping one leaves the other sending; the last stop ends it. */
    @Test
    void theTasksOfAWorkerShareOneClientThatEndsWithTheLast() throws Exception {
        try (EventGridEmulator eg = EventGridEmulator.builder().topic("twins").key(KEY).start()) {
            Set<Thread> before = httpThreads();
            EventGridSinkTask a = started(eg, "eg-a");
            EventGridSinkTask b = started(eg, "eg-b");
            putOne(a, 0);
            putOne(b, 0);
            // a put may return with its send in flight (pipelined): wait for the arrivals
            await("both delivered").atMost(Duration.ofSeconds(30)).until(() -> eg.count("twins") == 2);
            Set<Thread> started = httpThreads();
            started.removeAll(before);
            assertEquals(1, started.stream().filter(t -> t.getName().endsWith("SelectorManager")).count(),
                "one client's selector for both tasks: " + started);

            a.stop();
            putOne(b, 1);
            await("the other task still sends after one stopped").atMost(Duration.ofSeconds(30)).until(() -> eg.count("twins") == 3);
            assertTrue(started.stream().anyMatch(Thread::isAlive));

            b.stop();
            // as Connect does after stop(): the stopped tasks are dropped (a send that was still in
            // flight at stop keeps its sender, and so the client, reachable from its task)
            a = null;
            b = null;
            await("the client's threads end with the last task").atMost(Duration.ofSeconds(30)).until(() -> {
                System.gc(); // Java 17: the client's selector thread ends once the client is collected
                return started.stream().noneMatch(Thread::isAlive);
            });
        }
    }
}
