package io.twinegress.connect.core;

import io.twinegress.connect.auth.AuthMode;
import io.twinegress.connect.auth.EntraCredentialKind;
import io.twinegress.connect.auth.EntraSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

/**
 * The configuration every twin-egress sink connector shares, as four fragments (connection,
 * retry, batching, delivery), each added to a connector's {@link ConfigDef} by one method, in
 * this order. A connector's own config class extends this one and adds its keys:
 *
 * <pre>{@code
 * public static ConfigDef configDef() {
 *     ConfigDef def = new ConfigDef();
 *     DeliveryConfig.addConnectionGroup(def, CONNECTION_STRING_DOC, SECONDARY_DOC, PATH_DOC);
 *     DeliveryConfig.addRetryGroup(def);
 *     DeliveryConfig.addBatchGroup(def, 500, 5000, 1_000_000L, 1_048_576L);
 *     DeliveryConfig.addDeliveryGroup(def);
 *     return def;
 * }
 * }</pre>
 *
 * <p>Secrets: both connection strings are {@link Type#PASSWORD} and stay {@link Password} until a
 * sender hands {@code value()} to the SDK. Dead-lettering uses Connect's own
 * {@code errors.tolerance=all} and {@code errors.deadletterqueue.topic.name}; see
 * {@link #deadLetterAvailable()}.
 */
public class DeliveryConfig extends AbstractConfig {

    // ---- Connection ---------------------------------------------------------------------------
    public static final String CONNECTION_GROUP = "Connection";

    public static final String CONNECTION_STRING_CONFIG = "connection.string";
    public static final String CONNECTION_STRING_DISPLAY = "Primary connection string";

    public static final String SECONDARY_CONNECTION_STRING_CONFIG = "secondary.connection.string";
    public static final String SECONDARY_CONNECTION_STRING_DISPLAY = "Secondary connection string";

    public static final String PATH_CONFIG = "path";
    public static final String PATH_DISPLAY = "Path";

    // ---- Retry ----------------------------------------------------------------------------------
    public static final String RETRY_GROUP = "Retry";

    public static final String RETRY_BACKOFF_INITIAL_MS_CONFIG = "retry.backoff.initial.ms";
    public static final long RETRY_BACKOFF_INITIAL_MS_DEFAULT = 1_000L;
    public static final String RETRY_BACKOFF_INITIAL_MS_DOC =
        "Wait before the first retry when the endpoint is unreachable, throttling, or refuses both keys. "
            + "Each further attempt doubles it, up to retry.backoff.max.ms. Records are held (not committed) and the "
            + "task's partitions paused meanwhile; the task retries from the records it holds.";

    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "retry.backoff.max.ms";
    public static final long RETRY_BACKOFF_MAX_MS_DEFAULT = 30 * 60 * 1000L;
    public static final String RETRY_BACKOFF_MAX_MS_DOC =
        "Cap of the exponential backoff (30 minutes by default, as in the Azure Digital Twins endpoint rules). "
            + "A throttling endpoint's Retry-After is honoured up to this cap.";

    public static final String RETRY_BACKOFF_JITTER_CONFIG = "retry.backoff.jitter";
    public static final double RETRY_BACKOFF_JITTER_DEFAULT = 0.2;
    public static final String RETRY_BACKOFF_JITTER_DOC =
        "Random fraction taken off each backoff wait (0 = none, 0.2 = up to 20% shorter), so tasks that failed "
            + "together do not retry together.";

    public static final String CLIENT_TRY_TIMEOUT_MS_CONFIG = "client.try.timeout.ms";
    public static final long CLIENT_TRY_TIMEOUT_MS_DEFAULT = 5_000L;
    public static final String CLIENT_TRY_TIMEOUT_MS_DOC =
        "Base timeout of one send attempt: one operation of the Azure client (Service Bus, Event Hubs), or one HTTP "
            + "request (Event Grid; connecting takes at most this). The connector adds the time a full batch "
            + "(batch.max.bytes) takes at 64 KiB/s, so that a slow but accepted send is not cut off and sent again: "
            + "with the defaults 9 s for Service Bus (256 KiB batches), 21 s for Event Hubs and Event Grid (1 MiB). "
            + "One send with the client's own retries (client.max.retries) then takes at most (retries + 1) attempts "
            + "plus about 5 s between them; the task never waits longer than 40% of the consumer's max.poll.interval.ms "
            + "(consumer.override.max.poll.interval.ms, else 300 s) for a send: past that it gives the send up and backs off.";

