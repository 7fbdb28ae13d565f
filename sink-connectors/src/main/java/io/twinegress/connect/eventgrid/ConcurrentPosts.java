package io.twinegress.connect.eventgrid;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The requests of one send: those of a lane one after the other, in their order, and those of
 * different lanes at the same time, at most {@code maxInFlight} at once. A lane is what must keep
 * its order (the requests of one topic-partition); requests of different lanes may arrive in any
 * order.
 *
 * <p>Only the wait is shared: starting a request and judging its answer ({@link Poster}) run on
 * the calling thread, one answer at a time, so whatever the poster tells its listener it tells from
 * that thread. Once a request failed, no request is started any more (in no lane: the rest stays
 * unsent, for the caller to send again); the ones on the wire are waited for and judged (an
 * accepted one is still reported), then the first failure is thrown. A request without a complete
 * answer within the limit is cancelled and fails as an {@link HttpTimeoutException}; an interrupt
 * cancels every request on the wire.
 *
 * @param <B> a request's content (its batch of events)
 * @param <P> one attempt at posting it
 */
final class ConcurrentPosts<B, P extends ConcurrentPosts.Posting<B>> {

    /** One attempt at posting a batch, on the wire until its answer completes. */
    interface Posting<B> {
        B batch();

        /** Completes with the answer (or the I/O failure); cancelled when it is given up. */
        CompletableFuture<?> answer();
    }

    /** Starts and judges the requests; both on the calling thread. */
    interface Poster<B, P> {
        /** Starts posting {@code batch}; {@code attempt} counts the posts of it already made within this send. */
        P start(B batch, int attempt) throws IOException;

        /**
         * What an answered request means: true when the batch is done (accepted, and reported), false
         * to post it again at once; throws what the request failed with.
         */
        boolean settle(P posting, int attempt) throws IOException, InterruptedException;
    }

    private final int maxInFlight;
    private final long limitMs;

    /**
     * @param maxInFlight at most this many requests on the wire at once
     * @param limitMs     how long a request may take until its answer is complete
     */
    ConcurrentPosts(int maxInFlight, long limitMs) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.maxInFlight = maxInFlight;
        this.limitMs = limitMs;
    }

    /** Posts every batch of {@code lanes} (each lane in its order) as the class comment says. */
    void run(List<? extends List<B>> lanes, Poster<B, P> poster) throws IOException, InterruptedException {
        Deque<Lane> waiting = new ArrayDeque<>();
        for (List<B> batches : lanes) {
            if (!batches.isEmpty()) {
                waiting.add(new Lane(new ArrayDeque<>(batches)));
            }
        }
        BlockingQueue<P> answered = new LinkedBlockingQueue<>();
        List<Lane> onTheWire = new ArrayList<>();
        Exception failure = null;
        try {
            while (true) {
                while (failure == null && onTheWire.size() < maxInFlight && !waiting.isEmpty()) {
                    failure = start(waiting.poll(), poster, answered, onTheWire);
                }
                if (onTheWire.isEmpty()) {
                    break;
                }
                Lane lane = nextEnded(answered, onTheWire);
                onTheWire.remove(lane);
                try {
                    if (lane.posting == null) {
                        throw new HttpTimeoutException("no complete answer within " + limitMs + " ms");
                    }
                    if (!poster.settle(lane.posting, lane.attempt)) {
                        lane.attempt++;
                        if (failure == null) {
                            failure = start(lane, poster, answered, onTheWire); // at once, ahead of the lanes waiting
                        }
                        continue;
                    }
                    lane.batches.poll();
                    lane.attempt = 0;
                    if (!lane.batches.isEmpty()) {
                        waiting.add(lane); // behind the lanes waiting: each lane gets its turn
                    }
                } catch (IOException | RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        } catch (InterruptedException | RuntimeException | Error e) {
            for (Lane lane : onTheWire) {
                lane.cancel();
            }
            throw e;
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure != null) {
            throw (RuntimeException) failure;
        }
    }

    /** Puts the lane's next request on the wire; what starting it failed with, or null. */
    private Exception start(Lane lane, Poster<B, P> poster, BlockingQueue<P> answered, List<Lane> onTheWire) {
        try {
            lane.start(poster, answered);
        } catch (IOException | RuntimeException e) {
            return e;
        }
        onTheWire.add(lane);
        return null;
    }

    /**
     * The lane whose request ended first; one past its limit is cancelled first and comes back
     * without its posting (it timed out).
     */
    private Lane nextEnded(BlockingQueue<P> answered, List<Lane> onTheWire) throws InterruptedException {
        while (true) {
            Lane soonest = onTheWire.get(0);
            for (Lane lane : onTheWire) {
                if (lane.deadline - soonest.deadline < 0) {
                    soonest = lane;
                }
            }
            long leftNanos = soonest.deadline - System.nanoTime();
            P ended = leftNanos > 0 ? answered.poll(leftNanos, TimeUnit.NANOSECONDS) : answered.poll();
            if (ended != null) {
                for (Lane lane : onTheWire) {
                    if (lane.posting == ended) {
                        return lane;
                    }
                }
                continue; // a request given up on, ending late
            }
            if (soonest.deadline - System.nanoTime() <= 0) {
                soonest.cancel();
                soonest.posting = null;
                return soonest;
            }
        }
    }

    /** One lane's batches still to post (the first is the one on the wire), and the attempt at it. */
    private final class Lane {
        final Deque<B> batches;
        P posting;
        int attempt;
        long deadline;

        Lane(Deque<B> batches) {
            this.batches = batches;
        }

        void start(Poster<B, P> poster, BlockingQueue<P> answered) throws IOException {
            deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
            P p = poster.start(batches.peek(), attempt);
            posting = p;
            p.answer().whenComplete((v, e) -> answered.add(p));
        }

        void cancel() {
            if (posting != null) {
                posting.answer().cancel(true);
            }
        }
    }
}
