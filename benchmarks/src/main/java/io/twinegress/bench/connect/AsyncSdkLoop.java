package io.twinegress.bench.connect;

import com.azure.core.util.BinaryData;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerAsyncClient;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The strongest baselines of figure 5: the SDK's async clients (Service Bus, Event Hubs) and
 * {@code HttpClient.sendAsync} (Event Grid) with up to {@code inFlight} batches on the wire at once,
 * otherwise what {@link RawSdkLoop} does: the same records, converted the same way in the timed
 * part, in the same batches (chunks of {@link RawSdkLoop#CHUNK}; Event Hubs one batch chain per
 * partition key).
 *
 * <p>{@link #limit} is the stand-in's ingest ceiling as this machine can reach it: every batch built
 * before the timed part (no per-record work left), then sent with {@code inFlight} batches at once.
 * It is not a hand-written AMQP client: for Service Bus and Event Hubs it still goes through the SDK's
 * AMQP stack, which is what every sender here shares.
 */
public final class AsyncSdkLoop {

    private AsyncSdkLoop() {
    }

    /** At most {@code inFlight} sends at once; the first failure is rethrown once all have finished. */
    private static final class Window {
        private final Semaphore permits;
        private final int size;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Window(int size) {
            this.size = size;
            this.permits = new Semaphore(size);
        }

        void send(Supplier<Mono<Void>> send) throws InterruptedException {
            permits.acquire();
            send.get().subscribe(v -> {
            }, e -> {
                failure.compareAndSet(null, e);
                permits.release();
            }, permits::release);
        }

        void drain() throws Exception {
            permits.acquire(size);
            permits.release(size);
            Throwable t = failure.get();
            if (t != null) {
                throw new IllegalStateException("a send failed: " + t, t);
            }
        }
    }

    public static RawSdkLoop.Sender sender(StandIns.Target target, StandIns standIns, String key, int inFlight) {
        return switch (target) {
            case SERVICE_BUS -> serviceBus(standIns.connectionString(target, key), inFlight, false);
            case EVENT_HUBS -> eventHubs(standIns.connectionString(target, key), inFlight, false);
            case EVENT_GRID -> eventGrid(standIns.eventGridUrl(), key, inFlight, false);
        };
    }

    /** The stand-in's ceiling: batches prepared by {@link RawSdkLoop.Sender#send}'s caller before timing (see the class comment). */
    public static Prepared limit(StandIns.Target target, StandIns standIns, String key, int inFlight) {
        return (Prepared) switch (target) {
            case SERVICE_BUS -> serviceBus(standIns.connectionString(target, key), inFlight, true);
            case EVENT_HUBS -> eventHubs(standIns.connectionString(target, key), inFlight, true);
            case EVENT_GRID -> eventGrid(standIns.eventGridUrl(), key, inFlight, true);
        };
    }

    /** A sender whose batches are built by {@link #prepare} (untimed) and only sent by {@link #send}. */
    public interface Prepared extends RawSdkLoop.Sender {
        void prepare(List<RawSdkLoop.Rec> records) throws Exception;
    }

    private abstract static class Base<B> implements Prepared {
        private final boolean prebuilt;
        private final int inFlight;
        private List<B> ready = List.of();

        Base(int inFlight, boolean prebuilt) {
            this.inFlight = inFlight;
            this.prebuilt = prebuilt;
        }

        abstract void batches(List<RawSdkLoop.Rec> chunk, java.util.function.Consumer<B> out) throws Exception;

        abstract Mono<Void> send(B batch);

        @Override
        public void prepare(List<RawSdkLoop.Rec> records) throws Exception {
            List<B> all = new ArrayList<>();
            for (int from = 0; from < records.size(); from += RawSdkLoop.CHUNK) {
                batches(records.subList(from, Math.min(records.size(), from + RawSdkLoop.CHUNK)), all::add);
            }
            ready = all;
        }

        @Override
        public void send(List<RawSdkLoop.Rec> records) throws Exception {
            Window window = new Window(inFlight);
            if (prebuilt) {
                for (B b : ready) {
                    window.send(() -> send(b));
                }
            } else {
                for (int from = 0; from < records.size(); from += RawSdkLoop.CHUNK) {
                    List<B> chunk = new ArrayList<>();
                    batches(records.subList(from, Math.min(records.size(), from + RawSdkLoop.CHUNK)), chunk::add);
                    for (B b : chunk) {
                        window.send(() -> send(b));
                    }
                }
            }
            window.drain();
        }
    }

    static Prepared serviceBus(String connectionString, int inFlight, boolean prebuilt) {
        ServiceBusSenderAsyncClient client = new ServiceBusClientBuilder().connectionString(connectionString)
            .sender().topicName(StandIns.SB_TOPIC).buildAsyncClient();
        client.createMessageBatch().block(Duration.ofSeconds(30));   // connect and authorize outside the timed part
        return new Base<ServiceBusMessageBatch>(inFlight, prebuilt) {
            @Override
            void batches(List<RawSdkLoop.Rec> chunk, java.util.function.Consumer<ServiceBusMessageBatch> out) {
                ServiceBusMessageBatch batch = client.createMessageBatch().block();
                for (RawSdkLoop.Rec r : chunk) {
                    ServiceBusMessage m = new ServiceBusMessage(BinaryData.fromBytes(r.value()));
                    m.setContentType("application/json");
                    m.setMessageId(r.id());
                    m.setSubject(r.type());
                    m.getApplicationProperties().putAll(r.headers());
                    if (!batch.tryAddMessage(m)) {
                        out.accept(batch);
                        batch = client.createMessageBatch().block();
                        batch.tryAddMessage(m);
                    }
                }
                if (batch.getCount() > 0) {
                    out.accept(batch);
                }
            }

            @Override
            Mono<Void> send(ServiceBusMessageBatch batch) {
                return client.sendMessages(batch);
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    static Prepared eventHubs(String connectionString, int inFlight, boolean prebuilt) {
        EventHubProducerAsyncClient client = new EventHubClientBuilder().connectionString(connectionString).buildAsyncProducerClient();
        client.createBatch().block(Duration.ofSeconds(30));
        return new Base<EventDataBatch>(inFlight, prebuilt) {
            @Override
            void batches(List<RawSdkLoop.Rec> chunk, java.util.function.Consumer<EventDataBatch> out) {
                Map<String, List<RawSdkLoop.Rec>> byKey = new LinkedHashMap<>();
                for (RawSdkLoop.Rec r : chunk) {
                    byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
                }
                for (Map.Entry<String, List<RawSdkLoop.Rec>> e : byKey.entrySet()) {
                    CreateBatchOptions options = new CreateBatchOptions().setPartitionKey(e.getKey());
                    EventDataBatch batch = client.createBatch(options).block();
                    for (RawSdkLoop.Rec r : e.getValue()) {
                        EventData d = new EventData(r.value());
                        d.getProperties().putAll(r.headers());
                        if (!batch.tryAdd(d)) {
                            out.accept(batch);
                            batch = client.createBatch(options).block();
                            batch.tryAdd(d);
                        }
                    }
                    if (batch.getCount() > 0) {
                        out.accept(batch);
                    }
                }
            }

            @Override
            Mono<Void> send(EventDataBatch batch) {
                return client.send(batch);
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    static Prepared eventGrid(String url, String key, int inFlight, boolean prebuilt) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(url);
        return new Base<byte[]>(inFlight, prebuilt) {
            @Override
            void batches(List<RawSdkLoop.Rec> chunk, java.util.function.Consumer<byte[]> out) throws Exception {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.write('[');
                boolean first = true;
                for (RawSdkLoop.Rec r : chunk) {
                    if (!first) {
                        body.write(',');
                    }
                    body.write(r.value());
                    first = false;
                }
                body.write(']');
                out.accept(body.toByteArray());
            }

            @Override
            Mono<Void> send(byte[] body) {
                return Mono.fromFuture(() -> http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("aeg-sas-key", key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()))
                    .flatMap(resp -> resp.statusCode() == 200 ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException("Event Grid stand-in answered " + resp.statusCode())));
            }

            @Override
            public void close() {
                // HttpClient has nothing to close on Java 17
            }
        };
    }
}