    public static final String CLIENT_MAX_RETRIES_CONFIG = "client.max.retries";
    public static final int CLIENT_MAX_RETRIES_DEFAULT = 1;
    public static final String CLIENT_MAX_RETRIES_DOC =
        "Quick retries of one send attempt before the connector backs off: the Azure client's own retries on a "
            + "transient error (Service Bus, Event Hubs), or an immediate re-send when the connection fails with an "
            + "I/O error (Event Grid; a timeout or an error status is not retried this way). The Azure clients pause "
            + "about 4 s before retrying a server-busy answer. The long waiting is the connector's backoff (see "
            + "retry.backoff.*).";

    // ---- Batching -------------------------------------------------------------------------------
    public static final String BATCH_GROUP = "Batching";

    public static final String BATCH_MAX_RECORDS_CONFIG = "batch.max.records";
    public static final String BATCH_MAX_RECORDS_DOC = "Most records sent in one request to the endpoint.";

    public static final String BATCH_MAX_BYTES_CONFIG = "batch.max.bytes";
    public static final String BATCH_MAX_BYTES_DOC =
        "Most bytes sent in one request, within the endpoint's own limit. A single record larger than the "
            + "endpoint accepts is dead-lettered with the reason instead of blocking the endpoint.";

    public static final String BATCH_MAX_WAIT_MS_CONFIG = "batch.max.wait.ms";
    public static final long BATCH_MAX_WAIT_MS_DEFAULT = 0L;
    public static final String BATCH_MAX_WAIT_MS_DOC =
        "How long a partial batch may wait for more records before it is sent. 0 (default) sends what each "
            + "consumer poll brings at once; a larger value trades latency for fuller batches.";

    // ---- Delivery -------------------------------------------------------------------------------
    public static final String DELIVERY_GROUP = "Delivery";

    public static final String DELIVERY_DEADLINE_MS_CONFIG = "delivery.deadline.ms";
    public static final long DELIVERY_DEADLINE_MS_DEFAULT = 24 * 60 * 60 * 1000L;
    public static final String DELIVERY_DEADLINE_MS_DOC =
        "How long the task keeps retrying a record it cannot deliver (counted from its first failed attempt) "
            + "before it sends it to the dead-letter topic with the reason. 24 hours by default, Event Grid's own "
            + "retry horizon. Needs errors.tolerance=all and errors.deadletterqueue.topic.name; without them "
            + "the task never drops a record: it holds it, keeps retrying and logs that it is holding.";

    /** Connect's own keys for the dead-letter topic, read (not defined) here. */
    public static final String ERRORS_TOLERANCE_CONFIG = "errors.tolerance";
    public static final String DLQ_TOPIC_CONFIG = "errors.deadletterqueue.topic.name";

    /** The connector's consumer setting the delivery core's waits must stay under (read, not defined here). */
    public static final String MAX_POLL_INTERVAL_OVERRIDE_CONFIG = "consumer.override.max.poll.interval.ms";
    /** Kafka's default {@code max.poll.interval.ms}, what the consumer has when the connector does not override it. */
    public static final Duration MAX_POLL_INTERVAL_DEFAULT = Duration.ofMinutes(5);

    /** The connector's consumer setting that keeps aborted router transactions out (read, not defined here). */
    public static final String ISOLATION_LEVEL_OVERRIDE_CONFIG = "consumer.override.isolation.level";

    public static final String WARNING_NO_DEAD_LETTER_TOPIC =
        "No usable dead-letter topic (errors.tolerance=all and errors.deadletterqueue.topic.name): a record the "
            + "endpoint will never take is held and retried, never dropped, and every partition of this endpoint "
            + "waits behind it until it is delivered or the connector is reconfigured.";
    public static final String WARNING_ISOLATION_UNSET =
        "consumer.override.isolation.level is not set, so the worker's consumer.isolation.level decides: unless it is "
            + "read_committed, records of aborted router transactions are delivered as events. Set "
            + "consumer.override.isolation.level=read_committed.";
    public static final String WARNING_ISOLATION_NOT_COMMITTED =
        "consumer.override.isolation.level is not read_committed: records of aborted router transactions are "
            + "delivered as events.";

    public DeliveryConfig(ConfigDef definition, Map<?, ?> originals) {
        super(definition, originals, false);
    }

    /**
     * Adds {@code connection.string}, {@code secondary.connection.string} and {@code path}, with the
     * Service Bus / Event Hubs connection-string format checked by {@link ConnectionStringValidator}.
     */
    public static ConfigDef addConnectionGroup(ConfigDef def, String connectionStringDoc,
                                               String secondaryConnectionStringDoc, String pathDoc) {
        return addConnectionGroup(def, ConnectionStringValidator.required(), ConnectionStringValidator.optional(),
            connectionStringDoc, secondaryConnectionStringDoc, pathDoc);
    }

