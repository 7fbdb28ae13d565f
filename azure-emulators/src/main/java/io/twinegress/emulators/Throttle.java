package io.twinegress.emulators;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in's throttling switch: on until turned off, or for the next <i>n</i> requests (transfers).
 * Thread-safe: tests flip it while the stand-in's I/O threads ask {@link #throttlesThisOne()}.
 * What a throttled request gets (server-busy, 429 ...) is the stand-in's business.
 */
public final class Throttle {

    private final AtomicBoolean all = new AtomicBoolean();
    private final AtomicInteger next = new AtomicInteger();

    /**
     * Throttles everything until turned off; off also cancels what {@link #next(int)} set.
     *
     * @return whether the on/off switch changed (for a log line on changes only)
     */
    public boolean set(boolean on) {
        boolean was = all.getAndSet(on);
        if (!on) {
            next.set(0);
        }
        return was != on;
    }

    /** Throttles the next {@code requests} requests (negative counts as 0), then lets them through again. */
    public void next(int requests) {
        next.set(Math.max(0, requests));
    }

    /** Whether requests are being throttled now. */
    public boolean isOn() {
        return all.get() || next.get() > 0;
    }

    /**
     * Called once per request: whether to throttle it. While on, always; otherwise it uses up one of
     * the next <i>n</i>, so concurrent requests never throttle more than <i>n</i> between them.
     */
    public boolean throttlesThisOne() {
        if (all.get()) {
            return true;
        }
        while (true) {
            int left = next.get();
            if (left <= 0) {
                return false;
            }
            if (next.compareAndSet(left, left - 1)) {
                return true;
            }
        }
    }
}
