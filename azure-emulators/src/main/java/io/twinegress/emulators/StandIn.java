package io.twinegress.emulators;

import io.twinegress.emulators.auth.AcceptedKeys;
import io.twinegress.emulators.auth.KeyFingerprint;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.tls.StandInTls;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Azure stand-in offers, whatever protocol it speaks: where it listens, what arrived, the
 * keys it accepts, and faults on demand (unreachable, throttled, slow), with the errors its protocol
 * handlers caught for tests to assert on. Every method is thread-safe and in effect when it returns.
 *
 * <p><b>Keys.</b> An AMQP stand-in's keys belong to a key name (the shared access policy, several keys
 * each: primary and secondary). An Event Grid topic's access keys have no name: there every
 * {@code keyName} argument is ignored (pass null).
 *
 * <p><b>Throttling</b> answers each throttled request (an AMQP transfer, an HTTP publish) the way the
 * service does when it is busy; what that answer is belongs to each stand-in.
 *
 * @param <T> what one accepted message or event is recorded as
 */
public abstract class StandIn<T extends Received> implements AutoCloseable {

    /** The key name a stand-in whose keys have no names keeps them under. */
    private static final String UNNAMED = "keys";

    private final Logger LOG = LoggerFactory.getLogger(getClass());
    private final String name;
    private final String throttledUnit;
    private final boolean namedKeys;
    private final String host;
    private final AcceptedKeys keys;
    private final ArrivalLog<T> arrivals;
    private final Throttle throttle = new Throttle();
    private final HandlerErrors handlerErrors;
    private final StandInTls tls;
    private final IdentityProvider identities;
    private final int tlsPortAsked;
    private volatile Duration responseDelay;

    /**
     * @param name          how it names itself in logs and errors, e.g. {@code "AMQP stand-in"}
     * @param throttledUnit what one throttled request is called, e.g. {@code "transfer"}
     * @param namedKeys     whether keys belong to key names (see the class comment)
     * @param settings      where to listen, the initial keys, delay and retention
     * @throws IllegalArgumentException when the host is not a loopback address
     */
    protected StandIn(String name, String throttledUnit, boolean namedKeys, Builder<?> settings) {
        Loopback.require(settings.host);
        this.name = name;
        this.throttledUnit = throttledUnit;
        this.namedKeys = namedKeys;
        this.host = settings.host;
        this.keys = settings.keys;
        this.arrivals = new ArrivalLog<>(settings.retain);
        this.handlerErrors = new HandlerErrors(name);
        this.responseDelay = notNegative(settings.responseDelay);
        this.tls = settings.tls;
        this.identities = settings.identities;
        this.tlsPortAsked = settings.tlsPort;
    }

    /**
     * Where to listen, how slowly to answer, how much to keep and which keys to accept; each stand-in's
     * builder adds what it serves. Nothing listens until the stand-in's {@code start()}.
     *
     * @param <B> the stand-in's own builder
     */
    public abstract static class Builder<B extends Builder<B>> {
        private String host = "127.0.0.1";
        private int port;
        private Duration responseDelay = Duration.ZERO;
        private int retain;
        private final AcceptedKeys keys = new AcceptedKeys();
        private StandInTls tls;
        private int tlsPort;
        private IdentityProvider identities;

        protected Builder() {
        }

        /** Also listens with TLS using the JVM's shared certificate, {@link StandInTls#shared()}. */
        public B tls() {
            return tls(StandInTls.shared());
        }

        /** Also listens with TLS using {@code tls}; the plain listener stays. */
        public B tls(StandInTls tls) {
            this.tls = tls;
            return self();
        }

        /** The TLS listener's port; 0 (default) picks a free one, see the stand-in's {@code tlsPort()}. */
        public B tlsPort(int port) {
            this.tlsPort = port;
            return self();
        }

        /**
         * Accepts Entra ID tokens checked by {@code identities}, beside keys; the stand-in's class comment
         * says how its protocol carries them (the SDKs send tokens over TLS only: add {@link #tls()}).
         */
        public B identities(IdentityProvider identities) {
            this.identities = identities;
            return self();
        }

        /** Loopback address to bind (default {@code 127.0.0.1}); other addresses are refused at start. */
        public B host(String host) {
            this.host = host;
            return self();
        }

