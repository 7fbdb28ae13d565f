package io.twinegress.connect.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The task's dead-letter writes until each is known to be written, so that no commit passes a
 * dead letter that is not.
 *
 * <p>Connect itself waits for a partition's errant-record writes before it asks the task for that
 * partition's offsets, and fails the task when one failed. But it forgets the writes it waited for:
 * the commit Connect makes while it closes the failed task no longer knows of the failed write and
 * would pass it, losing that record (it is neither delivered nor dead-lettered). So the task keeps
 * its own account: a failed write refuses every commit of its partition, and a write not done yet
 * holds its partition's offset at the dead letter. Nothing here waits. Task thread only.
 */
final class DeadLetterWrites {

    private record Write(long offset, Future<?> write) {
    }

    private final Map<TopicPartition, List<Write>> writes = new HashMap<>();

    /** The record at {@code offset} of {@code tp} (original coordinates) is being written to the dead-letter topic. */
    void add(TopicPartition tp, long offset, Future<?> write) {
        writes.computeIfAbsent(tp, p -> new ArrayList<>()).add(new Write(offset, write));
    }

    /**
     * {@code offsets} (what is safe to commit otherwise) with every partition held at its oldest
     * dead letter not written yet; writes that succeeded are forgotten.
     *
     * @throws ConnectException when a write failed: nothing of its partition may be committed past it
     */
    Map<TopicPartition, OffsetAndMetadata> cap(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> capped = new HashMap<>(offsets);
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            List<Write> ofPartition = writes.get(e.getKey());
            if (ofPartition == null) {
                continue;
            }
            long limit = e.getValue().offset();
            for (Iterator<Write> it = ofPartition.iterator(); it.hasNext(); ) {
                Write w = it.next();
                if (!w.write().isDone()) {
                    limit = Math.min(limit, w.offset());
                } else if (failed(w.write())) {
                    throw new ConnectException("the dead-letter write of record " + e.getKey() + "@" + w.offset()
                        + " failed: not committing past it");
                } else {
                    it.remove();
                }
            }
            if (ofPartition.isEmpty()) {
                writes.remove(e.getKey());
            }
            capped.put(e.getKey(), new OffsetAndMetadata(limit));
        }
        return capped;
    }

    /** Partitions taken from the task: their offsets were committed (or refused) just before. */
    void close(Collection<TopicPartition> partitions) {
        writes.keySet().removeAll(partitions);
    }

    private static boolean failed(Future<?> done) {
        try {
            done.get();
            return false;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
