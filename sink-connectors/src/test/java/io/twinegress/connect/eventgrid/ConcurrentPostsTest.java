package io.twinegress.connect.eventgrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Requests of one send over lanes, with answers the test completes in the order it chooses. */
class ConcurrentPostsTest {

    /** A posting whose answer the test completes: true = accepted, false = refused; an exception = I/O failure. */
    record Post(String batch, int attempt, CompletableFuture<Boolean> answer) implements ConcurrentPosts.Posting<String> {
    }

    /** Records what was started and judged; completes answers as {@link #answerer} says, on another thread. */
    static final class Fake implements ConcurrentPosts.Poster<String, Post> {
        final List<String> started = Collections.synchronizedList(new ArrayList<>());
        final List<String> accepted = new ArrayList<>();
        final List<Post> onTheWire = Collections.synchronizedList(new ArrayList<>());
        int maxOnTheWire;
        /** How each started posting ends; null leaves it open (the test completes it). */
        java.util.function.Function<Post, Boolean> answerer = p -> true;
        String ioFailureOnce;
        Thread judgedOn;

        @Override
        public Post start(String batch, int attempt) {
            Post p = new Post(batch, attempt, new CompletableFuture<>());
            started.add(batch + (attempt > 0 ? "#" + attempt : ""));
            onTheWire.add(p);
            maxOnTheWire = Math.max(maxOnTheWire, onTheWire.size());
            Boolean verdict = answerer.apply(p);
            if (verdict != null) {
                boolean fail = batch.equals(ioFailureOnce) && attempt == 0;
                CompletableFuture.runAsync(() -> {
                    if (fail) {
                        p.answer().completeExceptionally(new IOException("connection refused"));
                    } else {
                        p.answer().complete(verdict);
                    }
                });
            }
            return p;
        }

        @Override
        public boolean settle(Post p, int attempt) throws IOException {
            judgedOn = Thread.currentThread();
            onTheWire.remove(p);
            boolean ok;
            try {
                ok = p.answer().join();
            } catch (CompletionException e) {
                if (attempt < 1) {
                    return false; // one quick retry
                }
                throw (IOException) e.getCause();
            }
            if (!ok) {
                throw new IllegalStateException("refused " + p.batch());
            }
            accepted.add(p.batch());
            return true;
        }
    }

    static List<List<String>> lanes(String... lanes) {
        List<List<String>> out = new ArrayList<>();
        for (String lane : lanes) {
            out.add(List.of(lane.split(",")));
        }
        return out;
    }