        /** Port to listen on; 0 (default) picks a free one, see {@link StandIn#port()}. */
        public B port(int port) {
            this.port = port;
            return self();
        }

        /** Delay before every answer (default none); see {@link StandIn#setResponseDelay(Duration)}. */
        public B responseDelay(Duration delay) {
            this.responseDelay = delay;
            return self();
        }

        /** The port asked for. */
        protected int port() {
            return port;
        }

        /** Keeps only the newest {@code items} per entity (counts still count everything); 0 keeps all. */
        protected B retain(int items) {
            this.retain = items;
            return self();
        }

        /** Accepts {@code key} for {@code keyName}. */
        protected B acceptKey(String keyName, String key) {
            keys.add(keyName, key);
            return self();
        }

        /** Accepts {@code key}, for a stand-in whose keys have no names. */
        protected B acceptKey(String key) {
            return acceptKey(UNNAMED, key);
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }
    }

    // ------------------------------------------------------------------ where it listens

    /** How it names itself in logs and errors, e.g. {@code "AMQP stand-in"}. */
    public final String name() {
        return name;
    }

    /** The bound loopback address, e.g. {@code 127.0.0.1}. */
    public final String host() {
        return host;
    }

    /** The bound port (the same after {@link #comeBack()}). */
    public abstract int port();

    /** Whether it listens with TLS too. */
    public final boolean hasTls() {
        return tls != null;
    }

    /** The TLS identity of its TLS listener (its trust store for the clients), or null without one. */
    public final StandInTls tls() {
        return tls;
    }

    /** The identity provider whose Entra ID tokens it accepts, or null. */
    public final IdentityProvider identities() {
        return identities;
    }

    /** The TLS listener's port the builder asked for; 0: any free one. */
    protected final int tlsPortAsked() {
        return tlsPortAsked;
    }

    /** Where clients send to, e.g. {@code sb://127.0.0.1:PORT}. */
    public abstract String endpoint();

    /** The entities (topics, event hubs) it serves, by name. */
    public abstract List<String> entityNames();

    /**
     * The fingerprint a recorded arrival carries when {@code key} authorized it:
     * {@code assertEquals(StandIn.fingerprint(SECONDARY), received.keyFingerprint())}.
     */
    public static String fingerprint(String key) {
        return KeyFingerprint.of(key);
    }

    // ------------------------------------------------------------------ what arrived

    /** Everything accepted on {@code entity} (case-insensitive), oldest first; a snapshot. */
    public final List<T> received(String entity) {
        return arrivals.list(entity);
    }

    /** How many messages or events {@code entity} accepted (a batch counts each one). */
    public final int count(String entity) {
        return arrivals.count(entity);
    }

    /** Counts per entity that received anything. */
    public final Map<String, Integer> counts() {
        return arrivals.counts();
    }

    /**
     * Waits until {@code entity} holds at least {@code n} arrivals; returns all of them.
     *
     * @throws AssertionError if the deadline passes first, saying how many arrived
     */
    public final List<T> awaitCount(String entity, int n, Duration timeout) {
        return arrivals.awaitCount(entity, n, timeout);
    }

    /** Forgets every recorded arrival. */
    public final void clear() {
        arrivals.clear();
    }

    /** The underlying thread-safe log, for custom waits. */
    public final ArrivalLog<T> log() {
        return arrivals;
    }

    // ------------------------------------------------------------------ keys

    /** Whether keys belong to key names (AMQP) or form one set whose {@code keyName} is ignored (Event Grid). */
    public final boolean namedKeys() {
        return namedKeys;
    }

    /** Accepts one more key for {@code keyName}; nothing is dropped. */
    public final void addKey(String keyName, String key) {
        keys.add(scope(keyName), key);
        LOG.info("{}: key added{}", name, ofName(" for ", keyName));
    }

    /**
     * Replaces every key of {@code keyName} (none: nothing is accepted for it), like regenerating a key
     * in Azure: sessions authenticated with a key that is no longer valid are cut before this returns.
     */
    public final void setKeys(String keyName, List<String> newKeys) {
        keys.set(scope(keyName), newKeys);
        LOG.info("{}: keys{} replaced ({} valid){}", name, ofName(" of ", keyName), newKeys.size(),
                dropped(dropSessionsWithInvalidKeys()));
    }

