package io.twinegress.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.bench.infra.OutputWatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows a router's {@code twin.endpoints.status} topic (read_committed) on a thread of its own and
 * keeps each endpoint's latest state and when the suite saw it; callers wait on it.
 */
final class StatusWatch implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> states = new HashMap<>();
    private final Map<String, Long> seenAtNanos = new HashMap<>();
    private final Thread thread;
    private volatile boolean stop;

    StatusWatch(String bootstrap, String statusTopic) {
        thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = OutputWatch.consumer(bootstrap)) {
                List<TopicPartition> tps = OutputWatch.partitions(c, List.of(statusTopic));
                c.assign(tps);
                c.seekToBeginning(tps);
                while (!stop) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(20))) {
                        record(r);
                    }
                }
            }
        }, "status-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void record(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String id = new String(r.key(), StandardCharsets.UTF_8);
        String state;
        try {
            JsonNode n = r.value() == null ? null : JSON.readTree(r.value());
            state = n == null ? "Deleted" : n.path("state").asText();
        } catch (IOException e) {
            state = "unreadable";
        }
        long now = System.nanoTime();
        synchronized (this) {
            states.put(id, state);
            seenAtNanos.put(id, now);
            notifyAll();
        }
    }

    /** Waits until every one of {@code ids} is in {@code state}; returns the nanoTime the last of them was seen. */
    synchronized long awaitAll(Collection<String> ids, String state, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            long last = 0;
            int missing = 0;
            String example = null;
            for (String id : ids) {
                if (state.equals(states.get(id))) {
                    last = Math.max(last, seenAtNanos.get(id));
                } else {
                    missing++;
                    if (example == null) {
                        example = id + " (" + states.get(id) + ")";
                    }
                }
            }
            if (missing == 0) {
                return last;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(missing + " of " + ids.size() + " endpoints not " + state + " in time, e.g. " + example);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(10_000);
    }
}
