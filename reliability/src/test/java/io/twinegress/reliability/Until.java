package io.twinegress.reliability;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/** Waits on a condition with a deadline, polling; never a sleep used as synchronisation. */
final class Until {

    private Until() {
    }

    static void until(String what, Duration deadline, Callable<Boolean> condition) {
        long end = System.nanoTime() + deadline.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + what + " within " + deadline.toSeconds() + " s"
                        + (last == null ? "" : " (last error: " + last + ")"));
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    /** Lets a fault last {@code d} (the scenario's own timing), checking {@code during} meanwhile. */
    static void hold(Duration d, Callable<Boolean> during) throws Exception {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            during.call();
            LockSupport.parkNanos(Math.min(Duration.ofMillis(500).toNanos(), Math.max(0, end - System.nanoTime())));
        }
    }
}