    /** Stops accepting one key; sessions authenticated with it are cut before this returns. */
    public final void revokeKey(String keyName, String key) {
        keys.revoke(scope(keyName), key);
        LOG.info("{}: a key{} revoked ({} valid){}", name, ofName(" of ", keyName),
                keys.keys(scope(keyName)).size(), dropped(dropSessionsWithInvalidKeys()));
    }

    /** Valid keys per key name: safe to print (no key material). */
    public final Map<String, Integer> keyCounts() {
        return keys.keyCounts();
    }

    /** The valid keys of {@code keyName} (ignored where keys have no names), for the protocol handlers. */
    protected final List<String> validKeys(String keyName) {
        return keys.keys(scope(keyName));
    }

    /** The live set of accepted keys, for the protocol handlers; change keys through this class. */
    protected final AcceptedKeys acceptedKeys() {
        return keys;
    }

    /**
     * Cuts the sessions authenticated with a key that is no longer valid, as Azure does when a key is
     * regenerated. Returns how many were cut, or -1 where sessions are not bound to a key (each request
     * is checked on its own).
     */
    protected int dropSessionsWithInvalidKeys() {
        return -1;
    }

    private String scope(String keyName) {
        return namedKeys ? keyName : UNNAMED;
    }

    private String ofName(String preposition, String keyName) {
        return namedKeys ? preposition + keyName : "";
    }

    private static String dropped(int sessions) {
        return sessions < 0 ? "" : "; " + sessions + " connection(s) dropped";
    }

    // ------------------------------------------------------------------ faults

    /** Closes the listener and every connection; connecting is refused until {@link #comeBack()}. */
    public abstract void goUnreachable();

    /** Listens again on the same port. */
    public abstract void comeBack();

    /** Whether it is listening. */
    public abstract boolean isReachable();

    /** On: every request is throttled until turned off (off also ends {@link #throttleNext(int)}). */
    public final void throttle(boolean on) {
        if (throttle.set(on)) {
            LOG.info("{} throttling {}", name, on ? "on" + throttleAnswer() : "off");
        }
    }

    /** What a throttled request is answered with, for the log line when throttling starts; "" by default. */
    protected String throttleAnswer() {
        return "";
    }

    /** Throttles the next {@code requests} requests, then accepts again. */
    public final void throttleNext(int requests) {
        throttle.next(requests);
        LOG.info("{} throttling the next {} {}(s)", name, requests, throttledUnit);
    }

    /** Whether requests are being throttled now. */
    public final boolean isThrottling() {
        return throttle.isOn();
    }

    /** What one throttled request is called: {@code transfer} (AMQP), {@code request} (Event Grid). */
    public final String throttledUnit() {
        return throttledUnit;
    }

    /** Asked once per request by the protocol handlers: whether to throttle this one. */
    protected final boolean throttlesThisOne() {
        return throttle.throttlesThisOne();
    }

    /** Delay before every answer; {@link Duration#ZERO} (or negative) for none. */
    public final void setResponseDelay(Duration delay) {
        Duration was = responseDelay;
        responseDelay = notNegative(delay);
        if (!was.equals(responseDelay)) {
            LOG.info("{} response delay {}", name, responseDelay);
        }
    }

    /** The current response delay. */
    public final Duration responseDelay() {
        return responseDelay;
    }

    private static Duration notNegative(Duration delay) {
        return delay.isNegative() ? Duration.ZERO : delay;
    }

    // ------------------------------------------------------------------ health

    /** Exceptions caught in protocol handlers (should be empty). */
    public final List<Throwable> handlerErrors() {
        return handlerErrors.list();
    }

    /** @throws AssertionError carrying the first handler error, if any occurred */
    public final void assertNoHandlerErrors() {
        handlerErrors.assertNone();
    }

    /** Where the protocol handlers record what they caught. */
    protected final HandlerErrors errors() {
        return handlerErrors;
    }

    /** Stops listening, cuts every connection and releases its threads. */
    @Override
    public abstract void close();

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + endpoint() + "]";
    }
}
