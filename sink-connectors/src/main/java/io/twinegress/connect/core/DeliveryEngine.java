package io.twinegress.connect.core;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;

/**
 * The delivery core every twin-egress sink task runs: it holds what Connect hands to
 * {@code put()} until the endpoint has it, and decides what each failure means.
 *
 * <ul>
 *   <li><b>Pipelined.</b> When the last send succeeded, {@link #put} hands the held records to the
 *       task's send thread and returns, so Connect fetches and converts the next records while
 *       the endpoint answers: one send in flight at a time, in record order. The next
 *       {@code put()} first waits for it when a full batch is waiting (or collects it if it is
 *       done), {@link #preCommit} and {@link #close(Collection)} always wait for it. The first send
 *       after opening a sender, and every send after a failure, are waited for by the calling
 *       {@code put()}, as below: an in-flight send's failure is handled by the next {@code put()}
 *       exactly as if it had happened there.</li>
 *   <li><b>Bounded waits.</b> One {@code put()}, {@code preCommit()} or {@code close()} waits for the
 *       endpoint at most {@link DeliveryConfig#waitBudget()} in all (40% of the consumer's
 *       {@code max.poll.interval.ms}, on the task's clock), and no send may run longer: a send past
 *       that is given up (interrupted, its client closed) and counts as a timeout, so
 *       {@link Outcome#TRANSIENT}; its records stay held. The consumer is never evicted for a hung
 *       endpoint.</li>
 *   <li><b>Hold, never drop.</b> Records handed to {@link #put} are held until an
 *       {@link EndpointSender} reports them delivered, or they are dead-lettered. A record Connect
 *       hands over again (redelivery after {@link RetriableException}) is recognised by its
 *       original offset and not sent twice.</li>
 *   <li><b>Offsets.</b> {@link #preCommit} returns, per partition, the offset of the oldest record
 *       still held (or Connect's own offset when none is held), after waiting for the send in
 *       flight and every dead-letter write: it never passes an unsent record.</li>
 *   <li><b>Failover.</b> {@link Outcome#UNAUTHORIZED} → {@link KeyRing}: switch key and re-send in the
 *       same {@code put()}; both refused → back off. One log line per switch.</li>
 *   <li><b>Backoff.</b> {@link Outcome#TRANSIENT} (and both keys refused) → {@link Backoff}:
 *       {@code context.timeout(delay)} and {@link RetriableException}, so Connect pauses the
 *       partitions and hands the same batch back after the delay. Never a sleep; a {@code put()}
 *       arriving before the delay is over returns the same way without touching the endpoint.</li>
 *   <li><b>Dead-letter.</b> {@link Outcome#RECORD_REJECTED} → the unsent records are split in halves
 *       until the bad one is isolated; it goes to Connect's errant-record reporter with the
 *       reason, the rest are delivered. When every record is refused even alone and none is
 *       accepted, the requests are at fault, not the records: the task fails with the endpoint's
 *       answer and nothing is dead-lettered. Records still failing after {@code delivery.deadline.ms}
 *       go there too. With no dead-letter topic configured the task holds such records, retries
 *       with backoff and logs that it is holding them.</li>
 *   <li><b>Batching wait.</b> With {@code batch.max.wait.ms > 0} a partial batch is held until it
 *       fills or the wait is over; {@code context.timeout} makes Connect call {@code put()} again in
 *       time.</li>
 *   <li>{@link Outcome#FATAL} → {@link ConnectException} with the cause: the task fails, nothing is
 *       committed past the failed records.</li>
 * </ul>
 * Called from the task thread only; the only other thread is the send thread, which runs
 * {@link EndpointSender#send} for one batch at a time and hands its outcome back (a send given up
 * on may still be running on a thread of its own, with its outcome ignored).
 */
public final class DeliveryEngine implements AutoCloseable {

    /** Opens a sender for one key; called lazily, again after each key switch. */
    @FunctionalInterface
    public interface SenderFactory {
        EndpointSender open(KeySlot slot) throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
    /**
     * How soon Connect calls {@code put()} again (with or without new records) while a send is in
     * flight, so its outcome - a failure above all - is acted on promptly even when the topic is quiet.
     */
    static final long IN_FLIGHT_CHECK_MS = 50;
    /** Every wait is cut in slices this long, so a deadline on the task's clock is seen within one. */
    static final long WAIT_SLICE_MS = 50;