    /**
     * As {@link #addConnectionGroup(ConfigDef, String, String, String)} with the connector's own
     * checks of the two keys (a validator must throw {@code new ConfigException(TEXT)}: the text
     * alone, never the value; the secondary one must accept null and empty).
     */
    public static ConfigDef addConnectionGroup(ConfigDef def, ConfigDef.Validator primaryValidator,
                                               ConfigDef.Validator secondaryValidator, String connectionStringDoc,
                                               String secondaryConnectionStringDoc, String pathDoc) {
        int order = 0;
        return def
            // not required on its own: auth.mode=connection-string requires it, entra-id refuses it (AuthConfig.validate)
            .define(CONNECTION_STRING_CONFIG, Type.PASSWORD, null,
                new GivenOnly(primaryValidator), Importance.HIGH, connectionStringDoc,
                CONNECTION_GROUP, ++order, Width.LONG, CONNECTION_STRING_DISPLAY)
            .define(SECONDARY_CONNECTION_STRING_CONFIG, Type.PASSWORD, null,
                secondaryValidator, Importance.HIGH, secondaryConnectionStringDoc,
                CONNECTION_GROUP, ++order, Width.LONG, SECONDARY_CONNECTION_STRING_DISPLAY)
            .define(PATH_CONFIG, Type.STRING, "", Importance.HIGH, pathDoc,
                CONNECTION_GROUP, ++order, Width.MEDIUM, PATH_DISPLAY);
    }

    /** Adds the backoff keys and the sender's own short retry keys (client.try.timeout.ms, client.max.retries). */
    public static ConfigDef addRetryGroup(ConfigDef def) {
        int order = 0;
        return def
            .define(RETRY_BACKOFF_INITIAL_MS_CONFIG, Type.LONG, RETRY_BACKOFF_INITIAL_MS_DEFAULT,
                Range.between(1L, 24 * 60 * 60 * 1000L), Importance.MEDIUM, RETRY_BACKOFF_INITIAL_MS_DOC,
                RETRY_GROUP, ++order, Width.SHORT, "Initial backoff (ms)")
            .define(RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, RETRY_BACKOFF_MAX_MS_DEFAULT,
                Range.between(1L, 24 * 60 * 60 * 1000L), Importance.MEDIUM, RETRY_BACKOFF_MAX_MS_DOC,
                RETRY_GROUP, ++order, Width.SHORT, "Maximum backoff (ms)")
            .define(RETRY_BACKOFF_JITTER_CONFIG, Type.DOUBLE, RETRY_BACKOFF_JITTER_DEFAULT,
                Range.between(0.0, 1.0), Importance.LOW, RETRY_BACKOFF_JITTER_DOC,
                RETRY_GROUP, ++order, Width.SHORT, "Backoff jitter")
            .define(CLIENT_TRY_TIMEOUT_MS_CONFIG, Type.LONG, CLIENT_TRY_TIMEOUT_MS_DEFAULT,
                Range.between(100L, 60_000L), Importance.LOW, CLIENT_TRY_TIMEOUT_MS_DOC,
                RETRY_GROUP, ++order, Width.SHORT, "Client try timeout (ms)")
            .define(CLIENT_MAX_RETRIES_CONFIG, Type.INT, CLIENT_MAX_RETRIES_DEFAULT,
                Range.between(0, 5), Importance.LOW, CLIENT_MAX_RETRIES_DOC,
                RETRY_GROUP, ++order, Width.SHORT, "Client retries");
    }

    /**
     * Adds the batching keys with the target's own defaults and limits.
     *
     * @param maxRecordsLimit the endpoint's per-request event limit (upper bound of the key)
     * @param maxBytesLimit   the endpoint's per-request size limit (upper bound of the key)
     */
    public static ConfigDef addBatchGroup(ConfigDef def, int defaultMaxRecords, int maxRecordsLimit,
                                          long defaultMaxBytes, long maxBytesLimit) {
        int order = 0;
        return def
            .define(BATCH_MAX_RECORDS_CONFIG, Type.INT, defaultMaxRecords, Range.between(1, maxRecordsLimit),
                Importance.MEDIUM, BATCH_MAX_RECORDS_DOC, BATCH_GROUP, ++order, Width.SHORT, "Batch records")
            .define(BATCH_MAX_BYTES_CONFIG, Type.LONG, defaultMaxBytes, Range.between(1024L, maxBytesLimit),
                Importance.MEDIUM, BATCH_MAX_BYTES_DOC, BATCH_GROUP, ++order, Width.SHORT, "Batch bytes")
            .define(BATCH_MAX_WAIT_MS_CONFIG, Type.LONG, BATCH_MAX_WAIT_MS_DEFAULT, Range.between(0L, 60_000L),
                Importance.LOW, BATCH_MAX_WAIT_MS_DOC, BATCH_GROUP, ++order, Width.SHORT, "Batch wait (ms)");
    }

