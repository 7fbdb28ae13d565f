package io.twinegress.connect.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;

/**
 * Per-task delivery metrics. Registered through Connect's {@link PluginMetrics} (KIP-877), so they
 * appear on JMX next to Connect's own task metrics, tagged with the connector and task:
 * {@code kafka.connect:type=plugins,connector=<name>,task=<n>} (attribute names below).
 *
 * <table>
 *   <caption>metrics</caption>
 *   <tr><td>{@code delivered-records-total}</td><td>records the endpoint accepted</td></tr>
 *   <tr><td>{@code batches-total}</td><td>requests the endpoint accepted</td></tr>
 *   <tr><td>{@code failovers-total}</td><td>key switches</td></tr>
 *   <tr><td>{@code active-key}</td><td>{@code primary} or {@code secondary}; {@code entra-id} with an identity</td></tr>
 *   <tr><td>{@code backing-off}</td><td>1 while backing off, else 0</td></tr>
 *   <tr><td>{@code backoff-attempts}</td><td>failed attempts in the current backoff</td></tr>
 *   <tr><td>{@code current-backoff-ms}</td><td>how long the current backoff has lasted</td></tr>
 *   <tr><td>{@code backoff-time-ms-total}</td><td>time spent in finished backoffs</td></tr>
 *   <tr><td>{@code dead-lettered-records-total}</td><td>records sent to the dead-letter topic</td></tr>
 *   <tr><td>{@code held-records}</td><td>records accepted from Connect and not yet delivered</td></tr>
 * </table>
 * Thread-safe reads (JMX threads); writes come from the task thread.
 */
public final class DeliveryMetrics {

    public static final String GROUP = "twin-egress-delivery";

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong failovers = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong backoffTimeTotalMs = new AtomicLong();
    private volatile KeySlot activeKey = KeySlot.PRIMARY;
    /** When set (an identity, no keys), what {@code active-key} reports instead of the key. */
    private volatile String authMode;
    private volatile boolean backingOff;
    private volatile int backoffAttempts;
    private volatile long backoffStartedAtMs = -1;
    private volatile int held;
    private final java.util.function.LongSupplier nowMs;

    private PluginMetrics registry;
    private final List<MetricName> registered = new ArrayList<>();

    public DeliveryMetrics(java.util.function.LongSupplier nowMs) {
        this.nowMs = nowMs;
    }

    /** Registers the gauges; a null registry (unit tests) is ignored. */
    public void register(PluginMetrics metrics) {
        if (metrics == null) {
            return;
        }
        this.registry = metrics;
        add("delivered-records-total", "Records the endpoint accepted.", delivered::get);
        add("batches-total", "Requests (batches) the endpoint accepted.", batches::get);
        add("failovers-total", "Times the task switched between the primary and secondary key.", failovers::get);
        add("active-key", "The key in use: primary or secondary; entra-id when the task authenticates with a "
            + "Microsoft Entra ID identity.", this::activeKeyLabel);
        add("backing-off", "1 while the task is backing off, else 0.", () -> backingOff ? 1 : 0);
        add("backoff-attempts", "Failed attempts in the current backoff.", () -> backoffAttempts);
        add("current-backoff-ms", "How long the current backoff has lasted, in ms.", this::currentBackoffMs);
        add("backoff-time-ms-total", "Time spent backing off, in ms, finished backoffs included.",
            () -> backoffTimeTotalMs.get() + currentBackoffMs());
        add("dead-lettered-records-total", "Records sent to the dead-letter topic.", deadLettered::get);
        add("held-records", "Records received from Connect and not yet delivered or dead-lettered.", () -> held);
    }

    private void add(String name, String description, Supplier<?> value) {
        MetricName metricName = registry.metricName(name, description, new LinkedHashMap<>());
        Gauge<Object> gauge = (config, now) -> value.get();
        try {
            registry.addMetric(metricName, gauge);
        } catch (IllegalArgumentException stillThere) {
            // The previous instance of this task (same connector and task id) has not finished
            // stopping, e.g. its graceful stop timed out after a rebalance: its gauge still holds the
            // name, and only it can remove it. Start without this gauge rather than fail the task,
            // which would stop delivery until someone restarts it.
            return;
        }
        registered.add(metricName);
    }

    /** Removes the gauges (task stop). */
    public void unregister() {
        if (registry != null) {
            for (MetricName n : registered) {
                try {
                    registry.removeMetric(n);
                } catch (RuntimeException ignored) {
                    // the worker may already have closed the plugin metrics
                }
            }
            registered.clear();
        }
    }

    void recordBatch(int records) {
        batches.incrementAndGet();
        delivered.addAndGet(records);
    }

    void recordFailover(KeySlot nowActive) {
        failovers.incrementAndGet();
        activeKey = nowActive;
    }

    void recordDeadLettered() {
        deadLettered.incrementAndGet();
    }

    void backoffStarted(int attempts) {
        if (!backingOff) {
            backingOff = true;
            backoffStartedAtMs = nowMs.getAsLong();
        }
        backoffAttempts = attempts;
    }

    void backoffEnded() {
        if (backingOff) {
            backoffTimeTotalMs.addAndGet(currentBackoffMs());
        }
        backingOff = false;
        backoffAttempts = 0;
        backoffStartedAtMs = -1;
    }

    /** The task authenticates with an identity, not a key: {@code active-key} reports {@code mode}. */
    void authMode(String mode) {
        this.authMode = mode;
    }

    /** What {@code active-key} reports: {@code primary}, {@code secondary}, or the auth mode with an identity. */
    public String activeKeyLabel() {
        String mode = authMode;
        return mode != null ? mode : activeKey.toString();
    }

    void held(int records) {
        held = records;
    }

    private long currentBackoffMs() {
        long started = backoffStartedAtMs;
        return backingOff && started >= 0 ? Math.max(0, nowMs.getAsLong() - started) : 0;
    }

    public long delivered() {
        return delivered.get();
    }

    public long batches() {
        return batches.get();
    }

    public long failovers() {
        return failovers.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    public KeySlot activeKey() {
        return activeKey;
    }

    public boolean backingOff() {
        return backingOff;
    }

    public long backoffTimeTotalMs() {
        return backoffTimeTotalMs.get() + currentBackoffMs();
    }

    public int heldRecords() {
        return held;
    }
}