    private final String name;
    private final SinkTaskContext context;
    private final SenderFactory senders;
    private final Clock clock;
    private final KeyRing ring;
    private final Backoff backoff;
    private final DeliveryMetrics metrics;
    private final int maxRecords;
    private final long maxBytes;
    private final Duration maxWait;
    private final Duration deadline;
    private final ErrantRecordReporter reporter;
    private final Executor sendThread;
    /** How long one call from Connect may wait for the endpoint, and one send may take: {@link DeliveryConfig#waitBudget()}. */
    private final Duration waitBudget;
    /** When the call from Connect under way must stop waiting. */
    private Instant callDeadline = Instant.MAX;

    private final List<Held> pending = new ArrayList<>();
    private final Map<SinkRecord, Held> byRecord = new IdentityHashMap<>();
    private final Map<TopicPartition, Long> accepted = new HashMap<>();
    private final List<Future<Void>> deadLetterWrites = new ArrayList<>();
    private final Listener listener = new Listener();
    /** Records the endpoint accepted so far (what an isolation compares against). */
    private long acceptedRecords;
    private EndpointSender sender;
    /** The batch on the send thread, or null. */
    private InFlight inFlight;
    /** A send that failed on the send thread, acted on by the next {@code put()}. */
    private Failed failed;
    private long pendingBytes;
    private boolean deadlineWarned;
    /** When the key in use was last refused; cleared by the next successful delivery. */
    private Instant refusedAt;

    /**
     * @param sendThread runs the sends, one at a time, while the task thread waits for them (bounded)
     *                   or goes on (pipelined). It must start another thread when its thread is still
     *                   busy with a send the engine gave up on (the task's is a cached thread pool);
     *                   a direct executor makes every send synchronous and unbounded (tests)
     */
    public DeliveryEngine(DeliveryConfig config, SinkTaskContext context, SenderFactory senders,
                          Clock clock, DoubleSupplier random, Executor sendThread) {
        this.name = config.connectorName();
        this.sendThread = sendThread;
        this.context = context;
        this.senders = senders;
        this.clock = clock;
        this.ring = new KeyRing(config.secondaryConnectionString().isPresent());
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax(), config.backoffJitter(), clock, random);
        this.metrics = new DeliveryMetrics(clock::millis);
        this.maxRecords = config.batchMaxRecords();
        this.maxBytes = config.batchMaxBytes();
        this.maxWait = config.batchMaxWait();
        this.deadline = config.deliveryDeadline();
        this.waitBudget = config.waitBudget();
        ErrantRecordReporter r = null;
        if (config.deadLetterAvailable()) {
            try {
                r = context.errantRecordReporter();
            } catch (NoSuchMethodError | NoClassDefFoundError e) {
                r = null; // a worker older than Kafka 2.6
            }
        }
        this.reporter = r;
        if (reporter == null) {
            log.warn("{}: {}", name, DeliveryConfig.WARNING_NO_DEAD_LETTER_TOPIC);
        }
    }

    public DeliveryMetrics metrics() {
        return metrics;
    }

    /** Accepts records from Connect and delivers what is due. See the class comment. */
    public void put(Collection<SinkRecord> records) {
        Instant now = clock.instant();
        callDeadline = now.plus(waitBudget);
        for (SinkRecord r : records) {
            accept(r, now);
        }
        if (inFlight != null && (inFlight.done.isDone() || fullBatchWaiting() || inFlight.overdue(now))) {
            finishInFlight();
        }
        metrics.held(pending.size());
        if (inFlight != null) {
            context.timeout(IN_FLIGHT_CHECK_MS);
            return;
        }
        if (pending.isEmpty()) {
            failed = null;
            return;
        }
        if (failed != null) {
            deliverAfterFailure();
            return;
        }
        if (backoff.active()) {
            Duration wait = backoff.remaining();
            if (!wait.isZero()) {
                context.timeout(Math.max(1, wait.toMillis()));
                throw new RetriableException(name + ": backing off, next attempt in " + wait.toMillis() + " ms");
            }
        } else if (lingering(now)) {
            return;
        }
        if (sender == null || backoff.active()) {
            deliver(null, List.of()); // opening a sender, or retrying: on this thread, failures handled at once
            return;
        }
        dispatch();
    }

    /** Whether the records behind the one in flight already fill a batch: then wait, do not take more. */
    private boolean fullBatchWaiting() {
        return pending.size() - inFlight.batch.size() >= maxRecords || pendingBytes - inFlight.bytes >= maxBytes;
    }