    /** Adds the delivery deadline. */
    public static ConfigDef addDeliveryGroup(ConfigDef def) {
        return def.define(DELIVERY_DEADLINE_MS_CONFIG, Type.LONG, DELIVERY_DEADLINE_MS_DEFAULT,
            Range.atLeast(1L), Importance.MEDIUM, DELIVERY_DEADLINE_MS_DOC,
            DELIVERY_GROUP, 1, Width.SHORT, "Delivery deadline (ms)");
    }

    /** A validator applied to given (non-blank) values only; blank ones are the mode's to judge. */
    static final class GivenOnly implements ConfigDef.Validator {
        private final ConfigDef.Validator validator;

        GivenOnly(ConfigDef.Validator validator) {
            this.validator = validator;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (isGiven(value)) {
                validator.ensureValid(name, value);
            }
        }

        @Override
        public String toString() {
            return validator.toString();
        }
    }

    /** {@code auth.mode}; the connector config must have added {@link AuthConfig#addAuthGroup}. */
    public AuthMode authMode() {
        return AuthConfig.mode(originals()); // validate() refused any other value
    }

    /** The identity of {@code auth.mode=entra-id}, as the {@code entra.*} keys name it. */
    public EntraSettings entra() {
        return new EntraSettings(EntraCredentialKind.of(getString(AuthConfig.ENTRA_CREDENTIAL_CONFIG))
            .orElse(EntraCredentialKind.DEFAULT),
            getString(AuthConfig.ENTRA_CLIENT_ID_CONFIG), getString(AuthConfig.ENTRA_TENANT_ID_CONFIG),
            getPassword(AuthConfig.ENTRA_CLIENT_SECRET_CONFIG), getString(AuthConfig.ENTRA_AUTHORITY_HOST_CONFIG),
            getString(AuthConfig.ENTRA_TOKEN_FILE_CONFIG));
    }

    /**
     * The Azure role an identity needs to send to this connector's target, for the line the task logs
     * when the target refuses the identity; each connector names its own.
     */
    public String entraRole() {
        return "the target's data-sender role";
    }

    /**
     * What an identity needs its role on, for that same line: {@code path}, after the namespace when
     * the connector has one.
     */
    public String entraTarget() {
        Object ns = originals().get(AuthConfig.NAMESPACE_CONFIG);
        String namespace = ns == null ? "" : ns.toString().trim();
        return namespace.isEmpty() ? path() : namespace + "/" + path();
    }

    public Password connectionString() {
        return getPassword(CONNECTION_STRING_CONFIG);
    }

