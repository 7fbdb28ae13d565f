package io.twinegress.reliability;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a fault in place for its whole length: the scenario's own timing (an outage of so many
 * seconds), not a wait for a state. Waiting for a state goes through Awaitility.
 */
final class FaultWindow {

    /** Something checked over and over while the fault lasts. */
    interface Check {
        void run() throws Exception;
    }

    private static final Duration CHECK_EVERY = Duration.ofMillis(500);

    private FaultWindow() {
    }

    /** Lets the fault last {@code length}. */
    static void hold(Duration length) throws Exception {
        hold(length, () -> { });
    }

    /** Lets the fault last {@code length}, running {@code during} meanwhile (at most every 500 ms). */
    static void hold(Duration length, Check during) throws Exception {
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() < end) {
            during.run();
            LockSupport.parkNanos(Math.min(CHECK_EVERY.toNanos(), Math.max(0, end - System.nanoTime())));
        }
    }
}