    /** Hands every held record (none is in flight) to the send thread. */
    private void dispatch() {
        inFlight = submit(new ArrayList<>(pending), pendingBytes);
        if (inFlight.done.isDone()) {
            finishInFlight(); // a direct executor, or an endpoint quicker than this line
            if (failed != null && !pending.isEmpty()) {
                deliverAfterFailure();
            }
        } else {
            context.timeout(IN_FLIGHT_CHECK_MS);
        }
    }

    /**
     * Hands {@code batch} to the send thread with the current sender; what the send reports is kept
     * for this thread ({@link Deferred}).
     */
    private InFlight submit(List<Held> batch, long bytes) {
        EndpointSender s = sender;
        List<SinkRecord> records = records(batch);
        InFlight f = new InFlight(batch, bytes, s, clock.instant());
        try {
            sendThread.execute(() -> f.run(records));
        } catch (RejectedExecutionException e) {
            throw new ConnectException(name + ": the task's send thread is shut down", e);
        }
        return f;
    }

    /** Acts on the failure an in-flight send met, on this thread: see {@link #deliver}. */
    private void deliverAfterFailure() {
        Failed f = failed;
        failed = null;
        deliver(f.cause, f.batch);
    }

    /**
     * Waits for the send in flight and applies its outcome on this thread: what it delivered and
     * rejected; a failure is kept for the next {@code put()}.
     */
    private void finishInFlight() {
        InFlight f = inFlight;
        inFlight = null;
        Exception failure = f.await();
        try {
            f.events.replay();
        } catch (HoldRecordException e) {
            failure = e;
        }
        removeDone();
        if (failure == null) {
            succeeded();
        } else {
            failed = new Failed(failure, f.batch);
        }
    }

    private void accept(SinkRecord r, Instant now) {
        TopicPartition tp = new TopicPartition(r.originalTopic(), r.originalKafkaPartition());
        long offset = r.originalKafkaOffset();
        Long next = accepted.get(tp);
        if (next != null && offset < next) {
            return; // handed to us before: held or already delivered
        }
        accepted.put(tp, offset + 1);
        Held h = new Held(r, tp, offset, now, EventRecords.approximateSize(r));
        pending.add(h);
        byRecord.put(r, h);
        pendingBytes += h.bytes;
    }

    private boolean lingering(Instant now) {
        if (maxWait.isZero() || pending.size() >= maxRecords || pendingBytes >= maxBytes) {
            return false;
        }
        Duration left = Duration.between(now, pending.get(0).acceptedAt.plus(maxWait));
        if (left.isNegative() || left.isZero()) {
            return false;
        }
        context.timeout(Math.max(1, left.toMillis()));
        return true;
    }

    /**
     * Delivers every held record on this thread, handling each failure as the class comment says.
     *
     * @param failure      a failure already met by an in-flight send, handled first; or null
     * @param failedBatch  the batch that send carried (a record-level rejection splits it)
     */
    private void deliver(Exception failure, List<Held> failedBatch) {
        while (true) {
            if (failure == null) {
                try {
                    if (sender == null) {
                        sender = senders.open(ring.active());
                    }
                    sendIsolating(new ArrayList<>(pending));
                    removeDone();
                    succeeded();
                    return;
                } catch (Exception e) {
                    failure = e;
                }
            }
            removeDone();
            if (failure instanceof HoldRecordException) {
                backOff(Failure.of(Outcome.RECORD_REJECTED, failure.getMessage(), failure));
                return;
            }
            if (failure instanceof ConnectException e) {
                throw e;
            }
            Exception cause = failure;
            Failure f = FailureClassifier.classify(cause);
            failure = null;
            switch (f.outcome()) {
                case UNAUTHORIZED -> {
                    if (failover(f) == KeyRing.Decision.RETRY_NOW) {
                        continue;
                    }
                    backOff(f);
                    return;
                }
                case TRANSIENT -> {
                    backOff(f);
                    return;
                }
                case RECORD_REJECTED -> {
                    // only an in-flight send gets here (sendIsolating splits its own): find the bad
                    // record in that batch, then send the rest
                    try {
                        isolate(notDone(failedBatch), f);
                    } catch (Exception e) {
                        failure = e;
                    }
                    failedBatch = List.of();
                }
                default -> throw new ConnectException(name + ": cannot deliver to the endpoint: " + f.reason(), cause);
            }
        }
    }