    public Optional<Password> secondaryConnectionString() {
        Password p = getPassword(SECONDARY_CONNECTION_STRING_CONFIG);
        return isGiven(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * Whether a value of {@code connection.string} or {@code secondary.connection.string} (parsed or
     * not yet validated) was given: a {@link Password} that is not blank.
     */
    public static boolean isGiven(Object value) {
        return value instanceof Password p && p.value() != null && !p.value().isBlank();
    }

    /** The connection string of a slot; empty for an unset secondary. */
    public Optional<Password> connectionString(KeySlot slot) {
        return slot == KeySlot.PRIMARY ? Optional.of(connectionString()) : secondaryConnectionString();
    }

    public String path() {
        String p = getString(PATH_CONFIG);
        return p == null ? "" : p.trim();
    }

    public Duration backoffInitial() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_INITIAL_MS_CONFIG));
    }

    public Duration backoffMax() {
        return Duration.ofMillis(Math.max(getLong(RETRY_BACKOFF_MAX_MS_CONFIG), getLong(RETRY_BACKOFF_INITIAL_MS_CONFIG)));
    }

    public double backoffJitter() {
        return getDouble(RETRY_BACKOFF_JITTER_CONFIG);
    }

    /** {@code client.try.timeout.ms} as configured: the base of {@link #tryTimeout()}. */
    public Duration clientTryTimeout() {
        return Duration.ofMillis(getLong(CLIENT_TRY_TIMEOUT_MS_CONFIG));
    }

    /** The slowest link a full batch must still cross within one attempt: 64 KiB/s. */
    public static final long SLOWEST_LINK_BYTES_PER_SECOND = 64 * 1024L;

    /**
     * The timeout of one send attempt: {@code client.try.timeout.ms} plus the time
     * {@code batch.max.bytes} takes at {@value #SLOWEST_LINK_BYTES_PER_SECOND} bytes/s, so that the
     * attempt fits the batch it carries.
     */
    public Duration tryTimeout() {
        return clientTryTimeout().plusMillis(batchMaxBytes() * 1000 / SLOWEST_LINK_BYTES_PER_SECOND);
    }

    public int clientMaxRetries() {
        return getInt(CLIENT_MAX_RETRIES_CONFIG);
    }

    public int batchMaxRecords() {
        return getInt(BATCH_MAX_RECORDS_CONFIG);
    }

    public long batchMaxBytes() {
        return getLong(BATCH_MAX_BYTES_CONFIG);
    }

    public Duration batchMaxWait() {
        return Duration.ofMillis(getLong(BATCH_MAX_WAIT_MS_CONFIG));
    }

    public Duration deliveryDeadline() {
        return Duration.ofMillis(getLong(DELIVERY_DEADLINE_MS_CONFIG));
    }

    /**
     * The consumer's {@code max.poll.interval.ms}: {@value #MAX_POLL_INTERVAL_OVERRIDE_CONFIG} when the
     * connector sets it, else Kafka's default (300 s). A worker-wide {@code consumer.max.poll.interval.ms}
     * is not visible to a connector: set the override when the worker changes it.
     */
    public Duration maxPollInterval() {
        Object v = originals().get(MAX_POLL_INTERVAL_OVERRIDE_CONFIG);
        if (v != null) {
            try {
                long ms = Long.parseLong(v.toString().trim());
                if (ms > 0) {
                    return Duration.ofMillis(ms);
                }
            } catch (NumberFormatException e) {
                // Connect refuses the consumer config itself; the default is all we can assume
            }
        }
        return MAX_POLL_INTERVAL_DEFAULT;
    }

    /**
     * How long one {@code put()}, {@code preCommit()} or {@code close()} may wait for the endpoint in
     * all, and how long one send may take: 40% of {@link #maxPollInterval()}. Connect calls
     * {@code put()} and {@code preCommit()} between two polls of the consumer, so both together stay
     * 20% below the interval past which the consumer would be evicted from its group.
     */
    public Duration waitBudget() {
        return maxPollInterval().multipliedBy(2).dividedBy(5);
    }

    /**
     * Whether records can be dead-lettered: Connect's {@code errors.deadletterqueue.topic.name} is
     * set and {@code errors.tolerance=all} (with {@code none}, Connect's errant-record reporter
     * fails the task after writing the record). {@code errors.log.enable} alone does not count: it
     * only logs, which would drop the record.
     */
    public boolean deadLetterAvailable() {
        return deadLetterAvailable(originals());
    }

    static boolean deadLetterAvailable(Map<String, ?> props) {
        Object dlq = props.get(DLQ_TOPIC_CONFIG);
        Object tolerance = props.get(ERRORS_TOLERANCE_CONFIG);
        return dlq != null && !dlq.toString().isBlank()
            && tolerance != null && "all".equalsIgnoreCase(tolerance.toString().trim());
    }

    /**
     * What is valid but worth an operator's attention in a connector config: no usable dead-letter
     * topic ({@link #WARNING_NO_DEAD_LETTER_TOPIC}); an isolation level that lets aborted
     * transactions through, or none set ({@link #WARNING_ISOLATION_NOT_COMMITTED},
     * {@link #WARNING_ISOLATION_UNSET}: the worker's own default is not visible to a connector).
     */
    public static List<String> warnings(Map<String, String> props) {
        List<String> out = new ArrayList<>();
        if (!deadLetterAvailable(props)) {
            out.add(WARNING_NO_DEAD_LETTER_TOPIC);
        }
        String isolation = props.get(ISOLATION_LEVEL_OVERRIDE_CONFIG);
        if (isolation == null || isolation.isBlank()) {
            out.add(WARNING_ISOLATION_UNSET);
        } else if (!"read_committed".equalsIgnoreCase(isolation.trim())) {
            out.add(WARNING_ISOLATION_NOT_COMMITTED);
        }
        return out;
    }

    /** The connector's name, for log lines. */
    public String connectorName() {
        Object name = originals().get("name");
        return name == null ? "twin-egress-sink" : name.toString();
    }

    /** Never shows values: the secrets are Passwords, but a subclass's keys might not be. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + connectorName() + "]";
    }
}
