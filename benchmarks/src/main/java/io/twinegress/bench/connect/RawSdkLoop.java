package io.twinegress.bench.connect;

import com.azure.core.util.BinaryData;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import io.twinegress.bench.load.Events;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;

/**
 * The connectors' baseline: a plain loop of the same client (the Azure SDK's sync sender for Service
 * Bus and Event Hubs; {@code java.net.http.HttpClient} for Event Grid, which is what the Event Grid
 * connector uses) sending the same records in the same batches: chunks of 500 (what one consumer
 * poll hands a sink task by default), each chunk in as few batches as the client allows (Event Hubs:
 * one batch chain per partition key), the same body, ids, subject and properties. No Kafka, no
 * Connect: what the SDK alone achieves against the same stand-in.
 */
public final class RawSdkLoop {

    public static final int CHUNK = 500;

    /** One record as the connector would see it. */
    public record Rec(String key, byte[] value, Map<String, String> headers, String id, String type) {
    }

    private RawSdkLoop() {
    }

    public static List<Rec> records(int n, String type, String topic) {
        List<Rec> out = new ArrayList<>(n);
        for (long i = 0; i < n; i++) {
            Map<String, String> h = new LinkedHashMap<>();
            for (Header header : Events.egressHeaders(type, i, topic)) {
                h.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
            out.add(new Rec(new String(Events.key(i), StandardCharsets.UTF_8), Events.event(type, i, Events.RECORD_BYTES), h,
                h.get("twin-egress.event-id"), type));
        }
        return out;
    }

    /** A sender built once (outside the timed part), then {@link Sender#send} for the whole list. */
    public interface Sender extends AutoCloseable {
        void send(List<Rec> records) throws Exception;

        @Override
        void close();
    }

    public static Sender sender(StandIns.Target target, StandIns standIns, String key) {
        return switch (target) {
            case SERVICE_BUS -> serviceBus(standIns.connectionString(target, key));
            case EVENT_HUBS -> eventHubs(standIns.connectionString(target, key));
            case EVENT_GRID -> eventGrid(standIns.eventGridUrl(), key);
        };
    }

    static Sender serviceBus(String connectionString) {
        ServiceBusSenderClient client = new ServiceBusClientBuilder().connectionString(connectionString)
            .sender().topicName(StandIns.SB_TOPIC).buildClient();
        client.createMessageBatch();   // connect and authorize outside the timed part
        return new Sender() {
            @Override
            public void send(List<Rec> records) {
                for (int from = 0; from < records.size(); from += CHUNK) {
                    ServiceBusMessageBatch batch = client.createMessageBatch();
                    for (Rec r : records.subList(from, Math.min(records.size(), from + CHUNK))) {
                        ServiceBusMessage m = new ServiceBusMessage(BinaryData.fromBytes(r.value()));
                        m.setContentType("application/json");
                        m.setMessageId(r.id());
                        m.setSubject(r.type());
                        m.getApplicationProperties().putAll(r.headers());
                        if (!batch.tryAddMessage(m)) {
                            client.sendMessages(batch);
                            batch = client.createMessageBatch();
                            batch.tryAddMessage(m);
                        }
                    }
                    if (batch.getCount() > 0) {
                        client.sendMessages(batch);
                    }
                }
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    static Sender eventHubs(String connectionString) {
        EventHubProducerClient client = new EventHubClientBuilder().connectionString(connectionString).buildProducerClient();
        client.createBatch();
        return new Sender() {
            @Override
            public void send(List<Rec> records) {
                for (int from = 0; from < records.size(); from += CHUNK) {
                    Map<String, List<Rec>> byKey = new LinkedHashMap<>();
                    for (Rec r : records.subList(from, Math.min(records.size(), from + CHUNK))) {
                        byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
                    }
                    for (Map.Entry<String, List<Rec>> e : byKey.entrySet()) {
                        CreateBatchOptions options = new CreateBatchOptions().setPartitionKey(e.getKey());
                        EventDataBatch batch = client.createBatch(options);
                        for (Rec r : e.getValue()) {
                            EventData d = new EventData(r.value());
                            d.getProperties().putAll(r.headers());
                            if (!batch.tryAdd(d)) {
                                client.send(batch);
                                batch = client.createBatch(options);
                                batch.tryAdd(d);
                            }
                        }
                        if (batch.getCount() > 0) {
                            client.send(batch);
                        }
                    }
                }
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    static Sender eventGrid(String url, String key) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(url);
        return new Sender() {
            @Override
            public void send(List<Rec> records) throws Exception {
                for (int from = 0; from < records.size(); from += CHUNK) {
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    body.write('[');
                    boolean first = true;
                    for (Rec r : records.subList(from, Math.min(records.size(), from + CHUNK))) {
                        if (!first) {
                            body.write(',');
                        }
                        body.write(r.value());
                        first = false;
                    }
                    body.write(']');
                    HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .header("aeg-sas-key", key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException("Event Grid stand-in answered " + resp.statusCode());
                    }
                }
            }

            @Override
            public void close() {
                // HttpClient has nothing to close on Java 17
            }
        };
    }
}