    /** Sends, and on a record-level rejection splits the unsent records until the bad one is found. */
    private void sendIsolating(List<Held> batch) throws Exception {
        sendIsolating(batch, null);
    }

    /** As {@link #sendIsolating(List)}, within {@code isolation} when one is already under way. */
    private void sendIsolating(List<Held> batch, Isolation isolation) throws Exception {
        List<Held> todo = notDone(batch);
        if (todo.isEmpty()) {
            return;
        }
        try {
            if (!clock.instant().isBefore(callDeadline)) {
                // this call waited its budget already (a long split): the rest waits for the next round
                throw new SendTimeoutException("no time left in this put() for a send of " + todo.size() + " records");
            }
            InFlight f = submit(todo, 0); // on the send thread, so that this thread's wait is bounded
            Exception failure = f.await();
            f.events.replay();
            if (failure != null) {
                throw failure;
            }
        } catch (HoldRecordException | ConnectException e) {
            throw e;
        } catch (Exception e) {
            Failure f = FailureClassifier.classify(e);
            if (f.outcome() != Outcome.RECORD_REJECTED) {
                throw e;
            }
            if (isolation == null) {
                isolate(notDone(todo), f);
            } else {
                split(notDone(todo), f, isolation);
            }
        }
    }

    /**
     * Finds the records the endpoint refuses among {@code rest} (the unsent records of a request it
     * refused) by sending halves, then each record alone; dead-letters those refused alone and
     * delivers the rest. When the endpoint refuses every one of them alone and accepts none, the fault
     * is not the records' but the requests' (a configuration): the task fails with the endpoint's
     * answer and nothing is dead-lettered.
     */
    private void isolate(List<Held> rest, Failure f) throws Exception {
        Isolation isolation = new Isolation(acceptedRecords);
        split(rest, f, isolation);
        isolation.finish();
    }

    /** One record the endpoint refuses: it is found; more: send each half, isolating further. */
    private void split(List<Held> rest, Failure f, Isolation isolation) throws Exception {
        if (rest.size() == 1) {
            isolation.refused(rest.get(0), f);
        } else if (rest.size() > 1) {
            int mid = rest.size() / 2;
            sendIsolating(rest.subList(0, mid), isolation);
            sendIsolating(rest.subList(mid, rest.size()), isolation);
        }
    }

    /** The records one isolation found refused, dead-lettered only once it is over. */
    private final class Isolation {
        private final long acceptedBefore;
        private final List<Held> refused = new ArrayList<>();
        private final List<String> reasons = new ArrayList<>();
        private Failure last;

        Isolation(long acceptedBefore) {
            this.acceptedBefore = acceptedBefore;
        }

        void refused(Held h, Failure f) {
            if (reporter == null) {
                reject(h, f.reason(), true); // holds it (throws): nothing after it is sent
            }
            refused.add(h);
            reasons.add(f.reason());
            last = f;
        }

        void finish() {
            if (refused.size() > 1 && acceptedRecords == acceptedBefore) {
                throw new ConnectException(name + ": the endpoint refused every one of the " + refused.size()
                    + " records of a request, each again when sent alone (last answer: " + last.reason()
                    + "); that is the endpoint refusing the requests, not " + refused.size()
                    + " bad records, so none is dead-lettered: check the connector's configuration", last.cause());
            }
            for (int i = 0; i < refused.size(); i++) {
                reject(refused.get(i), reasons.get(i), true);
            }
        }
    }

    private KeyRing.Decision failover(Failure f) {
        KeySlot from = ring.active();
        if (refusedAt == null) {
            refusedAt = clock.instant();
        }
        KeyRing.Decision decision = ring.refused();
        KeySlot to = ring.active();
        if (from != to) {
            log.warn("{}: the endpoint refused the {} key ({}); switching to the {} key{}", name, from, f.reason(), to,
                decision == KeyRing.Decision.RETRY_NOW ? " and re-sending now" : "; both keys refused, backing off");
            metrics.recordFailover(to);
            closeSender();
        } else {
            log.warn("{}: the endpoint refused the {} key ({}) and no secondary key is configured; backing off",
                name, from, f.reason());
        }
        return decision;
    }