    @Test
    void eachLaneKeepsItsOrderAndLanesRunAtTheSameTime() throws Exception {
        Fake fake = new Fake();
        java.util.Random random = new java.util.Random(7);
        fake.answerer = p -> {
            // answers come back in a shuffled order: each after 0-4 ms
            CompletableFuture.runAsync(() -> p.answer().complete(true),
                CompletableFuture.delayedExecutor(random.nextInt(5), TimeUnit.MILLISECONDS));
            return null;
        };
        List<List<String>> lanes = new ArrayList<>();
        for (String lane : List.of("a", "b", "c")) {
            List<String> batches = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                batches.add(lane + i);
            }
            lanes.add(batches);
        }
        new ConcurrentPosts<String, Post>(4, 10_000).run(lanes, fake);
        assertEquals(3, fake.maxOnTheWire, "one request per lane at once");
        for (List<String> lane : lanes) {
            assertEquals(lane, fake.accepted.stream().filter(b -> b.charAt(0) == lane.get(0).charAt(0)).toList());
        }
        assertEquals(60, fake.accepted.size());
    }

    @Test
    void neverMoreThanTheLimitOnTheWire() throws Exception {
        Fake fake = new Fake();
        new ConcurrentPosts<String, Post>(2, 10_000).run(lanes("a1,a2", "b1", "c1,c2", "d1", "e1"), fake);
        assertEquals(2, fake.maxOnTheWire);
        assertEquals(7, fake.accepted.size());
    }

    @Test
    void answersAreJudgedOnTheCallingThread() throws Exception {
        Fake fake = new Fake();
        new ConcurrentPosts<String, Post>(4, 10_000).run(lanes("a1", "b1"), fake);
        assertSame(Thread.currentThread(), fake.judgedOn);
    }

    @Test
    void afterAFailureNothingMoreStartsTheRequestsOnTheWireAreJudgedAndTheFailureIsThrown() throws Exception {
        Fake fake = new Fake();
        CountDownLatch b1Judged = new CountDownLatch(1);
        fake.answerer = p -> switch (p.batch()) {
            case "a1" -> false; // refused at once
            case "b1" -> {
                // accepted, but only after a1's refusal was judged
                CompletableFuture.runAsync(() -> {
                    try {
                        b1Judged.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    p.answer().complete(true);
                });
                yield null;
            }
            default -> true;
        };
        ConcurrentPosts<String, Post> posts = new ConcurrentPosts<>(2, 10_000);
        ConcurrentPosts.Poster<String, Post> poster = new ConcurrentPosts.Poster<>() {
            @Override
            public Post start(String batch, int attempt) {
                return fake.start(batch, attempt);
            }

            @Override
            public boolean settle(Post p, int attempt) throws IOException {
                try {
                    return fake.settle(p, attempt);
                } finally {
                    if (p.batch().equals("a1")) {
                        b1Judged.countDown();
                    }
                }
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> posts.run(lanes("a1,a2", "b1,b2", "c1"), poster));
        assertEquals("refused a1", e.getMessage());
        assertEquals(List.of("a1", "b1"), fake.started, "nothing started after the refusal");
        assertEquals(List.of("b1"), fake.accepted, "the request on the wire was still judged (and its events reported)");
    }

    @Test
    void anIoFailurePostsTheSameBatchAgainWhenThePosterSaysSo() throws Exception {
        Fake fake = new Fake();
        fake.ioFailureOnce = "a2";
        new ConcurrentPosts<String, Post>(4, 10_000).run(lanes("a1,a2,a3", "b1"), fake);
        assertEquals(List.of("a1", "a2", "a2#1", "a3"), fake.started.stream().filter(b -> b.startsWith("a")).toList());
        assertEquals(List.of("a1", "a2", "a3"), fake.accepted.stream().filter(b -> b.startsWith("a")).toList());
    }

    @Test
    void aRequestWithoutAnAnswerWithinTheLimitIsCancelledAndTimesOut() throws Exception {
        Fake fake = new Fake();
        fake.answerer = p -> p.batch().equals("a1") ? null : Boolean.TRUE; // a1 never answers
        HttpTimeoutException e = assertThrows(HttpTimeoutException.class,
            () -> new ConcurrentPosts<String, Post>(4, 200).run(lanes("a1,a2", "b1"), fake));
        assertTrue(e.getMessage().contains("200 ms"), e.getMessage());
        assertEquals(List.of("b1"), fake.accepted);
        assertTrue(fake.started.stream().noneMatch("a2"::equals), "a lane stops at its failed request");
        assertTrue(fake.started.contains("a1"));
    }

    @Test
    void anInterruptCancelsEveryRequestOnTheWire() throws Exception {
        Fake fake = new Fake();
        fake.answerer = p -> null; // nothing answers
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                new ConcurrentPosts<String, Post>(4, 60_000).run(lanes("a1", "b1"), fake);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        sender.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fake.onTheWire.size() < 2 && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        List<Post> wire = List.copyOf(fake.onTheWire);
        assertEquals(2, wire.size());
        sender.interrupt();
        sender.join(10_000);
        assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
        assertTrue(wire.stream().allMatch(p -> p.answer().isCancelled()));
    }

    @Test
    void aFailureToStartIsTheLanesFailure() {
        ConcurrentPosts.Poster<String, Post> poster = new ConcurrentPosts.Poster<>() {
            @Override
            public Post start(String batch, int attempt) throws IOException {
                throw new HttpTimeoutException("no token");
            }

            @Override
            public boolean settle(Post p, int attempt) {
                return true;
            }
        };
        assertThrows(HttpTimeoutException.class, () -> new ConcurrentPosts<String, Post>(4, 1000).run(lanes("a1", "b1"), poster));
    }
}
