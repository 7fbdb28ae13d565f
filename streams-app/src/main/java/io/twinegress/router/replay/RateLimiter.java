package io.twinegress.router.replay;

/**
 * At most {@code perSecond} permits a second, shared by every backfill of this router instance:
 * each batch pays for what it read once it has read it, and the next batch waits for the debt.
 * Thread-safe; the clock is injected so tests run in no time.
 */
final class RateLimiter {

    interface Clock {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;
    }

    static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    };

    private final double nanosPerPermit;
    private final Clock clock;
    private long nextFree;

    RateLimiter(int perSecond, Clock clock) {
        this.nanosPerPermit = 1_000_000_000.0 / perSecond;
        this.clock = clock;
        this.nextFree = clock.nanoTime();
    }

    /** Charges {@code permits}; waits first until earlier charges are paid off. */
    void acquire(int permits) throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = clock.nanoTime();
            wait = Math.max(0, nextFree - now);
            nextFree = Math.max(nextFree, now) + (long) (permits * nanosPerPermit);
        }
        if (wait > 0) {
            clock.sleepNanos(wait);
        }
    }
}
