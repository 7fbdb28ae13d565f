package io.twinegress.reliability.ledger;

import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.traffic.Kind;
import io.twinegress.localstack.traffic.SampleEvents;
import io.twinegress.schemas.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the seed's sample events of every kind (and raw device telemetry), round robin, each
 * with a fresh id, and keeps the ledger of every id the broker acknowledged with its event type:
 * what every matching endpoint must receive. One per scenario, so each counts only its own ids.
 * The producer is idempotent with acks=all and retries for up to 5 minutes, so a broker restart
 * delays records but never fails them.
 */
public final class Traffic implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final SampleEvents samples = new SampleEvents();
    private final Map<String, EventType> acked = new ConcurrentHashMap<>();
    /** When each acknowledged record was handed to the producer: the start of its end-to-end delay. */
    private final Map<String, Instant> sentAt = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private volatile Thread pacer;
    private volatile boolean pacing;

    public Traffic(String bootstrap) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000",
                ProducerConfig.CLIENT_ID_CONFIG, "reliability-traffic"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends one record of the next kind. */
    public void sendNext() {
        long n = seq.getAndIncrement();
        Kind kind = Kind.values()[(int) (n % Kind.values().length)];
        SampleEvents.Sample s = samples.next(kind, n);
        send(s.record(), s.id(), kind.eventType());
    }

    /** Sends a record whose id (event id, or the id inside raw telemetry) is {@code id}. */
    public void send(ProducerRecord<byte[], byte[]> record, String id, EventType type) {
        sent.incrementAndGet();
        Instant now = Instant.now();
        producer.send(record, (md, e) -> {
            if (e == null) {
                sentAt.put(id, now);
                acked.put(id, type);
            } else {
                failed.incrementAndGet();
                lastError.set(e.toString());
            }
        });
    }

    /** Sends {@code n} records as fast as the producer takes them, and waits for every ack. */
    public void burst(int n) {
        for (int i = 0; i < n; i++) {
            sendNext();
        }
        producer.flush();
    }

    /** Starts sending about {@code perSecond} records a second on a thread of its own. */
    public synchronized void startPacing(double perSecond) {
        if (pacer != null) {
            return;
        }
        pacing = true;
        long intervalNanos = (long) (1_000_000_000L / perSecond);
        pacer = new Thread(() -> {
            long next = System.nanoTime();
            while (pacing) {
                sendNext();
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    // pacing the load, not synchronising anything
                    LockSupport.parkNanos(wait);
                }
            }
        }, "reliability-traffic");
        pacer.setDaemon(true);
        pacer.start();
    }

    /** Stops the paced traffic and waits until everything sent is acknowledged (or failed). */
    public synchronized void stopPacing() {
        pacing = false;
        if (pacer != null) {
            try {
                pacer.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pacer = null;
        }
        producer.flush();
    }

    public long sent() {
        return sent.get();
    }

    public long acked() {
        return acked.size();
    }

    public long failed() {
        return failed.get();
    }

    public String lastError() {
        return lastError.get();
    }

    /** Every acknowledged id. */
    public Set<String> ids() {
        return Set.copyOf(acked.keySet());
    }

    /** When the acknowledged record {@code id} was sent, or null if it was not acknowledged. */
    public Instant sentAt(String id) {
        return sentAt.get(id);
    }

    /** The acknowledged ids this endpoint subscribes to. */
    public Set<String> expectedIds(SampleEndpoint e) {
        Set<String> ids = new HashSet<>();
        acked.forEach((id, type) -> {
            if (e.accepts(type)) {
                ids.add(id);
            }
        });
        return ids;
    }

    @Override
    public void close() {
        stopPacing();
        producer.close(Duration.ofSeconds(30));
    }
}
