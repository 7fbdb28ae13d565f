package io.twinegress.router.endpoints;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts, per egress topic, the retriable failures of the egress-topic step in a row. A retriable
 * failure fails the task so that exactly_once_v2 processes the endpoint record again; this count
 * bounds that, so a cluster that stays unavailable (or an error that only looks retriable) costs a
 * few task restarts, not a crash loop. One instance per topology, shared by every instance of the
 * endpoint processor: a failed task's processor is replaced by a new one, the count stays.
 */
public final class EgressAttempts {

    /** Forgets everything beyond this many topics (each entry is cleared on success or give-up anyway). */
    private static final int MAX_TRACKED = 10_000;

    private final int maxAttempts;
    private final ConcurrentMap<String, Integer> failures = new ConcurrentHashMap<>();

    /** @param maxAttempts attempts in all for one topic, the first included; 1 never fails the task */
    public EgressAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /**
     * Records a retriable failure.
     *
     * @return true when another attempt is due (fail the task), false when this was the last one
     *         (the count starts again)
     */
    boolean failedMayRetry(String topic) {
        if (failures.size() > MAX_TRACKED) {
            failures.clear();
        }
        int failed = failures.merge(topic, 1, Integer::sum);
        if (failed < maxAttempts) {
            return true;
        }
        failures.remove(topic);
        return false;
    }

    void succeeded(String topic) {
        failures.remove(topic);
    }

    int maxAttempts() {
        return maxAttempts;
    }
}
