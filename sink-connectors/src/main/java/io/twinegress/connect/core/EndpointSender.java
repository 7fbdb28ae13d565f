package io.twinegress.connect.core;

import java.util.Collection;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The only part of a connector that talks to its target: turns records into the target's
 * messages, packs them into size-aware batches and sends them, with one key. The delivery core
 * ({@link DeliveryEngine}) owns everything around it: which key, backoff, dead-lettering,
 * offsets, metrics.
 *
 * <p>Contract of {@link #send}:
 * <ul>
 *   <li>send the records in the order given (at least per topic-partition, and per partition key
 *       where the target has one);</li>
 *   <li>after each request the endpoint accepted, call {@link SendListener#delivered} with exactly
 *       the records it carried;</li>
 *   <li>a record that can never be sent, decided locally (too large for an empty batch, a value
 *       of an unsupported type): call {@link SendListener#rejected} with the reason; go on when it
 *       answers true, and when it answers false return at once without sending anything more;</li>
 *   <li>any other failure: let the exception propagate, unwrapped or with its cause attached.
 *       The core classifies it with {@link FailureClassifier}. If it classifies as
 *       {@link Outcome#RECORD_REJECTED} (a 400/413, an SDK size error), the core splits the
 *       unsent records in halves and calls {@code send} again until it has isolated the bad
 *       record, so a sender need not do that itself;</li>
 *   <li>never sleep or retry on its own beyond the SDK's short, configured retries, and bound
 *       every wait on the SDK (the core gives up a send that runs past its budget, interrupts it
 *       and closes the sender).</li>
 * </ul>
 * One sender per key: the core closes it and opens one for the other key on failover, or after
 * giving up a send. Built on the task thread; {@code send} runs on the task's send thread, one
 * call at a time, never concurrently on one sender; {@code close} may be called while a send the
 * core gave up on still runs.
 */
public interface EndpointSender extends AutoCloseable {

    void send(List<SinkRecord> records, SendListener listener) throws Exception;

    /**
     * Records the core has just taken, on the task thread, often while a send of earlier records
     * runs: a sender may do the per-record work of the {@link #send} that will carry them now
     * (converting and checking each), so that the send only has to post. It must not send, nor
     * report anything: what it finds (a record to reject, a failure) the send of that record
     * reports, as if it had found it then. It must not throw. Records taken before this sender was
     * opened, and ones the core never sends, may not be seen here, or seen and never sent.
     */
    default void accepted(Collection<SinkRecord> records) {
    }

    /** Releases the client. Must not throw. */
    @Override
    void close();

    /**
     * Releases the client after a send the core gave up on (it may still run): as {@link #close}, and
     * a sender whose connection is shared with other tasks also stops handing that connection to new
     * senders, so this task's next sender gets a fresh one while the others keep theirs. Must not throw.
     */
    default void abandon() {
        close();
    }
}
