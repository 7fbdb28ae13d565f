package io.twinegress.connect.core;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Checks a Service Bus / Event Hubs connection string ({@link ConnectionString}) where the
 * ConfigDef validates, so {@code validate()} reports a malformed one on its own key with one of
 * the {@code ConnectionString.ERROR_*} texts, never with the value. Its {@link #toString()} is
 * the "valid values" line of the generated reference.
 *
 * <p>A connector whose keys have another format (Event Grid: a bare access key) passes its own
 * validator to {@link DeliveryConfig#addConnectionGroup(ConfigDef, ConfigDef.Validator,
 * ConfigDef.Validator, String, String, String)}.
 */
public final class ConnectionStringValidator implements ConfigDef.Validator {

    private final boolean required;

    private ConnectionStringValidator(boolean required) {
        this.required = required;
    }

    /** For {@code connection.string}: must be set and well formed. */
    public static ConnectionStringValidator required() {
        return new ConnectionStringValidator(true);
    }

    /** For {@code secondary.connection.string}: may be empty; if set, well formed. */
    public static ConnectionStringValidator optional() {
        return new ConnectionStringValidator(false);
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (!DeliveryConfig.isGiven(value)) {
            if (required) {
                throw new ConfigException(ConnectionString.ERROR_EMPTY);
            }
            return;
        }
        ConnectionString.check((Password) value).ifPresent(error -> {
            // The one-argument constructor: the message alone, never "Invalid value <value>".
            throw new ConfigException(error);
        });
    }

    @Override
    public String toString() {
        return "Endpoint=sb://<namespace>/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>[;EntityPath=<name>]"
            + (required ? "" : ", or empty");
    }
}
