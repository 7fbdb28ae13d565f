package io.twinegress.emulators.amqp;

import io.twinegress.emulators.ArrivalLog;
import io.twinegress.emulators.HandlerErrors;
import io.twinegress.emulators.auth.AcceptedKeys;
import io.twinegress.emulators.identity.IdentityProvider;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.engine.BaseHandler;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.SslDomain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proton-j side of {@link AmqpEmulator}: one handler for every client connection, dispatching each
 * event to the part that owns it — {@link LinkAttach}, {@link CbsNode}, {@link ManagementNode},
 * {@link EntityReceiver} — and the faults of {@link ConnectionFaults}. Every engine call happens on the
 * {@link ReactorThread}; every handler catches everything and records it.
 */
final class AmqpEngine {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpEngine.class);

    private final ReactorThread reactorThread;
    private final Connections connections;
    private final ConnectionFaults faults;
    private final LinkAttach linkAttach;
    private final Replies replies;
    private final CbsNode cbs;
    private final ManagementNode management;
    private final EntityReceiver entityReceiver;
    private final AcceptedKeys keys;
    private final IdentityProvider identities;
    private final AmqpCounters counters = new AmqpCounters();

    /**
     * Where and how to listen and whom to accept.
     *
     * @param tls        the server TLS context of the AMQPS listener; null for none
     * @param tlsPort    the AMQPS port (0: any free one); ignored without {@code tls}
     * @param identities checks Entra ID tokens; null to accept shared access signatures only
     */
    record Listen(String host, int port, SSLContext tls, int tlsPort, AcceptedKeys keys, IdentityProvider identities) {
    }

    /**
     * Starts the reactor thread and listens; returns once the ports are bound.
     *
     * @param throttled     asked once per transfer: whether to reject it as server-busy
     * @param responseDelay how long every disposition and node reply waits
     */
    AmqpEngine(Listen listen, AmqpEntities entities, ArrivalLog<ReceivedMessage> log,
               BooleanSupplier throttled, HandlerErrors errors, Supplier<Duration> responseDelay) {
        String host = listen.host();
        this.keys = listen.keys();
        this.identities = listen.identities();
        this.reactorThread = new ReactorThread(errors, responseDelay);
        this.connections = new Connections(reactorThread.reactor());
        this.faults = new ConnectionFaults(host, reactorThread, connections, new Handler(null),
                listen.tls() == null ? null : new Handler(listen.tls()));
        this.linkAttach = new LinkAttach(host, entities, connections);
        this.replies = new Replies(reactorThread, connections);
        this.cbs = new CbsNode(host, keys, identities, entities, connections, replies, counters);
        this.management = new ManagementNode(host, entities, keys, log, replies, counters, cbs);
        this.entityReceiver = new EntityReceiver(reactorThread, throttled, log, counters, connections);
        reactorThread.start(faults::closeAll);
        try {
            faults.listen(listen.port(), listen.tlsPort());
        } catch (RuntimeException e) {
            reactorThread.stop();
            throw e;
        }
    }

    int port() {
        return faults.port();
    }

    /** The AMQPS port, or -1 without TLS. */
    int tlsPort() {
        return faults.tlsPort();
    }

    boolean reachable() {
        return faults.reachable();
    }

    AmqpCounters counters() {
        return counters;
    }

    void rejectMessageId(String messageId, String condition, String description) {
        entityReceiver.rejectMessageId(messageId, Symbol.valueOf(condition), description);
    }

    /** See {@link ConnectionFaults#goUnreachable()}. */
    int goUnreachable() {
        return faults.goUnreachable();
    }

    /** See {@link ConnectionFaults#comeBack()}. */
    void comeBack() {
        faults.comeBack();
    }

    /** See {@link ConnectionFaults#dropConnectionsWithRevokedAccess}. */
    int dropConnectionsWithRevokedAccess() {
        return faults.dropConnectionsWithRevokedAccess(keys, identities);
    }

    int openConnections() {
        return reactorThread.call(connections::count);
    }

    int connectionsWithNagle() {
        return reactorThread.call(connections::withNagle);
    }

    void setEntityDeliveryHook(Runnable hook) {
        entityReceiver.deliveryHook = hook;
    }

    void stop() {
        reactorThread.stop();
    }

    /**
     * One handler for every connection of a listener; each method catches everything. The AMQPS listener's
     * adds the TLS layer when a connection is bound, before any byte is read (TLS outside SASL, as on 5671).
     */
    private final class Handler extends BaseHandler {

        private final SslDomain tls;

        /** @param tls the server TLS context; null for the plain listener */
        Handler(SSLContext tls) {
            if (tls == null) {
                this.tls = null;
            } else {
                this.tls = Proton.sslDomain();
                this.tls.init(SslDomain.Mode.SERVER);
                this.tls.setSslContext(tls);
            }
        }

        @Override
        public void onConnectionBound(Event event) {
            if (tls != null) {
                reactorThread.guard("tls", () -> {
                    event.getTransport().ssl(tls);
                    connections.of(event.getConnection()).tls = true;
                });
            }
        }

        @Override
        public void onConnectionRemoteOpen(Event event) {
            reactorThread.guard("connection open", () -> {
                Connection c = event.getConnection();
                connections.of(c);
                Connections.noDelay(event.getTransport());
                if (c.getLocalState() == EndpointState.UNINITIALIZED) {
                    c.setContainer("twin-egress-emulator");
                    c.open();
                }
            });
        }

        @Override
        public void onConnectionRemoteClose(Event event) {
            reactorThread.guard("connection close", () -> {
                Connection c = event.getConnection();
                if (c.getLocalState() != EndpointState.CLOSED) {
                    c.close();
                }
                connections.forget(c);
            });
        }

        @Override
        public void onTransportClosed(Event event) {
            reactorThread.guard("transport closed", () -> {
                Connection c = event.getConnection();
                if (c != null) {
                    connections.forget(c);
                }
            });
        }

        @Override
        public void onTransportError(Event event) {
            // a client went away or sent garbage: its business, not a stand-in failure
            LOG.debug("AMQP transport error: {}", event.getTransport().getCondition());
        }

        @Override
        public void onSessionRemoteOpen(Event event) {
            reactorThread.guard("session open", () -> {
                Session s = event.getSession();
                if (s.getLocalState() == EndpointState.UNINITIALIZED) {
                    s.setIncomingCapacity(Integer.MAX_VALUE / 2);
                    s.open();
                }
            });
        }

        @Override
        public void onSessionRemoteClose(Event event) {
            reactorThread.guard("session close", () -> {
                Session s = event.getSession();
                if (s.getLocalState() != EndpointState.CLOSED) {
                    s.close();
                }
            });
        }

        @Override
        public void onLinkRemoteOpen(Event event) {
            reactorThread.guard("link attach", () -> linkAttach.attach(event.getLink()));
        }

        @Override
        public void onLinkRemoteClose(Event event) {
            reactorThread.guard("link detach", () -> {
                Link link = event.getLink();
                replies.detached(link);
                if (link.getLocalState() != EndpointState.CLOSED) {
                    link.close();
                }
            });
        }

        @Override
        public void onLinkFlow(Event event) {
            reactorThread.guard("link flow", () -> {
                if (event.getLink() instanceof Sender s) {
                    replies.flush(s);
                }
            });
        }

        @Override
        public void onDelivery(Event event) {
            reactorThread.guard("delivery", () -> delivery(event.getDelivery()));
        }
    }

    private void delivery(Delivery d) {
        Link link = d.getLink();
        if (link instanceof Sender) {
            // the client's disposition of one of our replies
            if (d.remotelySettled() && !d.isSettled()) {
                d.settle();
            }
            return;
        }
        Receiver receiver = (Receiver) link;
        if (!d.isReadable() || d.isPartial()) {
            return;
        }
        if (d.isAborted()) {
            d.settle();
            return;
        }
        byte[] bytes = readAll(receiver);
        int format = d.getMessageFormat();
        receiver.advance();
        if (receiver.getCredit() < LinkAttach.CREDIT / 2 && receiver.getLocalState() == EndpointState.ACTIVE) {
            receiver.flow(LinkAttach.CREDIT - receiver.getCredit());
        }
        LinkRole role = (LinkRole) link.getContext();
        if (role == null) {
            d.settle();
            return;
        }
        Connection conn = link.getSession().getConnection();
        switch (role.kind()) {
            case CBS -> cbs.request(conn, d, bytes);
            case MANAGEMENT -> management.request(conn, d, role, bytes);
            case ENTITY -> entityReceiver.transfer(d, role, bytes, format);
            default -> d.settle();
        }
    }

    private static byte[] readAll(Receiver receiver) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(256, receiver.current().pending()));
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = receiver.recv(buf, 0, buf.length)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
