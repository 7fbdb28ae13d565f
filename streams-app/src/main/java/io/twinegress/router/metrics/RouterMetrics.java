package io.twinegress.router.metrics;

import io.twinegress.router.deadletter.DeadLetters;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's own counters, besides Kafka Streams' metrics: records routed per endpoint,
 * events that matched no endpoint, records dead-lettered by kind. Thread-safe; shared by
 * every stream thread. Published on JMX by {@link RouterMBeans}.
 *
 * <p>Counters count processing, not commits: after a crash under exactly_once_v2 the events of
 * the aborted transaction are processed, and counted, again (the egress topics still hold
 * them once).
 *
 * <p>Dead-lettering is logged without flooding: the first one at once, then at most one summary
 * line per {@link #LOG_INTERVAL_NANOS}, never one line per record.
 */
public final class RouterMetrics {

    private static final Logger LOG = LoggerFactory.getLogger("io.twinegress.router.deadletter");
    static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

    private static final RouterMetrics GLOBAL = new RouterMetrics(System::nanoTime);

    private final Map<String, LongAdder> routed = new ConcurrentHashMap<>();
    private final LongAdder unmatched = new LongAdder();
    private final Map<DeadLetters.Kind, LongAdder> deadLettered = new EnumMap<>(DeadLetters.Kind.class);
    private final LongSupplier nanoClock;
    private volatile RouterMBeans mbeans;

    // Guarded by this: the dead-letter log summary.
    private long lastLogNanos;
    private boolean loggedOnce;
    private long sinceLastLog;

    public RouterMetrics(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        for (DeadLetters.Kind kind : DeadLetters.Kind.values()) {
            deadLettered.put(kind, new LongAdder());
        }
    }

    /**
     * The process-wide instance: what the runnable router publishes, and what Kafka Streams'
     * reflectively built handlers can reach.
     */
    public static RouterMetrics global() {
        return GLOBAL;
    }

    void attach(RouterMBeans beans) {
        this.mbeans = beans;
        routed.keySet().forEach(beans::endpointSeen);
    }

    public void routed(String endpointId) {
        routed.computeIfAbsent(endpointId, id -> {
            RouterMBeans beans = mbeans;
            if (beans != null) {
                beans.endpointSeen(id);
            }
            return new LongAdder();
        }).increment();
    }

    public void unmatched() {
        unmatched.increment();
    }

    /**
     * Counts one dead-lettered record. The log line names the kind, the field and the record's
     * coordinates but never the reason text: a parser's message can quote bytes of the record,
     * which belong in the dead-letter topic (as sensitive as the input) and not in a log.
     */
    public void deadLettered(DeadLetters.Kind kind, String field, String topic, int partition, long offset) {
        deadLettered.get(kind).increment();
        long now = nanoClock.getAsLong();
        String line = null;
        synchronized (this) {
            sinceLastLog++;
            if (!loggedOnce || now - lastLogNanos >= LOG_INTERVAL_NANOS) {
                line = String.format("%d record(s) dead-lettered since the last report (%s so far); latest: %s (field %s) at %s-%d@%d;"
                                + " the reason is in the record's %s header", sinceLastLog, deadLetteredByKind(), kind.wire(), field,
                        topic, partition, offset, DeadLetters.REASON);
                loggedOnce = true;
                lastLogNanos = now;
                sinceLastLog = 0;
            }
        }
        if (line != null) {
            LOG.warn(line);
        }
    }

    public long routedTotal(String endpointId) {
        LongAdder adder = routed.get(endpointId);
        return adder == null ? 0 : adder.sum();
    }

    public long routedTotal() {
        return routed.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Long> routedPerEndpoint() {
        Map<String, Long> result = new TreeMap<>();
        routed.forEach((id, adder) -> result.put(id, adder.sum()));
        return result;
    }

    public long unmatchedTotal() {
        return unmatched.sum();
    }

    public long deadLetteredTotal() {
        return deadLettered.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long deadLetteredTotal(DeadLetters.Kind kind) {
        return deadLettered.get(kind).sum();
    }

    public Map<String, Long> deadLetteredByKind() {
        Map<String, Long> result = new TreeMap<>();
        deadLettered.forEach((kind, adder) -> result.put(kind.wire(), adder.sum()));
        return result;
    }
}
