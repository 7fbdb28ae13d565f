package io.twinegress.connect.eventgrid;

import io.twinegress.connect.clients.ClientKey;
import io.twinegress.connect.clients.ClientSharing;
import io.twinegress.connect.clients.SharedClients;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP clients of one worker's Event Grid tasks: one per connect timeout
 * ({@code client.try.timeout.ms}), shared by every task, so a worker with many Event Grid
 * connectors runs one selector thread and one small pool instead of a client with its own threads
 * per task, and reuses keep-alive connections across tasks that post to the same host. The key
 * travels as a header of each request, never in the client, so sharing the client shares no
 * credential and a failover changes nothing in it.
 *
 * <p>A client's threads end with its last task: Java 17's {@link HttpClient} has no
 * {@code close()}, and its threads and pooled connections otherwise live until it is collected.
 * So its executor is ours, shut down when the last lease is released, the client closed where the
 * runtime can (Java 21 and later), and every reference dropped, which ends its selector thread and
 * connections at the next collection on Java 17.
 */
final class EventGridHttpClients {

    /**
     * Threads of a shared client's executor. The client does no blocking work on it (it completes
     * exchanges and reads bodies already received), so a few serve every task; the selector thread
     * does the I/O.
     */
    static final int POOL_THREADS = 4;

    /** A client and the executor that runs its work. */
    record Client(HttpClient http, ExecutorService threads) {
    }

    private static final SharedClients<Client> CLIENTS = new SharedClients<>(EventGridHttpClients::close);

    private EventGridHttpClients() {
    }

    /** A lease on the worker's client for this connect timeout (a client of the task's own when sharing is off). */
    static SharedClients<Client>.Lease lease(Duration connectTimeout) {
        if (!ClientSharing.enabled()) {
            return new SharedClients<>(EventGridHttpClients::close).acquire(key(connectTimeout), () -> {
                ExecutorService threads = taskThreads();
                return new Client(EventGridSender.httpClient(connectTimeout, threads), threads);
            });
        }
        return CLIENTS.acquire(key(connectTimeout), () -> {
            ExecutorService threads = sharedThreads();
            return new Client(EventGridSender.httpClient(connectTimeout, threads), threads);
        });
    }

    private static ClientKey key(Duration connectTimeout) {
        return ClientKey.of("eventgrid-http", null, Map.of(), connectTimeout);
    }

    private static void close(Client c) {
        if (c.http() instanceof AutoCloseable closeable) { // Java 21+: ends its connections and threads now
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing is best effort: the executor below ends the client's work either way
            }
        }
        c.threads().shutdownNow();
    }

    /**
     * At most {@value #POOL_THREADS} daemon threads, ended after a minute idle, with the first task's
     * class loader (the plugin's, which the client needs).
     */
    private static ExecutorService sharedThreads() {
        String name = "twin-egress-eventgrid-http-";
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(POOL_THREADS, POOL_THREADS, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, name + n.getAndIncrement());
                t.setDaemon(true);
                t.setContextClassLoader(loader);
                return t;
            });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** A task's own client's threads (sharing off): a cached pool named after the task's thread, as before sharing. */
    private static ExecutorService taskThreads() {
        Thread task = Thread.currentThread();
        String name = task.getName() + "-http-client-";
        ClassLoader loader = task.getContextClassLoader();
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + n.getAndIncrement());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        });
    }

    /** The registry, for tests. */
    static SharedClients<Client> clients() {
        return CLIENTS;
    }
}
