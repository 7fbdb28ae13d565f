package io.twinegress.emulators.amqp;

import io.twinegress.emulators.auth.AcceptedKeys;
import io.twinegress.emulators.identity.IdentityProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.qpid.proton.engine.BaseHandler;
import org.apache.qpid.proton.reactor.Acceptor;
import org.apache.qpid.proton.reactor.impl.AcceptorImpl;

/**
 * The listeners (plain AMQP, and AMQPS when TLS is on), and the faults that end connections: going
 * unreachable and coming back, and keys or tokens no longer accepted. Called from API threads; every engine call is handed to the reactor thread, and each
 * method returns once the fault is real (port free, port bound, clients told).
 */
final class ConnectionFaults {

    /** How long a client gets to answer the close of a connection whose key was revoked before its socket is cut. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(3);

    private final String host;
    private final ReactorThread reactorThread;
    private final Connections connections;
    private final BaseHandler handler;
    private final BaseHandler tlsHandler;
    private Acceptor acceptor; // reactor thread only
    private Acceptor tlsAcceptor; // reactor thread only
    private volatile int port;
    private volatile int tlsPort = -1;
    private volatile boolean reachable;

    /**
     * @param handler    what handles every connection accepted on the plain port
     * @param tlsHandler what handles every connection accepted on the TLS port (it adds the TLS layer); null
     *                   for no TLS port
     */
    ConnectionFaults(String host, ReactorThread reactorThread, Connections connections, BaseHandler handler,
                     BaseHandler tlsHandler) {
        this.host = host;
        this.reactorThread = reactorThread;
        this.connections = connections;
        this.handler = handler;
        this.tlsHandler = tlsHandler;
    }

    int port() {
        return port;
    }

    /** The AMQPS port, or -1 without TLS. */
    int tlsPort() {
        return tlsPort;
    }

    boolean reachable() {
        return reachable;
    }

    /** Starts listening on {@code wantedPort} and, with TLS, {@code wantedTlsPort} (0: any free one). */
    void listen(int wantedPort, int wantedTlsPort) {
        IOException failure = reactorThread.call(() -> openAcceptors(wantedPort, wantedTlsPort));
        if (failure != null) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + wantedPort
                    + (tlsHandler == null ? "" : " and " + wantedTlsPort), failure);
        }
    }

    /** On the reactor thread: opens the listeners not open yet, or returns why not. */
    private IOException openAcceptors(int wantedPort, int wantedTlsPort) {
        try {
            if (acceptor == null) {
                acceptor = reactorThread.reactor().acceptor(host, wantedPort, handler);
                port = ((AcceptorImpl) acceptor).getPortNumber();
            }
            if (tlsHandler != null && tlsAcceptor == null) {
                tlsAcceptor = reactorThread.reactor().acceptor(host, wantedTlsPort, tlsHandler);
                tlsPort = ((AcceptorImpl) tlsAcceptor).getPortNumber();
            }
            reachable = true;
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    /**
     * Closes the listener and every connection abruptly, and returns once the port is really free
     * (NIO completes the close of a registered channel only at the reactor's next select).
     * Returns the number of connections cut.
     */
    int goUnreachable() {
        int cut = reactorThread.call(() -> {
            closeListener();
            return connections.abortAll();
        });
        long deadline = System.nanoTime() + ReactorThread.CALL_TIMEOUT.toNanos();
        while (!portIsFree() && System.nanoTime() < deadline) {
            reactorThread.wakeup();
            sleepQuietly(10);
        }
        return cut;
    }

    /** Listens again on the same port (retrying briefly while the old listener is still being released). */
    void comeBack() {
        long deadline = System.nanoTime() + ReactorThread.CALL_TIMEOUT.toNanos();
        while (true) {
            IOException failure = reactorThread.call(() -> openAcceptors(port, tlsPort));
            if (failure == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new UncheckedIOException("cannot listen again on " + host + ":" + port, failure);
            }
            sleepQuietly(20);
        }
    }

    /**
     * Closes every connection holding a grant signed with a key {@code keys} no longer accepts or authorized
     * by a token {@code identities} no longer accepts, and waits until each client has seen the close (or
     * cuts its socket after a grace period). Returns the number of connections dropped.
     */
    int dropConnectionsWithRevokedAccess(AcceptedKeys keys, IdentityProvider identities) {
        List<CompletableFuture<Void>> closing = reactorThread.call(
                () -> connections.closeThoseWithRevokedAccess(keys, identities));
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        for (CompletableFuture<Void> closed : closing) {
            try {
                closed.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // the client did not answer the close in time; cut the socket
                reactorThread.call(() -> {
                    connections.abortWhere(closed);
                    return null;
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return closing.size();
    }

    /** On the reactor thread, when it stops: cuts every connection and closes the listener. */
    void closeAll() {
        connections.abortAll();
        closeListener();
    }

    private void closeListener() {
        if (acceptor != null) {
            acceptor.close();
            acceptor = null;
        }
        if (tlsAcceptor != null) {
            tlsAcceptor.close();
            tlsAcceptor = null;
        }
        reachable = false;
    }

    private boolean portIsFree() {
        return portIsFree(port) && (tlsPort < 0 || portIsFree(tlsPort));
    }

    private boolean portIsFree(int p) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, p));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