    private void backOff(Failure f) {
        Instant now = clock.instant();
        List<Held> expired = new ArrayList<>();
        for (Held h : pending) {
            if (h.firstFailedAt == null) {
                h.firstFailedAt = now;
            }
            if (!h.done && !h.firstFailedAt.plus(deadline).isAfter(now)) {
                expired.add(h);
            }
        }
        if (!expired.isEmpty()) {
            if (reporter != null) {
                String reason = "not delivered within delivery.deadline.ms (" + deadline.toMillis()
                    + " ms); last failure: " + f.reason();
                for (Held h : expired) {
                    reject(h, reason, false);
                }
                removeDone();
                log.warn("{}: sent {} records to the dead-letter topic: {}", name, expired.size(), reason);
            } else if (!deadlineWarned) {
                deadlineWarned = true;
                log.warn("{}: {} records are past delivery.deadline.ms ({} ms) and no dead-letter topic is configured; "
                    + "holding them and retrying", name, expired.size(), deadline.toMillis());
            }
        }
        if (pending.isEmpty()) {
            // Everything held went to the dead-letter topic: the next records start a fresh backoff.
            Duration lasted = backoff.reset();
            metrics.backoffEnded();
            log.info("{}: nothing held any more after {} ms of backoff; the endpoint still fails ({})",
                name, lasted.toMillis(), f.reason());
            return;
        }
        Duration delay = backoff.next(f.retryAfter());
        metrics.backoffStarted(backoff.attempts());
        if (backoff.attempts() == 1) {
            log.warn("{}: endpoint unavailable ({}); holding {} records, retrying in {} ms with the {} key",
                name, f.reason(), pending.size(), delay.toMillis(), ring.active());
        } else {
            log.debug("{}: attempt {} failed ({}); retrying in {} ms", name, backoff.attempts(), f.reason(), delay.toMillis());
        }
        context.timeout(Math.max(1, delay.toMillis()));
        throw new RetriableException(name + ": endpoint unavailable (" + f.reason() + "); " + pending.size()
            + " records held, retrying in " + delay.toMillis() + " ms");
    }

    private void succeeded() {
        ring.succeeded();
        deadlineWarned = false;
        if (refusedAt != null) {
            log.info("{}: delivering with the {} key, {} ms after the endpoint refused a key",
                name, ring.active(), Duration.between(refusedAt, clock.instant()).toMillis());
            refusedAt = null;
        }
        if (backoff.active()) {
            Duration lasted = backoff.reset();
            metrics.backoffEnded();
            log.info("{}: endpoint accepts records again with the {} key, after {} ms of backoff",
                name, ring.active(), lasted.toMillis());
        }
    }

    private void reject(Held h, String reason, boolean logIt) {
        if (h == null || h.done) {
            return;
        }
        if (reporter == null) {
            log.error("{}: record {} cannot be delivered ({}) and no dead-letter topic is configured "
                + "(errors.tolerance=all, errors.deadletterqueue.topic.name): holding it and retrying", name, h, reason);
            throw new HoldRecordException(reason);
        }
        deadLetterWrites.add(reporter.report(h.record, new UndeliverableRecordException(reason)));
        h.done = true;
        metrics.recordDeadLettered();
        if (logIt) {
            log.warn("{}: sent record {} to the dead-letter topic: {}", name, h, reason);
        }
    }

