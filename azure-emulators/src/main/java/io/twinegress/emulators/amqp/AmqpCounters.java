package io.twinegress.emulators.amqp;

import java.util.concurrent.atomic.AtomicLongArray;

/** What the AMQP stand-in counts: bumped on the reactor thread, read from any thread. */
final class AmqpCounters {

    enum Counter { TOKENS_ACCEPTED, TOKENS_REFUSED, TRANSFERS_ACCEPTED, TRANSFERS_THROTTLED, DUPLICATES_DROPPED }

    private final AtomicLongArray counts = new AtomicLongArray(Counter.values().length);

    void add(Counter c) {
        counts.incrementAndGet(c.ordinal());
    }

    long get(Counter c) {
        return counts.get(c.ordinal());
    }
}
