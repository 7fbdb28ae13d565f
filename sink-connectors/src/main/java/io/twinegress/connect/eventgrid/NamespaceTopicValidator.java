package io.twinegress.connect.eventgrid;

import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** An Event Grid namespace topic name (3 to 50 letters, digits and '-'), or empty (not a namespace topic). */
final class NamespaceTopicValidator implements ConfigDef.Validator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9-]{3,50}");

    @Override
    public void ensureValid(String name, Object value) {
        String v = value == null ? "" : value.toString().trim();
        if (!v.isEmpty() && !NAME.matcher(v).matches()) {
            throw new ConfigException(name, value, EventGridSinkConfig.ERROR_BAD_NAMESPACE_TOPIC);
        }
    }

    @Override
    public String toString() {
        return "a namespace topic name: 3 to 50 letters, digits and '-' (empty unless eventgrid.kind=namespace-topic)";
    }
}
