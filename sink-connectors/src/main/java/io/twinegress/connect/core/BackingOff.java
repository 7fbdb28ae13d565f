package io.twinegress.connect.core;

import java.time.Duration;
import java.util.Collection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backoff as the task lives it: when the next attempt is due ({@link Backoff}), the input paused
 * meanwhile ({@link PartitionPauser}), Connect asked to call {@code put()} again at the delay, the
 * backoff metrics, and one log line when it starts and one when it ends; the retries in between
 * log at DEBUG only. Task thread only.
 */
final class BackingOff {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);

    private final String name;
    private final Backoff backoff;
    private final PartitionPauser pauser;
    private final DeliveryMetrics metrics;
    private final SinkTaskContext context;

    BackingOff(String name, Backoff backoff, SinkTaskContext context, DeliveryMetrics metrics) {
        this.name = name;
        this.backoff = backoff;
        this.pauser = new PartitionPauser(context);
        this.metrics = metrics;
        this.context = context;
    }

    /** From the first failed attempt until the endpoint takes records again or nothing is held. */
    boolean active() {
        return backoff.active();
    }

    /** Time left before the next attempt; zero when it is due (or not backing off). */
    Duration remaining() {
        return backoff.remaining();
    }

    /** Partitions assigned to the task: paused too while a backoff lasts. */
    void opened(Collection<TopicPartition> partitions) {
        pauser.opened(partitions);
    }

    /**
     * An attempt failed with {@code f} while {@code held} records wait: starts or continues the
     * backoff, pauses the input and has Connect call again when the delay is over.
     */
    void failed(Failure f, int held, KeySlot key) {
        failed(f, held, "the " + key + " key");
    }

    /** As {@link #failed(Failure, int, KeySlot)}, naming what the task authenticates with ({@code the primary key}, an identity). */
    void failed(Failure f, int held, String credential) {
        boolean starting = !backoff.active();
        Duration delay = backoff.next(f.retryAfter());
        metrics.backoffStarted(backoff.attempts());
        pauser.pause();
        if (starting) {
            LOG.warn("{}: endpoint unavailable ({}); holding {} records, retrying in {} ms with {} "
                + "(input paused until the endpoint takes records again)", name, f.reason(), held, delay.toMillis(), credential);
        } else {
            LOG.debug("{}: attempt {} failed ({}); retrying in {} ms", name, backoff.attempts(), f.reason(), delay.toMillis());
        }
        context.timeout(Math.max(1, delay.toMillis()));
    }

    /** The endpoint took records again. */
    void recovered(KeySlot key, int held) {
        recovered("the " + key + " key", held);
    }

    /** As {@link #recovered(KeySlot, int)}, naming what the task authenticates with. */
    void recovered(String credential, int held) {
        if (backoff.active()) {
            int attempts = backoff.attempts();
            Duration lasted = end();
            LOG.info("{}: endpoint accepts records again with {}, after {} ms of backoff and {} failed attempts; "
                + "{} records held, input resumed", name, credential, lasted.toMillis(), attempts, held);
        }
    }

    /** Nothing is held any more ({@code why}): the backoff ends, the next records start afresh. */
    void nothingHeld(String why) {
        if (backoff.active()) {
            int attempts = backoff.attempts();
            Duration lasted = end();
            LOG.info("{}: backoff over after {} ms and {} failed attempts: nothing held any more ({}); input resumed",
                name, lasted.toMillis(), attempts, why);
        }
    }

    /**
     * Nothing is held because the partitions of what was held were taken from the task: the backoff
     * ends once its delay is over; until then Connect is asked to call again when it is.
     */
    void nothingToRetry() {
        if (backoff.active() && backoff.remaining().isZero()) {
            nothingHeld("its partitions were taken from the task");
        } else if (backoff.active()) {
            context.timeout(Math.max(1, backoff.remaining().toMillis()));
        }
    }

    private Duration end() {
        Duration lasted = backoff.reset();
        metrics.backoffEnded();
        pauser.resume();
        return lasted;
    }
}
