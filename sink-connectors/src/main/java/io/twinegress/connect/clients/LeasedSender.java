package io.twinegress.connect.clients;

import io.twinegress.connect.core.EndpointSender;

/**
 * An {@link EndpointSender} on one {@link LeasedClient}: closing the sender closes its client and
 * releases the lease; abandoning it (after a send that hung) retires the shared resource first, so
 * the next sender of the same key gets a fresh connection.
 *
 * @param <C> the SDK client
 */
public abstract class LeasedSender<C extends AutoCloseable> implements EndpointSender {

    private final LeasedClient<C> leased;
    /** The leased SDK client; valid until {@link #close} or {@link #abandon}. */
    protected final C client;

    protected LeasedSender(LeasedClient<C> leased) {
        this.leased = leased;
        this.client = leased.client();
    }

    @Override
    public final void close() {
        leased.close();
    }

    @Override
    public final void abandon() {
        leased.abandon();
    }
}
