package io.twinegress.localstack.traffic;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the sample events of every kind, round robin, at a steady rate (or in one go), and keeps
 * the {@link Ledger} of what the broker acknowledged.
 */
public final class TrafficGenerator implements AutoCloseable {

    private static final long TICK_MS = 100;

    private final KafkaProducer<byte[], byte[]> producer;
    private final SampleEvents samples = new SampleEvents();
    private final Ledger ledger;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private ScheduledExecutorService ticker;
    private double owed;

    /** @param endpoints the endpoints the ledger keeps expectations for (filters included) */
    public TrafficGenerator(String bootstrap, java.util.List<io.twinegress.localstack.endpoints.SampleEndpoint> endpoints) {
        ledger = new Ledger(endpoints);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.CLIENT_ID_CONFIG, "twin-egress-local-producer"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    public Ledger ledger() {
        return ledger;
    }

    public long failed() {
        return failed.get();
    }

    public String lastError() {
        return lastError.get();
    }

    /** Sends one record of the next kind (round robin over all kinds). */
    public void sendNext() {
        long n = seq.getAndIncrement();
        Kind kind = Kind.values()[(int) (n % Kind.values().length)];
        send(kind, n);
    }

    private void send(Kind kind, long n) {
        SampleEvents.Sample s = samples.next(kind, n);
        producer.send(s.record(), (md, e) -> {
            if (e == null) {
                ledger.acked(kind, s.id(), s.record());
            } else {
                failed.incrementAndGet();
                lastError.set(e.toString());
            }
        });
    }

    /** Sends {@code perKind} records of every kind and waits until all are acknowledged. */
    public void sendEach(int perKind) {
        for (int i = 0; i < perKind; i++) {
            for (Kind k : Kind.values()) {
                send(k, seq.getAndIncrement());
            }
        }
        producer.flush();
    }

    /** Starts sending {@code perSecond} records a second, spread over the second. */
    public synchronized void start(double perSecond) {
        if (ticker != null) {
            return;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twin-egress-local-traffic");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            owed += perSecond * TICK_MS / 1000.0;
            while (owed >= 1) {
                sendNext();
                owed -= 1;
            }
        }, 0, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** Stops the steady traffic and waits until everything sent is acknowledged (or failed). */
    public synchronized void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ticker = null;
        }
        producer.flush();
    }

    public boolean running() {
        return ticker != null;
    }

    @Override
    public void close() {
        stop();
        producer.close(Duration.ofSeconds(10));
    }
}
