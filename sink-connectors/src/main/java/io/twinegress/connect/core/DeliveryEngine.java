package io.twinegress.connect.core;

import static io.twinegress.connect.core.HeldRecords.notDone;

import io.twinegress.connect.core.HeldRecords.Held;
import io.twinegress.connect.core.PipelinedSend.SendTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery core every twin-egress sink task runs: what to do with the records Connect hands
 * to {@code put()} and with every failure. The records themselves are held by {@link HeldRecords}
 * (which also decides what is safe to commit), sends run through {@link PipelinedSend}; this class
 * is the policy, with its parts: {@link Failover} (which credential), {@link BackingOff} (waiting
 * for the endpoint), {@link RecordIsolation} (finding the records a refused request carried) and
 * {@link DeadLettering} (what becomes of a record that cannot be delivered).
 *
 * <ul>
 *   <li><b>Pipelined.</b> When the last send succeeded, {@link #put} hands the held records to the
 *       send thread and returns, so Connect fetches and converts the next records while the
 *       endpoint answers: one send in flight, in record order. The next {@code put()} collects it
 *       when it is done, overdue, or a full batch waits behind it; {@link #preCommit} and
 *       {@link #close(Collection)} always collect it. The first send with a new sender, and every
 *       send after a failure, are waited for by the calling {@code put()}; an in-flight send's
 *       failure is handled by the next {@code put()} exactly as if it had happened there.</li>
 *   <li><b>Bounded waits.</b> One {@code put()}, {@code preCommit()} or {@code close()} waits for the
 *       endpoint at most {@link DeliveryConfig#waitBudget()} in all (40% of the consumer's
 *       {@code max.poll.interval.ms}), and no send runs longer: past that it is given up (a timeout,
 *       so {@link Outcome#TRANSIENT}), its records stay held.</li>
 *   <li><b>Hold, never drop.</b> A record is held until the endpoint has it or it is dead-lettered;
 *       {@link #preCommit} never passes an unsent record.</li>
 *   <li><b>Failover.</b> {@link Outcome#UNAUTHORIZED} → {@link KeyRing}: switch key and re-send in the
 *       same {@code put()}; both refused → back off. With an identity ({@code auth.mode=entra-id})
 *       there is no other key: {@link IdentityRefusals} (a new token once, then hold and back off).</li>
 *   <li><b>Backoff.</b> {@link Outcome#TRANSIENT} (and both keys refused) → {@link Backoff}: the
 *       task's partitions are paused ({@link PartitionPauser}), {@code context.timeout(delay)} makes
 *       Connect call {@code put()} again (with no records) when the delay is over, and that
 *       {@code put()} retries from the held records; the partitions are resumed once the endpoint
 *       takes records again. {@code put()} returns at once meanwhile, and nothing is thrown: one
 *       log line when the backoff starts and one when it ends, none per retry.</li>
 *   <li><b>Dead-letter.</b> {@link Outcome#RECORD_REJECTED} → the unsent records are split in halves
 *       until the refused one is isolated; it goes to Connect's errant-record reporter with the
 *       reason (no commit passes it before the write is acknowledged), the rest are delivered. When every record is refused even alone and none is
 *       accepted, the requests are at fault, not the records: the task fails with the endpoint's
 *       answer and nothing is dead-lettered. Records still failing after {@code delivery.deadline.ms}
 *       are dead-lettered too. With no dead-letter topic the record is held and retried with
 *       backoff, and nothing after it is sent.</li>
 *   <li><b>Batching wait.</b> With {@code batch.max.wait.ms > 0} a partial batch is held until it
 *       fills or the wait is over; {@code context.timeout} makes Connect call {@code put()} in time.</li>
 *   <li>{@link Outcome#FATAL} → {@link ConnectException} with the cause: the task fails, nothing is
 *       committed past the failed records.</li>
 * </ul>
 * Called from the task thread only.
 */
public final class DeliveryEngine implements AutoCloseable {

    /** Opens a sender for one key; called lazily, again after each key switch. */
    @FunctionalInterface
    public interface SenderFactory {
        EndpointSender open(KeySlot slot) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);
    /**
     * How soon Connect calls {@code put()} again (with or without new records) while a send is in
     * flight, so its outcome - a failure above all - is acted on promptly even when the topic is quiet.
     */
    static final long IN_FLIGHT_CHECK_MS = 50;

    private final String name;
    private final SinkTaskContext context;
    private final SenderFactory senders;
    private final Clock clock;
    private final Failover failover;
    private final BackingOff backoff;
    private final DeliveryMetrics metrics;
    private final int maxRecords;
    private final long maxBytes;
    private final Duration maxWait;
    private final Duration deadline;
    private final DeadLettering deadLetters;
    private final Duration waitBudget;
    private final HeldRecords held = new HeldRecords();
    private final PipelinedSend sends;
    private final RecordIsolation isolation;
    private final Listener listener = new Listener();

    /** When the call from Connect under way must stop waiting. */
    private Instant callDeadline = Instant.MAX;
    private EndpointSender sender;
    /** A send that failed in flight, acted on by the next {@code put()}. */
    private Failed failed;
    /** Records the endpoint accepted so far (what an isolation compares against). */
    private long acceptedRecords;

    private record Failed(Exception cause, List<Held> batch) {
    }

    /**
     * @param sendThread runs the sends (see {@link PipelinedSend}: a cached pool in a task; a direct
     *                   executor makes every send synchronous, for tests)
     */
    public DeliveryEngine(DeliveryConfig config, SinkTaskContext context, SenderFactory senders,
                          Clock clock, DoubleSupplier random, Executor sendThread) {
        this.name = config.connectorName();
        this.context = context;
        this.senders = senders;
        this.clock = clock;
        this.metrics = new DeliveryMetrics(clock::millis);
        this.failover = Failover.of(config, clock, metrics);
        this.backoff = new BackingOff(name, new Backoff(config.backoffInitial(), config.backoffMax(), config.backoffJitter(),
            clock, random), context, metrics);
        this.maxRecords = config.batchMaxRecords();
        this.maxBytes = config.batchMaxBytes();
        this.maxWait = config.batchMaxWait();
        this.deadline = config.deliveryDeadline();
        this.waitBudget = config.waitBudget();
        this.sends = new PipelinedSend(name, sendThread, clock, waitBudget);
        this.deadLetters = new DeadLettering(name, config.deadLetterAvailable() ? context.errantRecordReporter() : null, metrics);
        this.isolation = new RecordIsolation(name, this::sendWaited, () -> acceptedRecords, deadLetters);
    }

    public DeliveryMetrics metrics() {
        return metrics;
    }

    /** Accepts records from Connect and delivers what is due. See the class comment. */
    public void put(Collection<SinkRecord> records) {
        Instant now = clock.instant();
        callDeadline = now.plus(waitBudget);
        for (SinkRecord r : records) {
            held.accept(r, now);
        }
        if (sender != null) {
            sender.accepted(records); // converted here while the send in flight waits for its answer
        }
        PipelinedSend.Send inFlight = sends.inFlight();
        if (inFlight != null && (inFlight.isDone() || fullBatchWaiting(inFlight) || inFlight.overdue(now))) {
            collect();
        }
        metrics.held(held.size());
        if (sends.inFlight() != null) {
            context.timeout(IN_FLIGHT_CHECK_MS);
        } else if (held.isEmpty()) {
            failed = null;
            backoff.nothingToRetry();
        } else if (failed != null) {
            Failed f = failed;
            failed = null;
            handle(f.cause(), f.batch());
        } else if (backoff.active() && !backoff.remaining().isZero()) {
            context.timeout(Math.max(1, backoff.remaining().toMillis())); // paused: nothing comes before the retry
        } else if (!backoff.active() && lingering(now)) {
            // a partial batch waits: Connect calls put() again when its wait is over
        } else if (sender == null || backoff.active()) {
            handle(attempt(), List.of()); // opening a sender, or retrying: waited for, failures handled at once
        } else {
            dispatch();
        }
    }

    /** Partitions assigned to this task: paused at once while a backoff lasts. */
    public void open(Collection<TopicPartition> partitions) {
        backoff.opened(partitions);
    }

    /**
     * Offsets safe to commit ({@link HeldRecords#safeOffsets}), after collecting the send in flight,
     * never past a dead letter not known to be written ({@link DeadLetterWrites}: Connect waits for
     * the writes before it asks, but forgets a failed one when it commits while closing the task).
     */
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        callDeadline = clock.instant().plus(waitBudget);
        if (sends.inFlight() != null) {
            collect(); // so the commit covers what it delivered; a failure waits for put()
        }
        return deadLetters.cap(held.safeOffsets(currentOffsets));
    }

    /**
     * Partitions taken from this task: forget what is held for them (Connect hands them to their
     * next owner from the offsets committed just before). A backoff goes on for the rest.
     */
    public void close(Collection<TopicPartition> partitions) {
        callDeadline = clock.instant().plus(waitBudget);
        if (sends.inFlight() != null) {
            collect();
        }
        held.close(partitions);
        deadLetters.close(partitions);
        metrics.held(held.size());
    }

    @Override
    public void close() {
        closeSender();
    }

    /** For tests and metrics: how many records are held. */
    public int heldRecords() {
        return held.size();
    }

    /** For tests: the active key. */
    public KeySlot activeKey() {
        return failover.activeKey();
    }

    // ------------------------------------------------------------------ sending

    /** Whether the records behind the one in flight already fill a batch: then wait, do not take more. */
    private boolean fullBatchWaiting(PipelinedSend.Send inFlight) {
        return held.size() - inFlight.batch.size() >= maxRecords || held.bytes() - inFlight.bytes >= maxBytes;
    }

    private boolean lingering(Instant now) {
        if (maxWait.isZero() || held.size() >= maxRecords || held.bytes() >= maxBytes) {
            return false;
        }
        Duration left = Duration.between(now, held.oldestAcceptedAt().plus(maxWait));
        if (left.isNegative() || left.isZero()) {
            return false;
        }
        context.timeout(Math.max(1, left.toMillis()));
        return true;
    }

    /** Hands every held record (none is in flight) to the send thread. */
    private void dispatch() {
        PipelinedSend.Send s = sends.start(sender, held.all(), held.bytes(), deadLetters.available());
        if (s.isDone()) {
            collect(); // a direct executor, or an endpoint quicker than this line
            if (failed != null && !held.isEmpty()) {
                Failed f = failed;
                failed = null;
                handle(f.cause(), f.batch());
            }
        } else {
            context.timeout(IN_FLIGHT_CHECK_MS);
        }
    }

    /** Applies the outcome of the send in flight: what it delivered and rejected; a failure is kept for the next put(). */
    private void collect() {
        List<Held> batch = sends.inFlight().batch;
        PipelinedSend.Result r = sends.finish(callDeadline, listener);
        gaveUp(r);
        held.removeDone();
        metrics.held(held.size());
        if (r.failure() == null && !deadLetters.holding()) {
            succeeded();
        } else {
            failed = new Failed(r.failure(), batch);
        }
    }

    /** Sends every held record on this thread, opening a sender first when there is none; the failure, or null. */
    private Exception attempt() {
        try {
            if (sender == null) {
                sender = senders.open(failover.activeKey());
            }
            isolation.send(held.all());
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    /**
     * Handles {@code failure} (null: the last attempt succeeded) until every held record is sent, or
     * the task backs off or fails.
     *
     * @param failedBatch the batch an in-flight send carried when it failed (a record-level refusal
     *                    splits it); empty otherwise
     */
    private void handle(Exception failure, List<Held> failedBatch) {
        while (true) {
            held.removeDone();
            if (deadLetters.holding()) {
                String reason = deadLetters.takeHoldReason();
                backOff(Failure.of(Outcome.RECORD_REJECTED, reason, null));
                return;
            }
            if (failure == null) {
                succeeded();
                return;
            }
            if (failure instanceof ConnectException e) {
                throw e;
            }
            Failure f = FailureClassifier.classify(failure);
            switch (f.outcome()) {
                case UNAUTHORIZED -> {
                    Failover.Decision d = failover.refused(f, !backoff.active());
                    if (d.newSender()) {
                        closeSender(); // the next attempt opens one for the credential now in use
                    }
                    if (!d.retryNow()) {
                        backOff(d.backOffWith());
                        return;
                    }
                    failure = attempt();
                }
                case TRANSIENT -> {
                    backOff(f);
                    return;
                }
                case RECORD_REJECTED -> {
                    // only an in-flight send gets here (a waited-for send isolates its own): find the
                    // refused record in that batch, then send the rest
                    failure = isolateThenAttempt(notDone(failedBatch), f);
                    failedBatch = List.of();
                }
                default -> throw new ConnectException(name + ": cannot deliver to the endpoint: " + f.reason(), failure);
            }
        }
    }

    private Exception isolateThenAttempt(List<Held> refusedBatch, Failure f) {
        try {
            return isolation.isolate(refusedBatch, f) ? attempt() : null;
        } catch (Exception e) {
            return e;
        }
    }

    /** A send this call waits for, within its budget (every send of an isolation): what it threw, or null. */
    private Exception sendWaited(List<Held> todo) throws SendTimeoutException {
        if (!clock.instant().isBefore(callDeadline)) {
            // this call waited its budget already (a long split): the rest waits for the next round
            throw new SendTimeoutException("no time left in this put() for a send of " + todo.size() + " records");
        }
        PipelinedSend.Result r = sends.run(sender, todo, deadLetters.available(), callDeadline, listener);
        gaveUp(r);
        return r.failure();
    }

    /** A send given up on: its sender is closed, so the next attempt opens a new one. */
    private void gaveUp(PipelinedSend.Result r) {
        if (r.gaveUpOn() == null) {
            return;
        }
        if (sender == r.gaveUpOn()) {
            sender = null;
        }
        String line = "{}: no answer to a send after {} ms; giving it up and closing the client (its records are held and sent again)";
        if (backoff.active()) {
            LOG.debug(line, name, r.ranMs()); // the backoff's own line said so
        } else {
            LOG.warn(line, name, r.ranMs());
        }
    }

    private void closeSender() {
        if (sender != null) {
            try {
                sender.close();
            } catch (RuntimeException e) {
                LOG.debug("{}: closing the sender failed", name, e);
            }
            sender = null;
        }
    }

    // ------------------------------------------------------------------ outcomes

    /** Backs off ({@link BackingOff}), after dead-lettering what is past {@code delivery.deadline.ms}. */
    private void backOff(Failure f) {
        if (deadLetters.pastDeadline(held.failed(clock.instant(), deadline), deadline, f)) {
            held.removeDone();
        }
        metrics.held(held.size());
        if (held.isEmpty()) {
            backoff.nothingHeld("everything held went to the dead-letter topic; the endpoint still fails: " + f.reason());
        } else {
            backoff.failed(f, held.size(), failover.credential());
        }
    }

    private void succeeded() {
        failover.succeeded();
        deadLetters.succeeded();
        backoff.recovered(failover.credential(), held.size());
    }

    /** What sends report, applied on the task thread. */
    private final class Listener implements SendListener {
        @Override
        public void delivered(List<SinkRecord> batch) {
            int n = held.markDelivered(batch);
            acceptedRecords += n;
            metrics.recordBatch(n);
        }

        @Override
        public boolean rejected(SinkRecord record, String reason) {
            return deadLetters.rejected(held.of(record), reason);
        }
    }
}
