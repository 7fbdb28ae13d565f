package io.twinegress.emulators.amqp;

import io.twinegress.emulators.HandlerErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.BaseHandler;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.reactor.Reactor;
import org.apache.qpid.proton.reactor.ReactorOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread every proton-j call runs on: proton-j is single-threaded. Other threads hand work
 * over with {@link #call} (a queue plus {@code reactor.wakeup()}). Whatever a task or handler throws is
 * recorded, never let out: an escaped exception would stop the reactor and hang every later client.
 */
final class ReactorThread {

    private static final Logger LOG = LoggerFactory.getLogger(ReactorThread.class);

    /** How long an API call waits for the reactor thread, and a fault for the sockets to follow. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Reactor reactor;
    private final HandlerErrors errors;
    private final Supplier<Duration> responseDelay;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Runnable beforeStop = () -> { };

    ReactorThread(HandlerErrors errors, Supplier<Duration> responseDelay) {
        this.errors = errors;
        this.responseDelay = responseDelay;
        try {
            ReactorOptions options = new ReactorOptions();
            options.setEnableSaslByDefault(true); // SASL ANONYMOUS: the SDK hangs without a SASL layer
            this.reactor = Proton.reactor(options, new BaseHandler());
            this.reactor.setTimeout(500);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the proton reactor", e);
        }
        this.thread = new Thread(this::runLoop, "amqp-emulator-reactor");
        this.thread.setDaemon(true);
    }

    /** The reactor; touch it on this thread only (from handlers, or inside {@link #call}). */
    Reactor reactor() {
        return reactor;
    }

    /** Starts the loop; {@code beforeStop} runs on the reactor thread when it stops, to cut what is still open. */
    void start(Runnable beforeStop) {
        this.beforeStop = beforeStop;
        thread.start();
    }

    private void runLoop() {
        reactor.start();
        scheduleKeepAlive();
        while (!stopping) {
            runTasks();
            try {
                if (!reactor.process()) {
                    break;
                }
            } catch (Throwable t) {
                errors.record("reactor", t);
                // the event whose handler threw was not popped: drop it, or it would throw forever
                try {
                    reactor.collector().pop();
                } catch (Throwable ignored) {
                    // nothing left to drop
                }
            }
        }
        runTasks();
        try {
            beforeStop.run();
            reactor.stop();
            for (int i = 0; i < 100 && reactor.process(); i++) {
                // drain the final events so sockets are closed
            }
        } catch (Throwable t) {
            LOG.debug("AMQP stand-in shutdown", t);
        } finally {
            try {
                reactor.free();
            } catch (Throwable t) {
                LOG.debug("reactor free", t);
            }
        }
    }

    /** Keeps the reactor alive while nothing is listening (unreachable): it quits with no selectables and no timers. */
    private void scheduleKeepAlive() {
        reactor.schedule(60_000, new BaseHandler() {
            @Override
            public void onTimerTask(Event e) {
                if (!stopping) {
                    scheduleKeepAlive();
                }
            }
        });
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            guard("task", task);
        }
    }

    /** Runs {@code work} on the reactor thread and waits for its result (runs it at once when called from there). */
    <T> T call(Supplier<T> work) {
        if (Thread.currentThread() == thread) {
            return work.get();
        }
        if (stopping) {
            throw new IllegalStateException("the AMQP stand-in is closed");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                result.complete(work.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        reactor.wakeup();
        try {
            return result.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the AMQP stand-in's reactor did not answer within " + CALL_TIMEOUT, e);
        }
    }

    /** Wakes the reactor so it selects again (NIO completes a registered channel's close only then). */
    void wakeup() {
        reactor.wakeup();
    }

    /** On the reactor thread: runs {@code action} after the stand-in's response delay (now if none). */
    void later(Runnable action) {
        long delay = responseDelay.get().toMillis();
        if (delay <= 0) {
            action.run();
            return;
        }
        reactor.schedule((int) Math.min(Integer.MAX_VALUE, delay), new BaseHandler() {
            @Override
            public void onTimerTask(Event e) {
                try {
                    action.run();
                } catch (Throwable t) {
                    // the client may have gone away while we waited: that is not a stand-in failure
                    LOG.debug("delayed AMQP response not delivered", t);
                }
            }
        });
    }

    /** Runs {@code r}, recording what it throws instead of letting it stop the reactor. */
    void guard(String where, Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            errors.record(where, t);
        }
    }

    /** Stops the loop (after {@code beforeStop}) and waits for the thread to end. */
    void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        reactor.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
