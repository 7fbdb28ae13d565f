package io.twinegress.connect.core;

import com.azure.core.amqp.AmqpRetryMode;
import com.azure.core.amqp.AmqpRetryOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

/**
 * What the two AMQP connectors (Service Bus, Event Hubs) share beyond the delivery core: the
 * target entity named by {@code path} or by the connection strings' {@code EntityPath}, and the
 * SDK's own short retry options.
 */
public final class AmqpEndpoint {

    private AmqpEndpoint() {
    }

    /**
     * The Azure client's own retries, kept short ({@code client.max.retries}, each attempt
     * {@link DeliveryConfig#tryTimeout()}): the delivery core does the long waiting with Connect's
     * redelivery, never the client inside a {@code put()}.
     */
    public static AmqpRetryOptions retryOptions(DeliveryConfig config) {
        return new AmqpRetryOptions()
            .setMode(AmqpRetryMode.EXPONENTIAL)
            .setMaxRetries(config.clientMaxRetries())
            .setDelay(CLIENT_RETRY_DELAY)
            .setMaxDelay(CLIENT_RETRY_MAX_DELAY)
            .setTryTimeout(config.tryTimeout());
    }

    /**
     * The longest one SDK operation (create a batch, send a batch) may take with the retry options
     * above: every attempt, the longest pause between two, and a margin. Every {@code block()} on the
     * SDK waits this long at most, so the SDK's own retry runs to its end instead of being cut short.
     */
    public static Duration operationTimeout(DeliveryConfig config) {
        int retries = config.clientMaxRetries();
        return config.tryTimeout().multipliedBy(retries + 1L)
            .plus(CLIENT_RETRY_MAX_DELAY.multipliedBy(retries))
            .plus(OPERATION_MARGIN);
    }

    /** Beyond the SDK's own attempts and pauses: scheduling, and a link recovering between attempts. */
    static final Duration OPERATION_MARGIN = Duration.ofSeconds(5);

    /** First delay of the SDK's own retries. */
    static final Duration CLIENT_RETRY_DELAY = Duration.ofMillis(200);
    /**
     * The SDK adds a fixed 4 s server-busy pause to the delay before building its reactor
     * backoff (azure-core-amqp {@code RetryUtil.createRetry}); a max delay below delay + 4 s makes
     * that backoff throw IllegalArgumentException ("bound must be greater than origin") on the
     * first retry, which reads as a fatal error. So the cap sits above that floor.
     */
    static final Duration CLIENT_RETRY_MAX_DELAY = CLIENT_RETRY_DELAY.plusSeconds(5);

    /** {@code namespace}: the fully qualified namespace an identity connects to ({@code auth.mode=entra-id}). */
    public static String namespace(DeliveryConfig config) {
        String ns = config.getString(AuthConfig.NAMESPACE_CONFIG);
        return ns == null ? "" : ns.trim();
    }

    /** {@code custom.endpoint.address}, when set: where to connect instead of the namespace's host. */
    public static Optional<String> customEndpoint(DeliveryConfig config) {
        String v = config.getString(AuthConfig.CUSTOM_ENDPOINT_CONFIG);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /**
     * The entity to send to: {@code path}, else the primary connection string's EntityPath.
     *
     * @throws IllegalStateException with {@code errorNoEntity} when neither names one (the
     *                               connector's {@code validate()} reports that before a task starts)
     */
    public static String entityName(DeliveryConfig config, String errorNoEntity) {
        if (!config.path().isEmpty()) {
            return config.path();
        }
        return ConnectionString.parse(config.connectionString()).entityPath()
            .orElseThrow(() -> new IllegalStateException(errorNoEntity));
    }

    /**
     * Cross-field check for {@code DeliverySinkConnector.validateEndpoint}: some entity must be
     * named ({@code errorNoEntity} on {@code path} otherwise), and an EntityPath in either
     * connection string must name the same one ({@code errorMismatch} on that key). Run only when
     * every key parsed on its own.
     *
     * @return the entity, when one is named
     */
    public static Optional<String> validateEntity(Map<String, String> props, Map<String, ConfigValue> values,
                                                  String errorNoEntity, String errorMismatch) {
        String path = Optional.ofNullable(props.get(DeliveryConfig.PATH_CONFIG)).map(String::trim).orElse("");
        Optional<String> primary = entityPath(values.get(DeliveryConfig.CONNECTION_STRING_CONFIG));
        Optional<String> secondary = entityPath(values.get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG));
        String target = path.isEmpty() ? primary.orElse("") : path;
        if (target.isEmpty()) {
            values.get(DeliveryConfig.PATH_CONFIG).addErrorMessage(errorNoEntity);
            return Optional.empty();
        }
        if (primary.isPresent() && !primary.get().equals(target)) {
            values.get(DeliveryConfig.CONNECTION_STRING_CONFIG).addErrorMessage(errorMismatch);
        }
        if (secondary.isPresent() && !secondary.get().equals(target)) {
            values.get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG).addErrorMessage(errorMismatch);
        }
        return Optional.of(target);
    }

    /** The EntityPath of a connection-string config value that already validated; empty when unset. */
    public static Optional<String> entityPath(ConfigValue value) {
        if (value == null || !DeliveryConfig.isGiven(value.value())) {
            return Optional.empty();
        }
        return ConnectionString.parse((Password) value.value()).entityPath();
    }
}
