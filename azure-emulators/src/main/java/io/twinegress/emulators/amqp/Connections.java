package io.twinegress.emulators.amqp;

import io.twinegress.emulators.auth.AcceptedKeys;
import io.twinegress.emulators.identity.IdentityProvider;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.impl.TransportImpl;
import org.apache.qpid.proton.reactor.Reactor;
import org.apache.qpid.proton.reactor.Selectable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The open client connections and their state, and the ways the stand-in ends one. Reactor thread only. */
final class Connections {

    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
    private static final Symbol CONNECTION_FORCED = Symbol.getSymbol("amqp:connection:forced");

    private final Map<Connection, ClientConnection> open = new IdentityHashMap<>();
    private final Reactor reactor;

    Connections(Reactor reactor) {
        this.reactor = reactor;
    }

    /** The state of {@code c}, created on its first event. */
    ClientConnection of(Connection c) {
        return open.computeIfAbsent(c, x -> new ClientConnection());
    }

    /** The state of {@code c}, or null once it is gone. */
    ClientConnection get(Connection c) {
        return open.get(c);
    }

    int count() {
        return open.size();
    }

    /** A connection has gone (closed by the client, or its transport): drop its state and wake who waits for it. */
    void forget(Connection c) {
        ClientConnection st = open.remove(c);
        if (st != null) {
            st.closed.complete(null);
        }
    }

    /**
     * Closes (AMQP close with {@code amqp:connection:forced}) every connection holding a grant signed
     * with a key no longer accepted, as Azure does when a key is regenerated, or authorized by a token whose
     * principal lost its role or that was expired early. Returns what completes when each has gone.
     */
    List<CompletableFuture<Void>> closeThoseWithRevokedAccess(AcceptedKeys keys, IdentityProvider identities) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Map.Entry<Connection, ClientConnection> e : new ArrayList<>(open.entrySet())) {
            ClientConnection st = e.getValue();
            if (!st.dropping && st.usesRevokedAccess(keys, identities)) {
                st.dropping = true;
                Connection c = e.getKey();
                c.setCondition(new ErrorCondition(CONNECTION_FORCED,
                        "The connection was closed because a credential it used was revoked."));
                c.close();
                closing.add(st.closed);
            }
        }
        return closing;
    }

    /** Cuts the socket of the connection whose close {@code closed} stands for, if it is still open. */
    void abortWhere(CompletableFuture<Void> closed) {
        for (Map.Entry<Connection, ClientConnection> e : new ArrayList<>(open.entrySet())) {
            if (e.getValue().closed == closed) {
                abort(e.getKey());
            }
        }
    }

    /** Cuts every socket; returns how many connections there were. */
    int abortAll() {
        int n = open.size();
        for (Connection c : new ArrayList<>(open.keySet())) {
            abort(c);
        }
        return n;
    }

    /**
     * Cuts the socket under a connection without an AMQP close (what a network failure looks like).
     * The channel is never closed directly: the selectable is terminated and proton's IOHandler
     * deregisters it and then closes the socket, in that order (closing first leaves a cancelled
     * selection key that a queued update trips over).
     */
    private void abort(Connection c) {
        ClientConnection st = open.remove(c);
        Transport t = c.getTransport();
        if (t != null) {
            t.close_tail();
            t.close_head();
            t.pop(Math.max(0, t.pending()));
            if (t instanceof TransportImpl ti) {
                Selectable sel = ti.getSelectable();
                if (sel != null && !sel.isTerminal()) {
                    sel.terminate();
                    reactor.update(sel);
                }
            }
        }
        if (st != null) {
            st.closed.complete(null);
        }
    }

    /**
     * Turns Nagle's algorithm off on an accepted socket, as servers that answer small frames do
     * (proton-j's acceptor leaves it on). With it on, a client with several sends in flight on one
     * link waits for the kernel's delayed ACK (about 40 ms) between our small disposition frames:
     * a stall Azure does not have, which would make concurrent sends look slower than serial ones.
     */
    static void noDelay(Transport transport) {
        SocketChannel channel = socket(transport);
        if (channel != null) {
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("TCP_NODELAY not set", e);
            }
        }
    }

    /** Open connections whose socket still has Nagle's algorithm on; none, unless {@link #noDelay} broke. */
    int withNagle() {
        int n = 0;
        for (Connection c : open.keySet()) {
            SocketChannel channel = socket(c.getTransport());
            try {
                if (channel == null || !channel.getOption(StandardSocketOptions.TCP_NODELAY)) {
                    n++;
                }
            } catch (IOException e) {
                n++; // a closing socket: not ours to count as fixed
            }
        }
        return n;
    }

    private static SocketChannel socket(Transport transport) {
        return transport instanceof TransportImpl ti && ti.getSelectable() != null
                && ti.getSelectable().getChannel() instanceof SocketChannel channel ? channel : null;
    }
}
