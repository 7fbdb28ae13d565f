package io.twinegress.connect.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connect.core.HeldRecords.Held;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One send at a time on a real send thread, its reports replayed on the caller's thread, and a hung send given up. */
class PipelinedSendTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final Duration BUDGET = Duration.ofSeconds(120);
    static final TopicPartition P0 = new TopicPartition("t", 0);

    final MutableClock clock = new MutableClock();
    final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-send");
        t.setDaemon(true);
        return t;
    });
    final PipelinedSend sends = new PipelinedSend("test", threads, clock, BUDGET);
    final CountDownLatch release = new CountDownLatch(1);
    /** What the listener saw, and on which thread. */
    final List<String> seen = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        release.countDown();
        threads.shutdownNow();
    }

    final SendListener listener = new SendListener() {
        @Override
        public void delivered(List<SinkRecord> batch) {
            seen.add(Thread.currentThread().getName() + ": delivered " + batch.size());
        }

        @Override
        public boolean rejected(SinkRecord record, String reason) {
            seen.add(Thread.currentThread().getName() + ": rejected " + reason);
            return true; // what the task thread's listener answers is not the sender's business
        }
    };

    static List<Held> batch(int n) {
        HeldRecords held = new HeldRecords();
        for (int i = 0; i < n; i++) {
            held.accept(new SinkRecord(P0.topic(), 0, null, null, null, "{}".getBytes(StandardCharsets.UTF_8), i), Instant.now());
        }
        return held.all();
    }

    /** A sender that runs {@code body}, counting closes. */
    static final class Sender implements EndpointSender {
        interface Body {
            void send(List<SinkRecord> records, SendListener listener) throws Exception;
        }

        final Body body;
        final AtomicInteger closed = new AtomicInteger();

        Sender(Body body) {
            this.body = body;
        }

        @Override
        public void send(List<SinkRecord> records, SendListener listener) throws Exception {
            body.send(records, listener);
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    @Test
    void aSendRunsOnTheSendThreadAndWhatItReportsIsAppliedOnTheCallersThread() {
        AtomicReference<String> ranOn = new AtomicReference<>();
        AtomicBoolean goOn = new AtomicBoolean();
        Sender sender = new Sender((records, l) -> {
            ranOn.set(Thread.currentThread().getName());
            goOn.set(l.rejected(records.get(0), "too large"));
            awaitRelease();
            l.delivered(records.subList(1, records.size()));
        });
        PipelinedSend.Send s = sends.start(sender, batch(3), 300, true);
        assertSame(s, sends.inFlight());
        assertThrows(IllegalStateException.class, () -> sends.start(sender, batch(1), 1, true), "one send in flight");
        await().atMost(WAIT).until(() -> ranOn.get() != null);
        assertEquals("test-send", ranOn.get());
        assertTrue(goOn.get(), "the sender got the answer it was started with");
        assertFalse(s.isDone());
        assertEquals(List.of(), seen, "nothing applied while the send runs");
        release.countDown();
        PipelinedSend.Result r = sends.finish(Instant.MAX, listener);
        assertNull(r.failure());
        assertNull(r.gaveUpOn());
        String me = Thread.currentThread().getName();
        assertEquals(List.of(me + ": rejected too large", me + ": delivered 2"), seen, "in the order reported");
        assertNull(sends.inFlight());
        assertEquals(0, sender.closed.get());
    }

    @Test
    void aSendStartedToStopAtARejectionIsToldSo() {
        AtomicBoolean goOn = new AtomicBoolean(true);
        Sender sender = new Sender((records, l) -> goOn.set(l.rejected(records.get(0), "held")));
        PipelinedSend.Result r = sends.run(sender, batch(2), false, Instant.MAX, listener);
        assertNull(r.failure());
        assertFalse(goOn.get());
    }

    @Test
    void aFailureIsReturnedNotThrown() {
        IOException down = new IOException("connection refused");
        PipelinedSend.Result r = sends.run(new Sender((records, l) -> {
            throw down;
        }), batch(1), true, Instant.MAX, listener);
        assertSame(down, r.failure());
        assertNull(r.gaveUpOn());
    }

    @Test
    void aSendPastTheBudgetIsGivenUpInterruptedAndItsSenderClosed() {
        AtomicBoolean interrupted = new AtomicBoolean();
        Sender sender = new Sender((records, l) -> {
            clock.advance(BUDGET); // the send takes the whole budget on the task's clock
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                l.delivered(records); // reported after the give-up: ignored
            }
        });
        sends.start(sender, batch(4), 4, true);
        PipelinedSend.Result r = assertTimeoutPreemptively(WAIT, () -> sends.finish(Instant.MAX, listener));
        assertInstanceOf(PipelinedSend.SendTimeoutException.class, r.failure());
        assertTrue(r.failure().getMessage().contains("no answer to a send of 4 records"), r.failure().getMessage());
        assertEquals(Outcome.TRANSIENT, FailureClassifier.classify(r.failure()).outcome());
        assertSame(sender, r.gaveUpOn());
        await("interrupted").atMost(WAIT).untilTrue(interrupted);
        await("closed in the background").atMost(WAIT).until(() -> sender.closed.get() == 1);
        assertEquals(List.of(), seen, "what a given-up send reports is dropped");
    }

    @Test
    void theCallsDeadlineEndsTheWaitEarlierThanTheBudget() {
        Instant callDeadline = clock.instant().plusSeconds(5);
        Sender sender = new Sender((records, l) -> {
            clock.advance(Duration.ofSeconds(6));
            awaitRelease();
        });
        sends.start(sender, batch(1), 1, true);
        assertFalse(sends.inFlight().overdue(clock.instant()), "a send may run its budget");
        PipelinedSend.Result r = assertTimeoutPreemptively(WAIT, () -> sends.finish(callDeadline, listener));
        assertInstanceOf(PipelinedSend.SendTimeoutException.class, r.failure());
        assertTrue(r.ranMs() >= 5000, "ran " + r.ranMs());
    }

    @Test
    void overdueOnceItRanItsBudget() {
        sends.start(new Sender((records, l) -> awaitRelease()), batch(1), 1, true);
        PipelinedSend.Send s = sends.inFlight();
        assertFalse(s.overdue(clock.instant()));
        clock.advance(BUDGET);
        assertTrue(s.overdue(clock.instant()));
        release.countDown();
        await().atMost(WAIT).until(s::isDone);
        assertFalse(s.overdue(clock.instant()), "done is never overdue");
    }

    void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
