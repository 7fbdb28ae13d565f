package io.twinegress.emulators.amqp;

import io.twinegress.emulators.ArrivalLog;
import io.twinegress.emulators.HandlerErrors;
import io.twinegress.emulators.Throttle;
import io.twinegress.emulators.auth.KeyFingerprint;
import io.twinegress.emulators.auth.KeyRing;
import io.twinegress.emulators.auth.SasValidation;
import io.twinegress.emulators.auth.SharedAccessSignatures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.BaseHandler;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.impl.TransportImpl;
import org.apache.qpid.proton.message.Message;
import org.apache.qpid.proton.reactor.Acceptor;
import org.apache.qpid.proton.reactor.Reactor;
import org.apache.qpid.proton.reactor.ReactorOptions;
import org.apache.qpid.proton.reactor.Selectable;
import org.apache.qpid.proton.reactor.impl.AcceptorImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proton-j Reactor behind {@link AmqpEmulator}. Every engine call happens on the one
 * reactor thread; other threads hand work over with {@link #call} (a queue plus
 * {@code reactor.wakeup()}). Every handler catches everything: an escaped exception would
 * stop the reactor and hang every later client, so errors are recorded instead and tests
 * assert there were none.
 */
final class AmqpEngine {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpEngine.class);

    static final Symbol NOT_FOUND = Symbol.getSymbol("amqp:not-found");
    static final Symbol UNAUTHORIZED = Symbol.getSymbol("amqp:unauthorized-access");
    static final Symbol SERVER_BUSY = Symbol.getSymbol("com.microsoft:server-busy");
    static final Symbol MESSAGE_SIZE_EXCEEDED = Symbol.getSymbol("amqp:link:message-size-exceeded");
    static final Symbol CONNECTION_FORCED = Symbol.getSymbol("amqp:connection:forced");
    static final Symbol NOT_IMPLEMENTED = Symbol.getSymbol("amqp:not-implemented");

    private static final int CREDIT = 1000;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    // --- shared with API threads (all thread-safe) ---
    final Map<String, AmqpEntity> entities = new ConcurrentHashMap<>();
    final KeyRing keys;
    final ArrivalLog<ReceivedMessage> log;
    final HandlerErrors handlerErrors = new HandlerErrors("AMQP stand-in");
    final Throttle throttle = new Throttle();
    final AtomicLong responseDelayMillis = new AtomicLong();
    /** Message id → the error a transfer carrying it is rejected with (see AmqpEmulator#rejectMessageId). */
    final Map<String, ErrorCondition> rejectedMessageIds = new ConcurrentHashMap<>();
    final AtomicLong tokensAccepted = new AtomicLong();
    final AtomicLong tokensRefused = new AtomicLong();
    final AtomicLong transfersThrottled = new AtomicLong();
    final AtomicLong transfersAccepted = new AtomicLong();
    final AtomicLong duplicatesDropped = new AtomicLong();
    private final AtomicLong transferIds = new AtomicLong();
    /** Test hook for the stand-in's own tests: runs at the start of every delivery on an entity link. */
    volatile Runnable entityDeliveryHook;

    private final String host;
    private final Reactor reactor;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile int port;
    private volatile boolean reachable;

    // --- reactor thread only ---
    private final Map<Connection, ConnState> connections = new IdentityHashMap<>();
    private final Map<String, AtomicInteger> roundRobin = new HashMap<>();
    private final Map<String, Map<String, Instant>> seenMessageIds = new HashMap<>();
    private final AmqpCodec codec = new AmqpCodec();
    private Acceptor acceptor;

    /** What one client connection has been granted, and the reply links it opened. */
    private static final class ConnState {
        final List<Grant> grants = new ArrayList<>();
        final Map<String, Sender> replyLinks = new HashMap<>();
        final Map<Sender, List<byte[]>> pendingReplies = new IdentityHashMap<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        boolean dropping;
    }

    /** A put-token the stand-in accepted: entity path (lower case, "" = namespace) and the key that signed it. */
    private record Grant(String path, String keyName, String key, String fingerprint) {
        Grant(String path, String keyName, String key) {
            this(path, keyName, key, KeyFingerprint.of(key));
        }

        @Override
        public String toString() {
            return "Grant[" + path + ", " + keyName + ", " + fingerprint + "]";
        }
    }

    /** What a link is for. */
    private record LinkRole(Kind kind, AmqpEntity entity, String partitionId, String nodeAddress, Grant grant) {
        LinkRole(Kind kind, AmqpEntity entity, String partitionId, String nodeAddress) {
            this(kind, entity, partitionId, nodeAddress, null);
        }

        enum Kind { CBS, MANAGEMENT, ENTITY, REPLY }
    }

    AmqpEngine(String host, int port, KeyRing keys, List<AmqpEntity> initialEntities, int retainPerEntity) {
        this.host = host;
        this.log = new ArrivalLog<>(retainPerEntity);
        this.keys = keys;
        initialEntities.forEach(e -> entities.put(e.name().toLowerCase(Locale.ROOT), e));
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
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                openAcceptor(port);
                bound.complete(this.port);
            } catch (Throwable t) {
                bound.completeExceptionally(t);
            }
        });
        thread.start();
        try {
            bound.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            stopping = true;
            reactor.wakeup();
            throw new UncheckedIOException("cannot listen on " + host + ":" + port,
                    e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        } catch (InterruptedException | TimeoutException e) {
            stopping = true;
            throw new IllegalStateException("the AMQP stand-in did not start", e);
        }
    }

    int port() {
        return port;
    }

    boolean reachable() {
        return reachable;
    }

    // ------------------------------------------------------------------ loop and hand-over

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
                recordError("reactor", t);
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
            for (Connection c : new ArrayList<>(connections.keySet())) {
                abort(c);
            }
            if (acceptor != null) {
                acceptor.close();
            }
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
            try {
                task.run();
            } catch (Throwable t) {
                recordError("task", t);
            }
        }
    }

    /** Runs {@code work} on the reactor thread and waits for its result. */
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

    private void recordError(String where, Throwable t) {
        handlerErrors.add(t);
        LOG.error("AMQP stand-in handler error in {} (recorded; tests should assert none)", where, t);
    }

    // ------------------------------------------------------------------ faults (called through call())

    private void openAcceptor(int wantedPort) throws IOException {
        acceptor = reactor.acceptor(host, wantedPort, new Handler());
        port = ((AcceptorImpl) acceptor).getPortNumber();
        reachable = true;
    }

    /**
     * Closes the listener and every connection abruptly, and returns once the port is really free
     * (NIO completes the close of a registered channel only at the reactor's next select).
     * Returns the number of connections cut.
     */
    int goUnreachable() {
        int cut = call(() -> {
            if (acceptor != null) {
                acceptor.close();
                acceptor = null;
            }
            reachable = false;
            int n = connections.size();
            for (Connection c : new ArrayList<>(connections.keySet())) {
                abort(c);
            }
            return n;
        });
        long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
        while (!portIsFree() && System.nanoTime() < deadline) {
            reactor.wakeup();
            sleepQuietly(10);
        }
        return cut;
    }

    /** Listens again on the same port (retrying briefly while the old listener is still being released). */
    void comeBack() {
        long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
        while (true) {
            IOException failure = call(() -> {
                if (acceptor != null) {
                    return null;
                }
                try {
                    openAcceptor(port);
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            if (failure == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new UncheckedIOException("cannot listen again on " + host + ":" + port, failure);
            }
            sleepQuietly(20);
        }
    }

    private boolean portIsFree() {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
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

    /**
     * Closes (AMQP close with {@code amqp:connection:forced}) every connection holding a grant
     * signed with a key that is no longer valid, as Azure does when a key is regenerated, and
     * waits until the client has seen the close. Returns the number of connections dropped.
     */
    int dropConnectionsWithInvalidKeys() {
        List<CompletableFuture<Void>> closing = call(() -> {
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (Map.Entry<Connection, ConnState> e : new ArrayList<>(connections.entrySet())) {
                ConnState st = e.getValue();
                if (st.dropping) {
                    continue;
                }
                boolean stale = st.grants.stream().anyMatch(g -> !keys.isValid(g.keyName(), g.key()));
                if (stale) {
                    st.dropping = true;
                    Connection c = e.getKey();
                    c.setCondition(new ErrorCondition(CONNECTION_FORCED,
                            "The connection was closed because a shared access key it used was regenerated."));
                    c.close();
                    futures.add(st.closed);
                }
            }
            return futures;
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        for (CompletableFuture<Void> f : closing) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // the client did not answer the close in time; cut the socket
                call(() -> {
                    for (Map.Entry<Connection, ConnState> en : new ArrayList<>(connections.entrySet())) {
                        if (en.getValue().closed == f) {
                            abort(en.getKey());
                        }
                    }
                    return null;
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return closing.size();
    }

    int openConnections() {
        return call(connections::size);
    }

    /**
     * Turns Nagle's algorithm off on an accepted socket, as servers that answer small frames do
     * (proton-j's acceptor leaves it on). With it on, a client with several sends in flight on one
     * link waits for the kernel's delayed ACK (about 40 ms) between our small disposition frames:
     * a stall Azure does not have, which would make concurrent sends look slower than serial ones.
     */
    private static void noDelay(Transport transport) {
        SocketChannel channel = socket(transport);
        if (channel != null) {
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("TCP_NODELAY not set", e);
            }
        }
    }

    private static SocketChannel socket(Transport transport) {
        return transport instanceof TransportImpl ti && ti.getSelectable() != null
                && ti.getSelectable().getChannel() instanceof SocketChannel channel ? channel : null;
    }

    /** Open connections whose socket still has Nagle's algorithm on; none, unless {@link #noDelay} broke. */
    int connectionsWithNagle() {
        return call(() -> {
            int n = 0;
            for (Connection c : connections.keySet()) {
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
        });
    }

    /** A connection has gone (closed by the client, or its transport): drop its state and wake who waits for it. */
    private void forget(Connection c) {
        ConnState st = connections.remove(c);
        if (st != null) {
            st.closed.complete(null);
        }
    }

    /**
     * Cuts the socket under a connection without an AMQP close (what a network failure looks like).
     * The channel is never closed directly: the selectable is terminated and proton's IOHandler
     * deregisters it and then closes the socket, in that order (closing first leaves a cancelled
     * selection key that a queued update trips over).
     */
    private void abort(Connection c) {
        ConnState st = connections.remove(c);
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

    // ------------------------------------------------------------------ protocol

    /** One handler for every connection; each method catches everything. */
    private final class Handler extends BaseHandler {

        @Override
        public void onConnectionRemoteOpen(Event event) {
            guard("connection open", () -> {
                Connection c = event.getConnection();
                connections.putIfAbsent(c, new ConnState());
                noDelay(event.getTransport());
                if (c.getLocalState() == EndpointState.UNINITIALIZED) {
                    c.setContainer("twin-egress-emulator");
                    c.open();
                }
            });
        }

        @Override
        public void onConnectionRemoteClose(Event event) {
            guard("connection close", () -> {
                Connection c = event.getConnection();
                if (c.getLocalState() != EndpointState.CLOSED) {
                    c.close();
                }
                forget(c);
            });
        }

        @Override
        public void onTransportClosed(Event event) {
            guard("transport closed", () -> {
                Connection c = event.getConnection();
                if (c != null) {
                    forget(c);
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
            guard("session open", () -> {
                Session s = event.getSession();
                if (s.getLocalState() == EndpointState.UNINITIALIZED) {
                    s.setIncomingCapacity(Integer.MAX_VALUE / 2);
                    s.open();
                }
            });
        }

        @Override
        public void onSessionRemoteClose(Event event) {
            guard("session close", () -> {
                Session s = event.getSession();
                if (s.getLocalState() != EndpointState.CLOSED) {
                    s.close();
                }
            });
        }

        @Override
        public void onLinkRemoteOpen(Event event) {
            guard("link attach", () -> attach(event.getLink()));
        }

        @Override
        public void onLinkRemoteClose(Event event) {
            guard("link detach", () -> {
                Link link = event.getLink();
                ConnState st = connections.get(link.getSession().getConnection());
                if (st != null && link instanceof Sender s) {
                    st.replyLinks.values().removeIf(l -> l == s);
                    st.pendingReplies.remove(s);
                }
                if (link.getLocalState() != EndpointState.CLOSED) {
                    link.close();
                }
            });
        }

        @Override
        public void onLinkFlow(Event event) {
            guard("link flow", () -> {
                if (event.getLink() instanceof Sender s) {
                    flushReplies(s);
                }
            });
        }

        @Override
        public void onDelivery(Event event) {
            guard("delivery", () -> delivery(event.getDelivery()));
        }

        private void guard(String what, Runnable r) {
            try {
                r.run();
            } catch (Throwable t) {
                recordError(what, t);
            }
        }
    }

    private void attach(Link link) {
        if (link.getLocalState() != EndpointState.UNINITIALIZED) {
            return;
        }
        Connection conn = link.getSession().getConnection();
        ConnState st = connections.computeIfAbsent(conn, c -> new ConnState());
        // echo source and target: a null one reads as "refused" to the SDK
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        link.setSenderSettleMode(link.getRemoteSenderSettleMode());
        link.setReceiverSettleMode(ReceiverSettleMode.FIRST);

        if (link instanceof Receiver receiver) {
            String address = link.getRemoteTarget() instanceof Target t ? t.getAddress() : null;
            String path = entityPath(address);
            if (path.equals("$cbs")) {
                link.setContext(new LinkRole(LinkRole.Kind.CBS, null, null, address));
                receiver.open();
                receiver.flow(CREDIT);
                return;
            }
            if (path.equals("$management") || path.endsWith("/$management")) {
                AmqpEntity owner = path.equals("$management") ? null : entity(path.substring(0, path.indexOf('/')));
                link.setContext(new LinkRole(LinkRole.Kind.MANAGEMENT, owner, null, address));
                receiver.open();
                receiver.flow(CREDIT);
                return;
            }
            String[] parts = path.split("/");
            AmqpEntity entity = entity(parts[0]);
            if (entity == null) {
                refuse(link, NOT_FOUND, "The messaging entity 'sb://" + host + "/" + parts[0]
                        + "' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions.");
                return;
            }
            String partitionId = null;
            if (parts.length > 1) {
                boolean partitionPath = entity.kind() == AmqpEntity.Kind.EVENT_HUB && parts.length == 3
                        && parts[1].equals("partitions") && entity.partitionIds().contains(parts[2]);
                if (!partitionPath) {
                    refuse(link, NOT_FOUND, "The messaging entity 'sb://" + host + "/" + address
                            + "' could not be found.");
                    return;
                }
                partitionId = parts[2];
            }
            Grant grant = covering(st, path);
            if (grant == null) {
                refuse(link, UNAUTHORIZED, "Unauthorized access. 'Send' claim(s) are required to perform this "
                        + "operation. Resource: 'sb://" + host + "/" + path + "'.");
                return;
            }
            link.setContext(new LinkRole(LinkRole.Kind.ENTITY, entity, partitionId, address, grant));
            link.setMaxMessageSize(UnsignedLong.valueOf(entity.maxMessageSize()));
            receiver.open();
            receiver.flow(CREDIT);
        } else {
            Sender sender = (Sender) link;
            String source = link.getRemoteSource() instanceof Source s ? s.getAddress() : null;
            String sourcePath = entityPath(source);
            String replyTo = link.getRemoteTarget() instanceof Target t ? t.getAddress() : null;
            if (sourcePath.equals("$cbs") || sourcePath.equals("$management") || sourcePath.endsWith("/$management")) {
                link.setContext(new LinkRole(LinkRole.Kind.REPLY, null, null, replyTo));
                if (replyTo != null) {
                    st.replyLinks.put(replyTo, sender); // route by address: link names repeat across connections
                }
                sender.open();
                return;
            }
            refuse(link, NOT_IMPLEMENTED, "The stand-in accepts sends only; receiving from '" + source
                    + "' is not supported.");
        }
    }

    /**
     * Refuses an attach as Azure does: an attach without our terminus (null target for the client's
     * sender, null source for its receiver), then a detach carrying the error. With the terminus echoed
     * the SDK would take the link as open and fail later with a misleading "max message size 0 kb".
     */
    private static void refuse(Link link, Symbol condition, String description) {
        if (link instanceof Receiver) {
            link.setTarget(null);
        } else {
            link.setSource(null);
        }
        link.open();
        link.setCondition(new ErrorCondition(condition, description));
        link.close();
    }

    /** The most recent accepted token of this connection that covers {@code path}, or null. */
    private static Grant covering(ConnState st, String path) {
        for (int i = st.grants.size() - 1; i >= 0; i--) {
            Grant g = st.grants.get(i);
            if (g.path().isEmpty() || path.equals(g.path()) || path.startsWith(g.path() + "/")) {
                return g;
            }
        }
        return null;
    }

    private AmqpEntity entity(String name) {
        return entities.get(name.toLowerCase(Locale.ROOT));
    }

    /** {@code amqps://host/a/b} or {@code a/b} → {@code a/b}, lower case. */
    static String entityPath(String address) {
        if (address == null) {
            return "";
        }
        String a = address.trim();
        int scheme = a.indexOf("://");
        if (scheme >= 0) {
            int slash = a.indexOf('/', scheme + 3);
            a = slash < 0 ? "" : a.substring(slash + 1);
        }
        while (a.startsWith("/")) {
            a = a.substring(1);
        }
        return a.toLowerCase(Locale.ROOT);
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
        if (receiver.getCredit() < CREDIT / 2 && receiver.getLocalState() == EndpointState.ACTIVE) {
            receiver.flow(CREDIT - receiver.getCredit());
        }
        LinkRole role = (LinkRole) link.getContext();
        if (role == null) {
            d.settle();
            return;
        }
        Connection conn = link.getSession().getConnection();
        switch (role.kind()) {
            case CBS -> cbs(conn, d, bytes);
            case MANAGEMENT -> management(conn, d, role, bytes);
            case ENTITY -> transfer(d, role, bytes, format);
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

    // ---- claims-based security

    private void cbs(Connection conn, Delivery d, byte[] bytes) {
        Message request = AmqpCodec.decodeRequest(bytes);
        settleRequest(d);
        Map<String, Object> props = requestProperties(request);
        String operation = String.valueOf(props.get("operation"));
        String audience = props.get("name") == null ? null : props.get("name").toString();
        ConnState st = connections.get(conn);
        if (st == null) {
            return;
        }
        if (!"put-token".equals(operation)) {
            reply(conn, request, 400, "Unsupported operation '" + operation + "' on $cbs.", null);
            return;
        }
        Object body = request.getBody() instanceof AmqpValue v ? v.getValue() : null;
        String token = body == null ? null : body.toString();
        SasValidation result = SharedAccessSignatures.validateServiceBusToken(token, audience, keys, Instant.now());
        if (result.valid()) {
            tokensAccepted.incrementAndGet();
            st.grants.add(new Grant(SharedAccessSignatures.pathOf(audience), result.keyName(), result.key()));
            reply(conn, request, 202, "Accepted", null);
        } else {
            tokensRefused.incrementAndGet();
            reply(conn, request, 401, result.reason(), null);
        }
    }

    // ---- Event Hubs $management READ

    private void management(Connection conn, Delivery d, LinkRole role, byte[] bytes) {
        Message request = AmqpCodec.decodeRequest(bytes);
        settleRequest(d);
        Map<String, Object> props = requestProperties(request);
        String operation = String.valueOf(props.get("operation"));
        String type = String.valueOf(props.get("type"));
        String name = props.get("name") == null ? null : props.get("name").toString();
        if (role.entity() != null || !"READ".equals(operation)) {
            reply(conn, request, 501, "The stand-in does not implement operation '" + operation + "' on "
                    + role.nodeAddress() + ".", null);
            return;
        }
        AmqpEntity hub = name == null ? null : entity(name);
        Object tokenValue = props.get("security_token");
        SasValidation auth = SharedAccessSignatures.validateServiceBusToken(
                tokenValue == null ? null : tokenValue.toString(), "amqp://" + host + "/" + (name == null ? "" : name),
                keys, Instant.now());
        if (!auth.valid()) {
            tokensRefused.incrementAndGet();
            reply(conn, request, 401, auth.reason(), null);
            return;
        }
        if (hub == null || hub.kind() != AmqpEntity.Kind.EVENT_HUB) {
            reply(conn, request, 404, "The messaging entity 'sb://" + host + "/" + name + "' could not be found.",
                    null);
            return;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if ("com.microsoft:eventhub".equals(type)) {
            result.put("name", hub.name());
            result.put("type", "com.microsoft:eventhub");
            result.put("created_at", Date.from(hub.createdAt()));
            result.put("partition_count", hub.partitionCount());
            result.put("partition_ids", hub.partitionIds().toArray(new String[0])); // an AMQP array of strings
            reply(conn, request, 200, "OK", result);
        } else if ("com.microsoft:partition".equals(type)) {
            String partition = props.get("partition") == null ? null : props.get("partition").toString();
            if (partition == null || !hub.partitionIds().contains(partition)) {
                reply(conn, request, 404, "Partition '" + partition + "' of '" + hub.name() + "' not found.", null);
                return;
            }
            List<ReceivedMessage> inPartition = log.list(hub.name()).stream()
                    .filter(m -> partition.equals(m.partitionId())).toList();
            long last = inPartition.size() - 1L;
            Instant lastTime = inPartition.isEmpty() ? Instant.EPOCH : inPartition.get(inPartition.size() - 1)
                    .receivedAt();
            result.put("name", hub.name());
            result.put("type", "com.microsoft:partition");
            result.put("partition", partition);
            result.put("begin_sequence_number", inPartition.isEmpty() ? -1L : 0L);
            result.put("last_enqueued_sequence_number", last);
            result.put("last_enqueued_offset", Long.toString(Math.max(-1L, last)));
            result.put("last_enqueued_time_utc", Date.from(lastTime));
            result.put("runtime_info_retrieval_time_utc", new Date());
            result.put("is_partition_empty", inPartition.isEmpty());
            reply(conn, request, 200, "OK", result);
        } else {
            reply(conn, request, 400, "Unknown management entity type '" + type + "'.", null);
        }
    }

    private static Map<String, Object> requestProperties(Message request) {
        ApplicationProperties ap = request.getApplicationProperties();
        Map<String, Object> out = new HashMap<>();
        if (ap != null && ap.getValue() != null) {
            ap.getValue().forEach((k, v) -> out.put(String.valueOf(k), v));
        }
        return out;
    }

    private static void settleRequest(Delivery d) {
        if (!d.remotelySettled()) {
            d.disposition(Accepted.getInstance());
        }
        d.settle();
    }

    /** Answers a request on the link whose target is the request's reply-to, after the configured delay. */
    private void reply(Connection conn, Message request, int status, String description, Map<String, Object> body) {
        Message response = Proton.message();
        Object correlation = request.getMessageId() != null ? request.getMessageId() : request.getCorrelationId();
        response.setCorrelationId(correlation);
        Map<String, Object> ap = new HashMap<>();
        ap.put("status-code", status); // an AMQP int: a long or uint crashes the SDK
        ap.put("status-description", description);
        response.setApplicationProperties(new ApplicationProperties(ap));
        if (body != null) {
            response.setBody(new AmqpValue(body));
        }
        byte[] encoded = AmqpCodec.encode(response);
        String replyTo = request.getReplyTo();
        later(() -> {
            ConnState st = connections.get(conn);
            if (st == null) {
                return; // the client went away meanwhile
            }
            Sender link = replyTo == null ? null : st.replyLinks.get(replyTo);
            if (link == null) {
                LOG.debug("no reply link for reply-to {}", replyTo);
                return;
            }
            st.pendingReplies.computeIfAbsent(link, l -> new ArrayList<>()).add(encoded);
            flushReplies(link);
        });
    }

    private void flushReplies(Sender link) {
        ConnState st = connections.get(link.getSession().getConnection());
        if (st == null || link.getLocalState() != EndpointState.ACTIVE) {
            return;
        }
        List<byte[]> pending = st.pendingReplies.get(link);
        while (pending != null && !pending.isEmpty() && link.getCredit() > 0) {
            byte[] encoded = pending.remove(0);
            Delivery out = link.delivery(Long.toString(transferIds.incrementAndGet()).getBytes(StandardCharsets.US_ASCII));
            link.send(encoded, 0, encoded.length);
            link.advance();
            out.settle(); // replies go pre-settled
        }
    }

    // ---- entity transfers

    private void transfer(Delivery d, LinkRole role, byte[] bytes, int format) {
        Runnable hook = entityDeliveryHook;
        if (hook != null) {
            hook.run();
        }
        AmqpEntity entity = role.entity();
        if (throttle.throttlesThisOne()) {
            transfersThrottled.incrementAndGet();
            Rejected busy = new Rejected();
            busy.setError(new ErrorCondition(SERVER_BUSY, "The request was terminated because the entity is being "
                    + "throttled. Error code : 50009. Please wait 2 seconds and try again."));
            later(() -> settle(d, busy));
            return;
        }
        if (bytes.length > entity.maxMessageSize()) {
            Rejected tooBig = new Rejected();
            tooBig.setError(new ErrorCondition(MESSAGE_SIZE_EXCEEDED, "The received message (size " + bytes.length
                    + " bytes) exceeds the limit (" + entity.maxMessageSize() + " bytes) of '" + entity.name() + "'."));
            later(() -> settle(d, tooBig));
            return;
        }
        List<AmqpCodec.Sections> parts = codec.unpack(bytes, format);
        for (AmqpCodec.Sections s : parts) {
            ErrorCondition refusal = s.properties == null ? null
                    : rejectedMessageIds.get(String.valueOf(AmqpCodec.idString(s.properties.getMessageId())));
            if (refusal != null) {
                Rejected rejected = new Rejected();
                rejected.setError(refusal);
                later(() -> settle(d, rejected));
                return;
            }
        }
        long transferId = transferIds.incrementAndGet();
        later(() -> {
            Instant now = Instant.now();
            List<ReceivedMessage> messages = new ArrayList<>(parts.size());
            for (AmqpCodec.Sections s : parts) {
                ReceivedMessage m = toReceived(entity, role, s, now, transferId, parts.size());
                if (isDuplicate(entity, m.messageId(), now)) {
                    duplicatesDropped.incrementAndGet();
                } else {
                    messages.add(m);
                }
            }
            log.addAll(entity.name(), messages);
            transfersAccepted.incrementAndGet();
            settle(d, Accepted.getInstance());
        });
    }

    /** Service Bus duplicate detection: remembers message ids for the entity's window. */
    private boolean isDuplicate(AmqpEntity entity, String messageId, Instant now) {
        Duration window = entity.duplicateDetectionWindow();
        if (messageId == null || window.isZero() || window.isNegative()) {
            return false;
        }
        Map<String, Instant> seen = seenMessageIds.computeIfAbsent(entity.name().toLowerCase(Locale.ROOT),
                n -> new LinkedHashMap<>());
        Instant horizon = now.minus(window);
        seen.values().removeIf(t -> t.isBefore(horizon));
        return seen.putIfAbsent(messageId, now) != null;
    }

    private static void settle(Delivery d, org.apache.qpid.proton.amqp.transport.DeliveryState state) {
        if (d.isSettled()) {
            return;
        }
        if (!d.remotelySettled()) {
            d.disposition(state);
        }
        d.settle();
    }

    private ReceivedMessage toReceived(AmqpEntity entity, LinkRole role, AmqpCodec.Sections s, Instant now,
                                       long transferId, int transferSize) {
        String linkPartition = role.partitionId();
        Map<String, Object> annotations = s.messageAnnotations == null
                ? Map.of() : AmqpCodec.plainMap(s.messageAnnotations.getValue());
        Object pk = annotations.get(AmqpCodec.PARTITION_KEY);
        String partitionKey = pk == null ? null : pk.toString();
        String partitionId = null;
        if (entity.kind() == AmqpEntity.Kind.EVENT_HUB) {
            if (linkPartition != null) {
                partitionId = linkPartition;
            } else if (partitionKey != null) {
                partitionId = Integer.toString(Math.floorMod(partitionKey.hashCode(), entity.partitionCount()));
            } else {
                int next = roundRobin.computeIfAbsent(entity.name(), n -> new AtomicInteger()).getAndIncrement();
                partitionId = Integer.toString(Math.floorMod(next, entity.partitionCount()));
            }
        }
        var p = s.properties;
        return new ReceivedMessage(
                entity.name(),
                partitionId,
                partitionKey,
                p == null ? null : AmqpCodec.idString(p.getMessageId()),
                p == null ? null : AmqpCodec.idString(p.getCorrelationId()),
                p == null || p.getContentType() == null ? null : p.getContentType().toString(),
                p == null ? null : p.getSubject(),
                s.applicationProperties == null
                        ? Map.of() : java.util.Collections.unmodifiableMap(
                                AmqpCodec.plainMap(s.applicationProperties.getValue())),
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations)),
                s.body(),
                now,
                transferId,
                transferSize,
                role.grant() == null ? null : role.grant().keyName(),
                role.grant() == null ? null : role.grant().fingerprint());
    }

    /** Runs {@code action} on the reactor thread after the configured response delay (now if none). */
    private void later(Runnable action) {
        long delay = responseDelayMillis.get();
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
}
