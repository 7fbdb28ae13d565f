package io.twinegress.connect.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Base of every twin-egress sink connector: thin, as Connect connectors should be. It checks the
 * configuration in {@link #validate} (each error on its key, so
 * {@code PUT /connector-plugins/<class>/config/validate} and connector creation catch it before a
 * task starts), adds what is valid but worth a look as warnings (entry {@value #WARNINGS}), refuses
 * to {@link #start} with an invalid one, and hands every property to each task unchanged.
 *
 * <p>A connector implements {@link #config()} (its ConfigDef, where each key's own format is
 * checked by its validator, e.g. {@link ConnectionStringValidator}), {@link #taskClass()}, and may
 * override {@link #validateEndpoint} (cross-field checks, run once every key is valid).
 */
public abstract class DeliverySinkConnector extends SinkConnector {

    /**
     * Name of the entry of the {@code validate} answer that carries the warnings
     * ({@link DeliveryConfig#warnings}), one per recommended value. Connect's validate answer has no
     * warnings, only errors, and an error refuses the config: this entry is not a key of the
     * connector and has no errors, so it refuses nothing; {@code PUT .../config/validate} shows it.
     */
    public static final String WARNINGS = "twin-egress.warnings";

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    /**
     * Cross-field checks, run once every key parsed on its own. Add errors with
     * {@code values.get(key).addErrorMessage(TEXT)} on the key concerned.
     */
    protected void validateEndpoint(Map<String, String> props, Map<String, ConfigValue> values) {
    }

    /**
     * Whether the connector sends to an AMQP namespace ({@code namespace}, {@code custom.endpoint.address}
     * defined, required with an identity). False by default (Event Grid takes its endpoint in {@code path}).
     */
    protected boolean connectsToNamespace() {
        return false;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = config.configValues().stream()
            .collect(Collectors.toMap(ConfigValue::name, Function.identity(), (a, b) -> a, HashMap::new));
        AuthConfig.validate(connectorConfigs, values, connectsToNamespace());
        boolean clean = config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (clean) {
            validateEndpoint(connectorConfigs, values);
        }
        List<String> warnings = DeliveryConfig.warnings(connectorConfigs);
        if (!warnings.isEmpty()) {
            List<ConfigValue> withWarnings = new ArrayList<>(config.configValues());
            withWarnings.add(new ConfigValue(WARNINGS, null, new ArrayList<>(warnings), new ArrayList<>()));
            return new Config(withWarnings);
        }
        return config;
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

    /**
     * Offsets are Connect's own (the task commits through Connect, in the topic's original
     * coordinates, and keeps no state outside them), so any offsets an operator sets while the
     * connector is stopped are valid: {@code PATCH /connectors/<name>/offsets} answers that they
     * were altered, not that they may have been.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<TopicPartition, Long> offsets) {
        return true;
    }

    @Override
    public abstract ConfigDef config();
}
