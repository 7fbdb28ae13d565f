package io.twinegress.connect.core;

import io.twinegress.connect.core.HeldRecords.Held;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending half of the delivery core: one batch at a time on the task's send thread, never
 * waited for longer than the wait budget.
 *
 * <ul>
 *   <li>{@link #start} hands a batch and a sender to the send thread and returns; at most one send
 *       is in flight. What the sender reports to its {@link SendListener} is kept and replayed on
 *       the task thread by {@link #finish}, so the delivery core's state is only ever touched by
 *       the task thread.</li>
 *   <li>{@link #finish} waits until the send is over, but never past the call's deadline nor past
 *       the wait budget since the send started (both on the task's clock, looked at every
 *       {@value #WAIT_SLICE_MS} ms). A send past that is given up: its thread is interrupted, its
 *       sender closed on a thread of its own (closing a client whose connection hangs may hang too),
 *       what it reports later is ignored, and it ends in a {@link SendTimeoutException}, which
 *       {@link FailureClassifier} makes transient.</li>
 * </ul>
 * The send thread must start another thread when its thread is still busy with a send given up on
 * (the task's is a cached pool); a direct executor makes every send synchronous and unbounded (tests).
 */
final class PipelinedSend {

    /** Every wait is cut in slices this long, so a deadline on the task's clock is seen within one. */
    static final long WAIT_SLICE_MS = 50;

    private static final Logger LOG = LoggerFactory.getLogger(PipelinedSend.class);

    /** A send given up on, or one there was no time left for: transient, like any timeout. */
    static final class SendTimeoutException extends TimeoutException {
        SendTimeoutException(String message) {
            super(message);
        }
    }

    /**
     * How a send ended, on the task thread.
     *
     * @param failure  what it threw, or null when it returned
     * @param gaveUpOn the sender of a send given up on (closed now), else null
     * @param ranMs    how long it ran before it ended or was given up
     */
    record Result(Exception failure, EndpointSender gaveUpOn, long ranMs) {
    }

    private final String name;
    private final Executor sendThread;
    private final Clock clock;
    private final Duration waitBudget;
    private Send inFlight;

    PipelinedSend(String name, Executor sendThread, Clock clock, Duration waitBudget) {
        this.name = name;
        this.sendThread = sendThread;
        this.clock = clock;
        this.waitBudget = waitBudget;
    }

    /**
     * Starts sending {@code batch} with {@code sender} on the send thread.
     *
     * @param goOnAfterRejection what {@link SendListener#rejected} answers the sender: whether it
     *                           goes on after a record it cannot send
     * @throws IllegalStateException when a send is in flight
     */
    Send start(EndpointSender sender, List<Held> batch, long bytes, boolean goOnAfterRejection) {
        if (inFlight != null) {
            throw new IllegalStateException("a send is in flight");
        }
        Send s = new Send(batch, bytes, sender, clock.instant(), goOnAfterRejection);
        List<SinkRecord> records = HeldRecords.records(batch);
        try {
            sendThread.execute(() -> s.run(records));
        } catch (RejectedExecutionException e) {
            throw new ConnectException(name + ": the task's send thread is shut down", e);
        }
        inFlight = s;
        return s;
    }

    /** The send in flight, or null. */
    Send inFlight() {
        return inFlight;
    }

    /**
     * Waits for the send in flight (see the class comment), replays what it reported into
     * {@code listener} on this thread and returns how it ended. Nothing is in flight afterwards.
     */
    Result finish(Instant callDeadline, SendListener listener) {
        Send s = inFlight;
        inFlight = null;
        Result r = s.await(callDeadline);
        s.events.replay(listener);
        return r;
    }

    /** {@link #start} and {@link #finish}: a send the calling thread waits for. */
    Result run(EndpointSender sender, List<Held> batch, boolean goOnAfterRejection, Instant callDeadline,
               SendListener listener) {
        start(sender, batch, 0, goOnAfterRejection);
        return finish(callDeadline, listener);
    }

    /** One send handed to the send thread: its batch, what it reports, and its outcome. */
    final class Send {
        final List<Held> batch;
        final long bytes;
        private final Deferred events;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final EndpointSender sender;
        private final Instant startedAt;
        /** The thread running the send, while it runs, and whether giveUp() interrupted it; guarded by this. */
        private Thread runner;
        private boolean interrupted;

        private Send(List<Held> batch, long bytes, EndpointSender sender, Instant startedAt, boolean goOnAfterRejection) {
            this.batch = batch;
            this.bytes = bytes;
            this.sender = sender;
            this.startedAt = startedAt;
            this.events = new Deferred(goOnAfterRejection);
        }

        /** Whether the send is over (returned or threw). */
        boolean isDone() {
            return done.isDone();
        }

        /** Whether it has been running as long as a send may. */
        boolean overdue(Instant now) {
            return !done.isDone() && !startedAt.plus(waitBudget).isAfter(now);
        }

        /** On the send thread. */
        private void run(List<SinkRecord> records) {
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

        private Result await(Instant callDeadline) {
            Instant ownLimit = startedAt.plus(waitBudget);
            if (!waitUntilDone(ownLimit.isBefore(callDeadline) ? ownLimit : callDeadline)) {
                return giveUp();
            }
            long ran = Duration.between(startedAt, clock.instant()).toMillis();
            try {
                done.get();
                return new Result(null, null, ran);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    return new Result(cause, null, ran);
                }
                throw new ConnectException(name + ": the send thread failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException(name + ": interrupted while waiting for a send to the endpoint", e);
            }
        }

        /** Whether the send was done before {@code limit} on the task's clock. */
        private boolean waitUntilDone(Instant limit) {
            while (!done.isDone()) {
                long left = Duration.between(clock.instant(), limit).toMillis();
                if (left <= 0) {
                    return false;
                }
                try {
                    done.get(Math.min(left, WAIT_SLICE_MS), TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // next slice, or done (exceptionally): the loop condition decides
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConnectException(name + ": interrupted while waiting for the endpoint", e);
                }
            }
            return true;
        }

        /**
         * Interrupts the send, closes its sender in the background; its records stay held by the
         * caller. What it reported until now is kept; nothing it reports from now on is.
         */
        private Result giveUp() {
            events.stopRecording();
            synchronized (this) {
                if (runner != null) {
                    interrupted = true;
                    runner.interrupt();
                }
            }
            closeInBackground(sender);
            long ran = Duration.between(startedAt, clock.instant()).toMillis();
            return new Result(new SendTimeoutException("no answer to a send of " + batch.size() + " records within "
                + Math.min(ran, waitBudget.toMillis()) + " ms (at most 40% of the consumer's max.poll.interval.ms)"),
                sender, ran);
        }
    }

    private void closeInBackground(EndpointSender s) {
        Thread closer = new Thread(() -> {
            try {
                s.abandon();
            } catch (RuntimeException e) {
                LOG.debug("{}: closing a client given up on failed", name, e);
            }
        }, Thread.currentThread().getName() + "-close");
        closer.setDaemon(true);
        closer.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        closer.start();
    }

    /**
     * What a send reports on the send thread, kept until {@link #replay} applies it on the task
     * thread; once the send is given up (or replayed), what it still reports is dropped (its records
     * stay held).
     */
    private static final class Deferred implements SendListener {
        private final boolean goOnAfterRejection;
        private final List<Runnable> events = new ArrayList<>();
        private SendListener target;
        private boolean recording = true;

        Deferred(boolean goOnAfterRejection) {
            this.goOnAfterRejection = goOnAfterRejection;
        }

        @Override
        public void delivered(List<SinkRecord> batch) {
            List<SinkRecord> copy = List.copyOf(batch);
            add(() -> target.delivered(copy));
        }

        @Override
        public boolean rejected(SinkRecord record, String reason) {
            add(() -> target.rejected(record, reason));
            return goOnAfterRejection;
        }

        private synchronized void add(Runnable event) {
            if (recording) {
                events.add(event);
            }
        }

        synchronized void stopRecording() {
            recording = false;
        }

        void replay(SendListener listener) {
            List<Runnable> now;
            synchronized (this) {
                recording = false;
                now = new ArrayList<>(events);
                events.clear();
            }
            target = listener;
            for (Runnable e : now) {
                e.run();
            }
        }
    }
}