    /**
     * Offsets safe to commit: per partition, the oldest held record's offset, or Connect's own
     * when nothing is held; only after the send in flight and every dead-letter write completed.
     */
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        callDeadline = clock.instant().plus(waitBudget);
        if (inFlight != null) {
            finishInFlight(); // so the commit covers what it delivered; a failure waits for put()
        }
        if (!waitForDeadLetterWrites()) {
            log.warn("{}: {} dead-letter writes are not acknowledged after {} ms; not committing until they are",
                name, deadLetterWrites.size(), waitBudget.toMillis());
            return Map.of(); // Connect skips this commit
        }
        Map<TopicPartition, Long> oldestHeld = new HashMap<>();
        for (Held h : pending) {
            oldestHeld.merge(h.tp, h.offset, Math::min);
        }
        Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : currentOffsets.entrySet()) {
            Long held = oldestHeld.get(e.getKey());
            long connect = e.getValue().offset();
            safe.put(e.getKey(), new OffsetAndMetadata(held == null ? connect : Math.min(held, connect)));
        }
        return safe;
    }

    /** Whether every dead-letter write was acknowledged before the call's deadline; a failed one fails the task. */
    private boolean waitForDeadLetterWrites() {
        for (Iterator<Future<Void>> it = deadLetterWrites.iterator(); it.hasNext(); ) {
            Future<Void> f = it.next();
            if (!waitUntilDone(f, callDeadline)) {
                return false;
            }
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException(name + ": interrupted while waiting for dead-letter writes", e);
            } catch (ExecutionException e) {
                throw new ConnectException(name + ": a dead-letter write failed; not committing past it", e.getCause());
            }
            it.remove();
        }
        return true;
    }

    /**
     * Waits until {@code f} is done or {@code limit} has passed on the task's clock (looked at every
     * {@value #WAIT_SLICE_MS} ms); whether it is done.
     */
    private boolean waitUntilDone(Future<?> f, Instant limit) {
        while (!f.isDone()) {
            long left = Duration.between(clock.instant(), limit).toMillis();
            if (left <= 0) {
                return false;
            }
            try {
                f.get(Math.min(left, WAIT_SLICE_MS), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // next slice, or done (exceptionally): the loop condition decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException(name + ": interrupted while waiting for the endpoint", e);
            }
        }
        return true;
    }

    /** Partitions taken from this task: forget what is held for them (Connect redelivers it elsewhere). */
    public void close(Collection<TopicPartition> partitions) {
        callDeadline = clock.instant().plus(waitBudget);
        if (inFlight != null) {
            finishInFlight();
        }
        Set<TopicPartition> gone = new HashSet<>(partitions);
        for (Iterator<Held> it = pending.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (gone.contains(h.tp)) {
                it.remove();
                byRecord.remove(h.record);
                pendingBytes -= h.bytes;
                h.done = true; // no longer ours: a failed batch's retry must skip it
            }
        }
        accepted.keySet().removeAll(gone);
        metrics.held(pending.size());
    }

    @Override
    public void close() {
        closeSender();
    }

    private void closeSender() {
        if (sender != null) {
            try {
                sender.close();
            } catch (RuntimeException e) {
                log.debug("{}: closing the sender failed", name, e);
            }
            sender = null;
        }
    }

    private void removeDone() {
        for (Iterator<Held> it = pending.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.done) {
                it.remove();
                byRecord.remove(h.record);
                pendingBytes -= h.bytes;
            }
        }
        metrics.held(pending.size());
    }

    private static List<Held> notDone(List<Held> batch) {
        List<Held> out = new ArrayList<>(batch.size());
        for (Held h : batch) {
            if (!h.done) {
                out.add(h);
            }
        }
        return out;
    }

    private static List<SinkRecord> records(List<Held> batch) {
        List<SinkRecord> out = new ArrayList<>(batch.size());
        for (Held h : batch) {
            out.add(h.record);
        }
        return out;
    }

    /** For tests and metrics: how many records are held. */
    public int heldRecords() {
        return pending.size();
    }

    /** For tests: the active key. */
    public KeySlot activeKey() {
        return ring.active();
    }

    private final class Listener implements SendListener {
        @Override
        public void delivered(List<SinkRecord> batch) {
            int n = 0;
            for (SinkRecord r : batch) {
                Held h = byRecord.get(r);
                if (h != null && !h.done) {
                    h.done = true;
                    n++;
                }
            }
            acceptedRecords += n;
            metrics.recordBatch(n);
        }

        @Override
        public void rejected(SinkRecord record, String reason) {
            reject(byRecord.get(record), reason, true);
        }
    }

    /** What a send on the send thread reported, replayed on the task thread once it is over. */
    private final class Deferred implements SendListener {
        private final List<Runnable> events = new ArrayList<>();
        /** Set by the replay: what a send given up on reports later is ignored (its records are still held). */
        private boolean replayed;

        @Override
        public void delivered(List<SinkRecord> batch) {
            List<SinkRecord> copy = List.copyOf(batch);
            add(() -> listener.delivered(copy));
        }

        @Override
        public void rejected(SinkRecord record, String reason) {
            add(() -> listener.rejected(record, reason));
            if (reporter == null) {
                throw new HoldRecordException(reason); // stop the send, as the task thread's listener does
            }
        }

        private synchronized void add(Runnable event) {
            if (!replayed) {
                events.add(event);
            }
        }

        /** Applies what the send reported so far on the task thread, once. */
        void replay() {
            List<Runnable> now;
            synchronized (this) {
                replayed = true;
                now = new ArrayList<>(events);
                events.clear();
            }
            for (Runnable e : now) {
                e.run();
            }
        }
    }

    /** One send handed to the send thread: its batch, what it reports, and its outcome. */
    private final class InFlight {
        final List<Held> batch;
        final long bytes;
        final Deferred events = new Deferred();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final EndpointSender sender;
        final Instant startedAt;
        /** The thread running the send, while it runs, and whether giveUp() interrupted it; guarded by this. */
        private Thread runner;
        private boolean interrupted;

        InFlight(List<Held> batch, long bytes, EndpointSender sender, Instant startedAt) {
            this.batch = batch;
            this.bytes = bytes;
            this.sender = sender;
            this.startedAt = startedAt;
        }

        /** On the send thread. */
        void run(List<SinkRecord> records) {
            synchronized (this) {
                runner = Thread.currentThread();
            }
            try {
                sender.send(records, events);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            } finally {
                synchronized (this) {
                    runner = null;
                    if (interrupted) {
                        Thread.interrupted(); // giveUp()'s interrupt ends with this send, not the thread's next one
                    }
                }
            }
        }

        /** Whether it has been running as long as a send may. */
        boolean overdue(Instant now) {
            return !done.isDone() && !startedAt.plus(waitBudget).isAfter(now);
        }

        /**
         * The send's failure, or null once it succeeded; waits at most until the call's deadline and
         * until the send has run as long as a send may, whichever comes first, then gives it up.
         */
        Exception await() {
            Instant ownLimit = startedAt.plus(waitBudget);
            if (!waitUntilDone(done, ownLimit.isBefore(callDeadline) ? ownLimit : callDeadline)) {
                return giveUp();
            }
            try {
                done.get();
                return null;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    return cause;
                }
                throw new ConnectException(name + ": the send thread failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException(name + ": interrupted while waiting for a send to the endpoint", e);
            }
        }

        /**
         * Gives the send up: interrupts it, closes its client (on a thread of its own: closing a client
         * whose connection hangs may hang too), and returns a timeout, which backs off like an
         * unavailable endpoint. The records stay held; what the send reports from now on is ignored.
         */
        private Exception giveUp() {
            synchronized (this) {
                if (runner != null) {
                    interrupted = true;
                    runner.interrupt();
                }
            }
            if (DeliveryEngine.this.sender == sender) {
                DeliveryEngine.this.sender = null; // the next attempt opens a new one
            }
            closeInBackground(sender);
            long ran = Duration.between(startedAt, clock.instant()).toMillis();
            log.warn("{}: no answer to a send of {} records after {} ms; giving it up and closing the client "
                + "(the records are held and sent again)", name, batch.size(), ran);
            return new SendTimeoutException("no answer to a send of " + batch.size() + " records within "
                + Math.min(ran, waitBudget.toMillis()) + " ms (at most 40% of the consumer's max.poll.interval.ms)");
        }
    }

    private void closeInBackground(EndpointSender s) {
        if (s == null) {
            return;
        }
        Thread closer = new Thread(() -> {
            try {
                s.close();
            } catch (RuntimeException e) {
                log.debug("{}: closing a client given up on failed", name, e);
            }
        }, Thread.currentThread().getName() + "-close");
        closer.setDaemon(true);
        closer.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        closer.start();
    }

    /** A send given up on: {@link FailureClassifier} makes it transient, like any timeout. */
    private static final class SendTimeoutException extends TimeoutException {
        SendTimeoutException(String message) {
            super(message);
        }
    }

    private record Failed(Exception cause, List<Held> batch) {
    }

    private static final class Held {
        final SinkRecord record;
        final TopicPartition tp;
        final long offset;
        final Instant acceptedAt;
        final long bytes;
        Instant firstFailedAt;
        boolean done;

        Held(SinkRecord record, TopicPartition tp, long offset, Instant acceptedAt, long bytes) {
            this.record = record;
            this.tp = tp;
            this.offset = offset;
            this.acceptedAt = acceptedAt;
            this.bytes = bytes;
        }

        /** Coordinates only, never the payload. */
        @Override
        public String toString() {
            return tp + "@" + offset;
        }
    }

    /** Stops a send to hold a record that cannot be delivered when there is no dead-letter topic. */
    private static final class HoldRecordException extends RuntimeException {
        HoldRecordException(String reason) {
            super(reason, null, false, false);
        }
    }
}
