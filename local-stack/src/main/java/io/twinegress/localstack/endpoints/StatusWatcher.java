package io.twinegress.localstack.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.localstack.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code twin.endpoints.status} (what the router decided about each endpoint) on a thread
 * of its own: Active, Rejected (with the reason) or Deleted.
 */
public final class StatusWatcher implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The router's latest word on an endpoint.
     *
     * @param filter the endpoint's content filter as the router understood it (Active only), or null
     */
    public record Status(String state, String reason, String filter) {

        public Status(String state, String reason) {
            this(state, reason, null);
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Status> statuses = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public StatusWatcher(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "twin-egress-local-status"),
                new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition tp = new TopicPartition(Topics.ENDPOINTS_STATUS, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        thread = new Thread(this::run, "twin-egress-local-status");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        statuses.remove(r.key());
                        continue;
                    }
                    try {
                        JsonNode n = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
                        statuses.put(r.key(), new Status(n.path("state").asText("?"), n.path("reason").asText(null),
                                n.path("endpoint").path("filter").asText(null)));
                    } catch (java.io.IOException e) {
                        statuses.put(r.key(), new Status("unreadable", e.getMessage()));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** The router's status of the endpoint, or null before it has decided. */
    public Status status(String endpointId) {
        return statuses.get(endpointId);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
