package io.twinegress.connect.core;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Base of every twin-egress sink connector: thin, as Connect connectors should be. It checks the
 * configuration in {@link #validate} (each error on its key, so
 * {@code PUT /connector-plugins/<class>/config/validate} and connector creation catch it before a
 * task starts), refuses to {@link #start} with an invalid one, and hands every property to each
 * task unchanged.
 *
 * <p>A connector implements {@link #config()} (its ConfigDef), {@link #taskClass()}, and may
 * override {@link #connectionStringError} (the format of its keys: SAS connection strings by
 * default) and {@link #validateEndpoint} (cross-field checks).
 */
public abstract class DeliverySinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    /**
     * The error text for a malformed connection string (or key), or empty when it is fine. Default:
     * the Service Bus / Event Hubs SAS format, {@link ConnectionString#check}. Never include the value.
     */
    protected Optional<String> connectionStringError(Password value) {
        return ConnectionString.check(value);
    }

    /**
     * Cross-field checks, run once every key parsed on its own. Add errors with
     * {@code values.get(key).addErrorMessage(TEXT)} on the key concerned.
     */
    protected void validateEndpoint(Map<String, String> props, Map<String, ConfigValue> values) {
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = config.configValues().stream()
            .collect(Collectors.toMap(ConfigValue::name, Function.identity(), (a, b) -> a, HashMap::new));
        checkConnectionString(values.get(DeliveryConfig.CONNECTION_STRING_CONFIG), true);
        checkConnectionString(values.get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG), false);
        boolean clean = config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (clean) {
            validateEndpoint(connectorConfigs, values);
        }
        return config;
    }

    private void checkConnectionString(ConfigValue value, boolean required) {
        if (value == null || !value.errorMessages().isEmpty()) {
            return;
        }
        Object v = value.value();
        Password p = v instanceof Password pw ? pw : null;
        if (p == null || p.value() == null || p.value().isBlank()) {
            if (required) {
                value.addErrorMessage(ConnectionString.ERROR_EMPTY);
            }
            return;
        }
        connectionStringError(p).ifPresent(value::addErrorMessage);
    }

    /** Runs {@link #validate}; throws a {@link ConfigException} naming each bad key (never a value). */
    @Override
    public void start(Map<String, String> props) {
        List<String> errors = new ArrayList<>();
        for (ConfigValue v : validate(props).configValues()) {
            for (String e : v.errorMessages()) {
                errors.add(v.name() + ": " + e);
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException("Invalid configuration: " + String.join(" ", errors));
        }
        this.props = Map.copyOf(props);
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> out = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            out.add(props);
        }
        return out;
    }

    @Override
    public void stop() {
    }

    @Override
    public abstract ConfigDef config();
}
