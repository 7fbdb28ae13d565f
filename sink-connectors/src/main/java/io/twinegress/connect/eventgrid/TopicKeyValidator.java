package io.twinegress.connect.eventgrid;

import io.twinegress.connect.core.ConnectionString;
import io.twinegress.connect.core.DeliveryConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Checks an Event Grid topic access key where the ConfigDef validates: for Event Grid an
 * endpoint's "connection string" is the key itself, sent in the {@code aeg-sas-key} header. It must be
 * header-safe (visible ASCII, no spaces), and not a Service Bus style connection string pasted by
 * mistake. Errors are the {@code EventGridSinkConfig.ERROR_KEY_*} texts, never the value. Its
 * {@link #toString()} is the "valid values" line of the generated reference.
 */
final class TopicKeyValidator implements ConfigDef.Validator {

    private final boolean required;

    private TopicKeyValidator(boolean required) {
        this.required = required;
    }

    /** For {@code connection.string}: must be set. */
    static TopicKeyValidator required() {
        return new TopicKeyValidator(true);
    }

    /** For {@code secondary.connection.string}: may be empty. */
    static TopicKeyValidator optional() {
        return new TopicKeyValidator(false);
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (!DeliveryConfig.isGiven(value)) {
            if (required) {
                throw new ConfigException(ConnectionString.ERROR_EMPTY);
            }
            return;
        }
        String k = ((Password) value).value();
        if (k.contains("SharedAccessKey=") || k.contains("Endpoint=")) {
            throw new ConfigException(EventGridSinkConfig.ERROR_KEY_IS_CONNECTION_STRING);
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new ConfigException(EventGridSinkConfig.ERROR_KEY_CHARACTERS);
            }
        }
    }

    @Override
    public String toString() {
        return "the topic access key (key1 or key2): printable ASCII, no spaces" + (required ? "" : "; or empty");
    }
}
