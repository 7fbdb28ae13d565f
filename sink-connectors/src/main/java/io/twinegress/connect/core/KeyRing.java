package io.twinegress.connect.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * Primary/secondary key failover, as Azure Digital Twins endpoints had it, minus the data loss:
 * <ul>
 *   <li>the active key is refused and the other key has not been refused in this round →
 *       switch to it and re-send at once ({@link Decision#RETRY_NOW});</li>
 *   <li>both keys refused in this round (or there is no secondary) → back off
 *       ({@link Decision#BACK_OFF}); the ring has already switched, so the attempt after the
 *       backoff starts with the other key, and each backoff round tries both;</li>
 *   <li>a successful send ends the round; the working key stays active.</li>
 * </ul>
 * Not thread-safe: used from the task thread only. Logging and metrics are the caller's
 * ({@link Failover} logs one line per switch).
 */
public final class KeyRing {

    /** What to do after the active key was refused. */
    public enum Decision { RETRY_NOW, BACK_OFF }

    private final boolean hasSecondary;
    private final Set<KeySlot> refusedThisRound = EnumSet.noneOf(KeySlot.class);
    private KeySlot active = KeySlot.PRIMARY;

    public KeyRing(boolean hasSecondary) {
        this.hasSecondary = hasSecondary;
    }

    public KeySlot active() {
        return active;
    }

    /** The endpoint refused the active key. Switches when there is another key. */
    public Decision refused() {
        refusedThisRound.add(active);
        if (!hasSecondary) {
            refusedThisRound.clear();
            return Decision.BACK_OFF;
        }
        KeySlot other = active.other();
        boolean otherUntried = !refusedThisRound.contains(other);
        active = other;
        if (otherUntried) {
            return Decision.RETRY_NOW;
        }
        refusedThisRound.clear();
        return Decision.BACK_OFF;
    }

    /** The active key worked. */
    public void succeeded() {
        refusedThisRound.clear();
    }
}
