package io.twinegress.connect.core;

import java.util.Collection;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * Holds the task's input back for the time of a backoff, the way the Elasticsearch sink's partition
 * pauser does: {@link #pause()} pauses every partition assigned to the task, so Connect's consumer
 * stays in its group and keeps calling {@code put()} (with no records, at the delay the task asks
 * for with {@code context.timeout}) while the delivery core retries from the records it holds;
 * {@link #resume()} resumes them once the endpoint takes records again.
 *
 * <p>A rebalance during a backoff: Connect itself pauses again, after the rebalance, the partitions
 * the task paused that it still owns, and forgets the revoked ones; partitions newly assigned are not
 * paused by Connect, so {@link #opened} pauses them too. Without that they would be read on into
 * memory for the whole backoff.
 *
 * <p>Pausing and resuming are Connect's own: the task asks, the worker decides (a connector paused by
 * its operator stays paused when the task resumes its partitions). Task thread only.
 */
final class PartitionPauser {

    private final SinkTaskContext context;
    private boolean paused;

    PartitionPauser(SinkTaskContext context) {
        this.context = context;
    }

    /** Pauses every partition assigned to the task now (again, if already paused). */
    void pause() {
        paused = true;
        pause(context.assignment());
    }

    /** Partitions assigned to the task by a rebalance: paused too while a backoff lasts. */
    void opened(Collection<TopicPartition> partitions) {
        if (paused) {
            pause(partitions);
        }
    }

    /** Resumes every partition assigned to the task, if they were paused. */
    void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        Set<TopicPartition> assigned = context.assignment();
        if (!assigned.isEmpty()) {
            context.resume(assigned.toArray(TopicPartition[]::new));
        }
    }

    boolean paused() {
        return paused;
    }

    private void pause(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            context.pause(partitions.toArray(TopicPartition[]::new));
        }
    }
}
