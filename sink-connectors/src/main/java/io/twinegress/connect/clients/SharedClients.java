package io.twinegress.connect.clients;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Resources shared by the tasks of one Connect worker (an SDK client builder that owns one AMQP
 * connection, an HTTP client), one per {@link ClientKey}, reference-counted: the first
 * {@link #acquire} of a key creates the resource, every lease counts, and the release of the last
 * lease closes it. A later acquire of the same key creates a new one.
 *
 * <p>What makes the sharing safe for the delivery guarantees is the key: it covers every setting
 * the resource was built with (the credential, so a task that fails over to its other key or gets a
 * new key leases another resource, and the client's retry and timeout settings), so two tasks share
 * only what either would have built alike. A lease is released once; closing it twice does nothing,
 * so a task that closes its sender again never takes another task's reference.
 *
 * <p>{@link Lease#retire} takes a resource out of the registry without closing it: the leases
 * that hold it keep it until they release it, and the next acquire of its key gets a new one (a task
 * that gave up on a send that hung reconnects without cutting the others' connection).
 *
 * <p>Thread-safe. The factory runs under the registry's lock, so it must only build (no I/O).
 *
 * @param <R> the shared resource
 */
public final class SharedClients<R> {

    private final Consumer<R> closer;
    private final Map<ClientKey, Entry<R>> entries = new HashMap<>();

    /** @param closer closes a resource once its last lease is released; must not throw */
    public SharedClients(Consumer<R> closer) {
        this.closer = closer;
    }

    /** A lease on the resource for {@code key}, created by {@code create} when there is none. */
    public Lease acquire(ClientKey key, Supplier<R> create) {
        synchronized (this) {
            Entry<R> e = entries.get(key);
            if (e == null) {
                e = new Entry<>(create.get());
                entries.put(key, e);
            }
            e.leases++;
            return new Lease(key, e);
        }
    }

    /** How many resources are open and handed to new leases. */
    public synchronized int size() {
        return entries.size();
    }

    /** The open leases on the resource that {@code key} hands out now; 0 when none. */
    public synchronized int leases(ClientKey key) {
        Entry<R> e = entries.get(key);
        return e == null ? 0 : e.leases;
    }

    private void release(ClientKey key, Entry<R> e) {
        R close = null;
        synchronized (this) {
            e.leases--;
            if (e.leases == 0) {
                entries.remove(key, e);
                close = e.resource;
            }
        }
        if (close != null) {
            closer.accept(close); // outside the lock: closing a client may wait for its connection
        }
    }

    private synchronized void retire(ClientKey key, Entry<R> e) {
        entries.remove(key, e);
    }

    private static final class Entry<R> {
        final R resource;
        int leases;

        Entry(R resource) {
            this.resource = resource;
        }
    }

    /** One task's hold on a shared resource. */
    public final class Lease implements AutoCloseable {

        private final ClientKey key;
        private final Entry<R> entry;
        private boolean released;

        private Lease(ClientKey key, Entry<R> entry) {
            this.key = key;
            this.entry = entry;
        }

        public R get() {
            return entry.resource;
        }

        /** New leases of this key get a new resource; this one stays open for those who hold it. */
        public void retire() {
            SharedClients.this.retire(key, entry);
        }

        /** Releases this lease; the last lease of a resource closes it. Only the first call counts. */
        @Override
        public void close() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            release(key, entry);
        }
    }
}
