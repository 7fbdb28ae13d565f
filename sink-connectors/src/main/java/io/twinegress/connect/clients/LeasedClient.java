package io.twinegress.connect.clients;

/**
 * A task's SDK client, built on a shared resource it holds a lease on (or on a resource of its own
 * when sharing is off). Closing it closes the client (its link, not the shared connection) and then
 * releases the lease: the connection ends with the last client on it.
 *
 * @param <C> the SDK client
 */
public final class LeasedClient<C extends AutoCloseable> implements AutoCloseable {

    private final C client;
    private final SharedClients<?>.Lease lease;

    private LeasedClient(C client, SharedClients<?>.Lease lease) {
        this.client = client;
        this.lease = lease;
    }

    /** A client on a shared resource: {@code lease} is released when the client is closed. */
    public static <C extends AutoCloseable> LeasedClient<C> shared(C client, SharedClients<?>.Lease lease) {
        return new LeasedClient<>(client, lease);
    }

    /** A client that owns its connection. */
    public static <C extends AutoCloseable> LeasedClient<C> own(C client) {
        return new LeasedClient<>(client, null);
    }

    public C client() {
        return client;
    }

    /**
     * As {@link #close}, after a send that hung: the shared resource is retired first, so the next
     * lease of its key builds a new one (a fresh connection) while the other holders keep this one.
     */
    public void abandon() {
        if (lease != null) {
            lease.retire();
        }
        close();
    }

    /** Closes the client, then releases the lease. Never throws. */
    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception ignored) {
            // closing a client whose connection already failed
        }
        if (lease != null) {
            lease.close();
        }
    }
}
