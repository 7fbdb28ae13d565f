package io.twinegress.emulators;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What arrived at a stand-in, per entity (topic or event hub), in arrival order.
 * Thread-safe: the stand-in appends from its I/O thread while tests read and wait.
 * Entity names are case-insensitive, like Azure's.
 *
 * <p>By default everything is kept. With a retention limit (long runs, benchmarks) only the
 * newest items per entity are kept, while {@link #count} still counts every arrival.
 *
 * @param <T> the recorded item
 */
public final class ArrivalLog<T> {

    private final Map<String, ArrayDeque<T>> byEntity = new LinkedHashMap<>();
    private final Map<String, Long> arrived = new LinkedHashMap<>();
    private final Map<String, String> displayNames = new LinkedHashMap<>();
    private final int retainPerEntity;
    private long total;

    /** Keeps every item. */
    public ArrivalLog() {
        this(0);
    }

    /** Keeps at most the newest {@code retainPerEntity} items per entity; 0 keeps all. */
    public ArrivalLog(int retainPerEntity) {
        if (retainPerEntity < 0) {
            throw new IllegalArgumentException("retainPerEntity must be >= 0");
        }
        this.retainPerEntity = retainPerEntity;
    }

    /** Appends {@code item} to {@code entity}'s log and wakes waiters. */
    public synchronized void add(String entity, T item) {
        addAll(entity, List.of(item));
    }

    /** Appends several items at once (one wake-up). */
    public synchronized void addAll(String entity, List<T> items) {
        String k = key(entity);
        displayNames.putIfAbsent(k, entity);
        ArrayDeque<T> kept = byEntity.computeIfAbsent(k, e -> new ArrayDeque<>());
        kept.addAll(items);
        if (retainPerEntity > 0) {
            while (kept.size() > retainPerEntity) {
                kept.removeFirst();
            }
        }
        arrived.merge(k, (long) items.size(), Long::sum);
        total += items.size();
        notifyAll();
    }

    /** A snapshot of what arrived (and is retained) on {@code entity}, oldest first (empty if none). */
    public synchronized List<T> list(String entity) {
        ArrayDeque<T> items = byEntity.get(key(entity));
        return items == null ? List.of() : List.copyOf(items);
    }

    /** How many items arrived on {@code entity} since start or the last {@link #clear()} (retained or not). */
    public synchronized int count(String entity) {
        Long n = arrived.get(key(entity));
        return n == null ? 0 : (int) Math.min(Integer.MAX_VALUE, n);
    }

    /** How many items arrived on all entities together since start (not reduced by {@link #clear()}). */
    public synchronized long total() {
        return total;
    }

    /** Counts per entity (entities with at least one arrival), in first-arrival order. */
    public synchronized Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        arrived.forEach((k, n) -> counts.put(displayNames.get(k), (int) Math.min(Integer.MAX_VALUE, n)));
        return counts;
    }

    /** Forgets everything recorded so far. */
    public synchronized void clear() {
        byEntity.clear();
        arrived.clear();
        displayNames.clear();
    }

    /** Forgets what was recorded for {@code entity}. */
    public synchronized void clear(String entity) {
        byEntity.remove(key(entity));
        arrived.remove(key(entity));
        displayNames.remove(key(entity));
    }

    /**
     * Waits until at least {@code n} items arrived on {@code entity} and returns a snapshot of
     * all of them (the retained ones, with a retention limit).
     *
     * @throws AssertionError when the deadline passes first (the message says how many arrived)
     */
    public List<T> awaitCount(String entity, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                int count = count(entity);
                if (count >= n) {
                    return list(entity);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected at least " + n + " arrival(s) on '" + entity + "' within "
                            + timeout + ", got " + count);
                }
                try {
                    wait(Math.max(1, left / 1_000_000), 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for '" + entity + "'", e);
                }
            }
        }
    }

    private static String key(String entity) {
        return entity == null ? "" : entity.toLowerCase(Locale.ROOT);
    }
}
