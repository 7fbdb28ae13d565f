package io.twinegress.emulators.amqp;

import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.tls.StandInTls;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Azure Service Bus topics and queues and Event Hubs that the real Azure SDK clients
 * ({@code azure-messaging-servicebus}, {@code azure-messaging-eventhubs}) talk to over AMQP 1.0 on
 * loopback: plain TCP ({@code UseDevelopmentEmulator=true}), and with {@link Builder#tls()} also AMQPS with
 * the run's certificate, which a {@code TokenCredential} needs.
 *
 * <h2>Start, connect, read what arrived</h2>
 * <pre>{@code
 * try (AmqpEmulator amqp = AmqpEmulator.builder()
 *         .serviceBusTopic("orders")                       // 256 KiB max message size
 *         .eventHub("telemetry", 4)                        // 4 partitions, 1 MiB max message size
 *         .key("RootManageSharedAccessKey", "primary-key") // several keys per name are allowed:
 *         .key("RootManageSharedAccessKey", "secondary-key")
 *         .start()) {
 *
 *     String cs = amqp.connectionString("RootManageSharedAccessKey", "primary-key");
 *     // Endpoint=sb://127.0.0.1:PORT;SharedAccessKeyName=...;SharedAccessKey=...;UseDevelopmentEmulator=true
 *     ServiceBusSenderClient sender = new ServiceBusClientBuilder().connectionString(cs)
 *             .retryOptions(new AmqpRetryOptions().setMaxRetries(0).setTryTimeout(Duration.ofSeconds(5)))
 *             .sender().topicName("orders").buildClient();
 *     sender.sendMessage(new ServiceBusMessage("{}").setMessageId("e-1"));
 *
 *     List<ReceivedMessage> got = amqp.awaitCount("orders", 1, Duration.ofSeconds(10));
 *     assertEquals("e-1", got.get(0).messageId());
 *     amqp.assertNoHandlerErrors();
 * }
 * }</pre>
 * For Event Hubs use {@link #connectionString(String, String, String)} with the hub as
 * {@code EntityPath}, or pass the hub name to the client builder.
 *
 * <h2>Entra ID over AMQPS</h2>
 * <pre>{@code
 * AmqpEmulator amqp = AmqpEmulator.builder().tls().identities(identityProvider).serviceBusQueue("jobs").start();
 * new ServiceBusClientBuilder().credential("any.servicebus.windows.net", tokenCredential)
 *         .customEndpointAddress(amqp.customEndpointAddress())      // https://127.0.0.1:TLSPORT
 *         .sender().queueName("jobs").buildClient();
 * }</pre>
 * The JVM must trust {@link StandInTls} ({@code StandInTls.shared().trustInThisJvm()} in tests, or
 * {@code -Djavax.net.ssl.trustStore=...}). A {@code put-token} of type {@code jwt} is checked by the
 * {@link IdentityProvider}; a bad or expired token and a missing role both answer 401 (the SDK:
 * {@code UNAUTHORIZED}), the description telling them apart ({@code ExpiredToken…}, {@code InvalidAudience…}
 * vs {@code Unauthorized access. 'Send' claim(s) are required…}). A revoked role or tokens expired early
 * cut the connections those tokens authorized, as a regenerated key does.
 *
 * <h2>What it checks, as Azure does</h2>
 * <ul>
 * <li>SASL ANONYMOUS, then claims-based security: every {@code put-token} on {@code $cbs} is checked
 *     (key name known, signature made with one of that name's valid keys, not expired, resource covering
 *     the audience); the answer is 202, or 401 with a reason. The SDK then raises
 *     {@code ServiceBusException} with reason {@code UNAUTHORIZED} / {@code AmqpException} with
 *     {@code UNAUTHORIZED_ACCESS}, not retried.</li>
 * <li>A send link to an entity not covered by an accepted token is refused ({@code amqp:unauthorized-access});
 *     to an undeclared entity, refused with {@code amqp:not-found} (Service Bus:
 *     {@code MESSAGING_ENTITY_NOT_FOUND}).</li>
 * <li>The send link announces the entity's {@code max-message-size} (what the SDK's batches are sized by);
 *     a larger transfer is rejected with {@code amqp:link:message-size-exceeded}.</li>
 * <li>Event Hubs {@code $management} READ answers name, {@code partition_ids} and {@code created_at}
 *     ({@code getEventHubProperties()}, {@code getPartitionIds()}) and partition properties.</li>
 * <li>Service Bus ({@link AmqpEntity}): a header over 64 KiB is refused ({@code amqp:link:message-size-exceeded}),
 *     one application property over 32 KiB too ({@code amqp:internal-error}); a session queue refuses a message
 *     without a session id and a partitioned entity a batch mixing partition keys ({@code amqp:not-allowed}).</li>
 * <li>Receiving (consumers, processors) is not supported: the stand-in is a sink.</li>
 * </ul>
 *
 * <h2>What it records</h2>
 * Every accepted message, batches unpacked, as a {@link ReceivedMessage} (entity, partition,
 * partition key, message id, content type, subject, application properties, body, time): see
 * {@link #received(String)}, {@link #count(String)}, {@link #awaitCount(String, int, Duration)}.
 * A message is recorded at the moment the stand-in accepts it (after any {@link #setResponseDelay delay}).
 * {@link ReceivedMessage#keyFingerprint()} tells which key authorized the send (compare with
 * {@link #fingerprint(String)}); {@link ReceivedMessage#transferId()}/{@code transferSize()} show batching.
 * Optional: Service Bus duplicate detection ({@link Builder#serviceBusTopicWithDuplicateDetection}) and a
 * retention limit for long runs ({@link Builder#retainPerEntity(int)}).
 *
 * <h2>Faults, at run time (all thread-safe, effective when the method returns)</h2>
 * <ul>
 * <li>{@link #setKeys}, {@link #revokeKey}, {@link #addKey}: like regenerating a key in Azure, connections
 *     authenticated with a key that is no longer valid are closed ({@code amqp:connection:forced}); the
 *     client reconnects, its put-token is refused, so the next send fails with UNAUTHORIZED.</li>
 * <li>{@link #goUnreachable()} / {@link #comeBack()}: the listener and every socket are closed; later
 *     connection attempts are refused until {@code comeBack()} listens again on the same port.</li>
 * <li>{@link #throttle(boolean)} / {@link #throttleNext(int)}: transfers are rejected with
 *     {@code com.microsoft:server-busy}. The SDK treats that as transient and retries it itself (after its
 *     own server-busy pause, about 4 s + backoff); when its retries are exhausted it throws a generic
 *     "Retries exhausted" error — Service Bus: {@code ServiceBusException} with reason {@code GENERAL_ERROR}
 *     and {@code isTransient() == false}; Event Hubs: reactor's {@code RetryExhaustedException} — whose
 *     cause chain holds the {@code AmqpException} with {@code AmqpErrorCondition.SERVER_BUSY_ERROR}
 *     ({@code isTransient() == true}). Classify by walking the cause chain. Keep {@code maxRetries} at 0
 *     in tests that expect the error.</li>
 * <li>{@link #setResponseDelay(Duration)}: every disposition and CBS/management reply waits that long.</li>
 * <li>{@link #rejectMessageId(String, String, String)}: a transfer carrying that message id is rejected with
 *     the AMQP error given (a record the service refuses).</li>
 * </ul>
 *
 * <h2>Failing loudly instead of hanging</h2>
 * All protocol work runs on one proton-j reactor thread; every handler catches everything and records it.
 * Call {@link #assertNoHandlerErrors()} at the end of each test (or read {@link #handlerErrors()}).
 * SDK tips for tests: set {@code AmqpRetryOptions} with {@code maxRetries} 0–1 and {@code tryTimeout}
 * a few seconds; the first call in a cold JVM takes about a second.
 */
public final class AmqpEmulator extends StandIn<ReceivedMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpEmulator.class);

    private final AmqpEntities entities;
    private final AmqpEngine engine;

    private AmqpEmulator(Builder b, int port) {
        super("AMQP stand-in", "transfer", true, b);
        this.entities = new AmqpEntities(b.entities);
        IdentityProvider identities = identities();
        StandInTls tls = tls();
        this.engine = new AmqpEngine(new AmqpEngine.Listen(host(), port, tls == null ? null : tls.serverContext(),
                tlsPortAsked(), acceptedKeys(), identities), entities, log(), this::throttlesThisOne, errors(),
                this::responseDelay);
        if (identities != null) {
            // a revoked role or tokens expired early: cut the connections they authorized, as for a key
            identities.onAccessChange(() -> {
                int cut = engine.dropConnectionsWithRevokedAccess();
                if (cut > 0) {
                    LOG.info("AMQP stand-in: {} connection(s) dropped after an access change", cut);
                }
            });
        }
    }

    /** A builder; nothing listens until {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Declares entities and keys, then {@link #start()}s the stand-in. */
    public static final class Builder extends StandIn.Builder<Builder> {
        private final List<AmqpEntity> entities = new ArrayList<>();

        private Builder() {
        }

        /** Any entity, e.g. {@code AmqpEntity.serviceBusQueue("q").withSessions()}. */
        public Builder entity(AmqpEntity entity) {
            entities.add(entity);
            return this;
        }

        /** A Service Bus queue with Standard's 256 KiB message limit. */
        public Builder serviceBusQueue(String name) {
            return entity(AmqpEntity.serviceBusQueue(name));
        }

        /**
         * Keeps only the newest {@code messages} per entity (counts still count everything); 0 (default)
         * keeps all. For long runs and benchmarks, where keeping every body would exhaust the heap.
         */
        public Builder retainPerEntity(int messages) {
            return retain(messages);
        }

        /** A Service Bus topic with Standard's 256 KiB message limit. */
        public Builder serviceBusTopic(String name) {
            return serviceBusTopic(name, AmqpEntity.SERVICE_BUS_STANDARD_MAX_MESSAGE_SIZE);
        }

        /** A Service Bus topic with its own max message size in bytes. */
        public Builder serviceBusTopic(String name, long maxMessageSize) {
            entities.add(new AmqpEntity(name, AmqpEntity.Kind.SERVICE_BUS, 0, maxMessageSize, Instant.now()));
            return this;
        }

        /**
         * A Service Bus topic with duplicate detection: a message whose message id was accepted within
         * {@code window} is accepted again (the sender sees success) but not recorded; see
         * {@link AmqpEmulator#duplicatesDropped()}.
         */
        public Builder serviceBusTopicWithDuplicateDetection(String name, Duration window) {
            entities.add(new AmqpEntity(name, AmqpEntity.Kind.SERVICE_BUS, 0,
                    AmqpEntity.SERVICE_BUS_STANDARD_MAX_MESSAGE_SIZE, Instant.now(), window));
            return this;
        }

        /** An event hub with {@code partitions} partitions ("0".."n-1") and the 1 MiB publish limit. */
        public Builder eventHub(String name, int partitions) {
            return eventHub(name, partitions, AmqpEntity.EVENT_HUBS_MAX_MESSAGE_SIZE);
        }

        /** An event hub with its own max message size in bytes. */
        public Builder eventHub(String name, int partitions, long maxMessageSize) {
            entities.add(new AmqpEntity(name, AmqpEntity.Kind.EVENT_HUB, partitions, maxMessageSize, Instant.now()));
            return this;
        }

        /** Adds a valid key for {@code keyName}; call again for a second (secondary) key. */
        public Builder key(String keyName, String key) {
            return acceptKey(keyName, key);
        }

        /** Binds and starts the reactor thread; returns once the port is bound. */
        public AmqpEmulator start() {
            AmqpEmulator emulator = new AmqpEmulator(this, port());
            LOG.info("AMQP stand-in started on {}:{}{} with {} entities and key names {}{}", emulator.host(),
                    emulator.port(), emulator.hasTls() ? " and AMQPS " + emulator.tlsPort() : "", entities.size(),
                    emulator.keyCounts().keySet(), emulator.identities() == null ? "" : ", Entra ID tokens accepted");
            return emulator;
        }
    }

    // ------------------------------------------------------------------ where it listens

    @Override
    public int port() {
        return engine.port();
    }

    /** {@code sb://127.0.0.1:PORT}. */
    @Override
    public String endpoint() {
        return "sb://" + host() + ":" + port();
    }

    /** The AMQPS port, or -1 when the stand-in has no TLS listener. */
    public int tlsPort() {
        return engine.tlsPort();
    }

    /**
     * {@code https://127.0.0.1:TLSPORT}: what the SDK builders' {@code customEndpointAddress} takes to reach
     * the AMQPS listener (they want an {@code https} URL to read host and port from; the connection is
     * AMQP over TLS). Pair it with any namespace name in {@code credential(namespace, credential)}.
     *
     * @throws IllegalStateException without TLS
     */
    public String customEndpointAddress() {
        if (!hasTls()) {
            throw new IllegalStateException("the AMQP stand-in has no TLS listener: build it with tls()");
        }
        return "https://" + host() + ":" + tlsPort();
    }

    /**
     * {@code Endpoint=sb://127.0.0.1:PORT;SharedAccessKeyName=..;SharedAccessKey=..;UseDevelopmentEmulator=true}:
     * what both SDKs need to reach the stand-in over plain TCP.
     */
    public String connectionString(String keyName, String key) {
        return "Endpoint=" + endpoint() + ";SharedAccessKeyName=" + keyName + ";SharedAccessKey=" + key
                + ";UseDevelopmentEmulator=true";
    }

    /** As {@link #connectionString(String, String)}, with {@code ;EntityPath=entityPath}. */
    public String connectionString(String keyName, String key, String entityPath) {
        return "Endpoint=" + endpoint() + ";SharedAccessKeyName=" + keyName + ";SharedAccessKey=" + key
                + ";EntityPath=" + entityPath + ";UseDevelopmentEmulator=true";
    }

    // ------------------------------------------------------------------ entities

    /** Declares another Service Bus topic while running. */
    public void addServiceBusTopic(String name) {
        addEntity(new AmqpEntity(name, AmqpEntity.Kind.SERVICE_BUS, 0,
                AmqpEntity.SERVICE_BUS_STANDARD_MAX_MESSAGE_SIZE, Instant.now()));
    }

    /** Declares another Service Bus queue while running. */
    public void addServiceBusQueue(String name) {
        addEntity(AmqpEntity.serviceBusQueue(name));
    }

    /** Declares another event hub while running. */
    public void addEventHub(String name, int partitions) {
        addEntity(new AmqpEntity(name, AmqpEntity.Kind.EVENT_HUB, partitions,
                AmqpEntity.EVENT_HUBS_MAX_MESSAGE_SIZE, Instant.now()));
    }

    /** Declares an entity while running (replaces one of the same name). */
    public void addEntity(AmqpEntity entity) {
        entities.put(entity);
        LOG.info("AMQP stand-in: entity {} declared ({}{}{})", entity.name(), entity.type(),
                entity.requiresSession() ? ", sessions" : "", entity.partitioned() ? ", partitioned" : "");
    }

    /** The declared entities. */
    public List<AmqpEntity> entities() {
        return entities.all();
    }

    @Override
    public List<String> entityNames() {
        return entities.all().stream().map(AmqpEntity::name).toList();
    }

    // ------------------------------------------------------------------ keys

    /**
     * Replaces all keys of {@code keyName} (none = remove the name), like regenerating a key in Azure:
     * connections authenticated with a key that is no longer valid are closed before this returns.
     */
    public void setKeys(String keyName, String... keys) {
        setKeys(keyName, Arrays.asList(keys));
    }

    /** Closes the connections holding a token signed with a key no longer accepted; see {@link #setKeys}. */
    @Override
    protected int dropSessionsWithInvalidKeys() {
        return engine.dropConnectionsWithRevokedAccess();
    }

    // ------------------------------------------------------------------ faults

    /** Closes the listener and cuts every connection; connects are refused until {@link #comeBack()}. */
    @Override
    public void goUnreachable() {
        int cut = engine.goUnreachable();
        LOG.info("AMQP stand-in unreachable on port {} ({} connection(s) cut)", port(), cut);
    }

    @Override
    public void comeBack() {
        engine.comeBack();
        LOG.info("AMQP stand-in reachable again on port {}", port());
    }

    @Override
    public boolean isReachable() {
        return engine.reachable();
    }

    /**
     * Rejects every transfer that carries a message with {@code messageId} (a whole batch, as the
     * service does) with the AMQP error {@code condition} (e.g. {@code amqp:invalid-field},
     * {@code amqp:decode-error}) and {@code description}; nothing of it is recorded.
     */
    public void rejectMessageId(String messageId, String condition, String description) {
        engine.rejectMessageId(messageId, condition, description);
        LOG.info("AMQP stand-in rejecting transfers with message id {} ({})", messageId, condition);
    }

    // ------------------------------------------------------------------ health and counters

    /** Open client connections. */
    public int openConnections() {
        return engine.openConnections();
    }

    /** Open client connections whose socket has Nagle's algorithm on (package-private: for tests). */
    int connectionsWithNagle() {
        return engine.connectionsWithNagle();
    }

    /** put-tokens (and management tokens) accepted so far. */
    public long tokensAccepted() {
        return engine.counters().get(AmqpCounters.Counter.TOKENS_ACCEPTED);
    }

    /** put-tokens (and management tokens) refused with 401 so far. */
    public long tokensRefused() {
        return engine.counters().get(AmqpCounters.Counter.TOKENS_REFUSED);
    }

    /** Messages accepted but not recorded because of Service Bus duplicate detection. */
    public long duplicatesDropped() {
        return engine.counters().get(AmqpCounters.Counter.DUPLICATES_DROPPED);
    }

    /** Transfers rejected as server-busy so far. */
    public long transfersThrottled() {
        return engine.counters().get(AmqpCounters.Counter.TRANSFERS_THROTTLED);
    }

    /** Transfers accepted so far (a batch counts once). */
    public long transfersAccepted() {
        return engine.counters().get(AmqpCounters.Counter.TRANSFERS_ACCEPTED);
    }

    /** For the stand-in's own tests: {@code hook} runs on the reactor thread before each entity transfer. */
    void setEntityDeliveryHook(Runnable hook) {
        engine.setEntityDeliveryHook(hook);
    }

    /** Stops listening, cuts every connection and stops the reactor thread. */
    @Override
    public void close() {
        engine.stop();
        LOG.info("AMQP stand-in on port {} stopped", port());
    }
}
