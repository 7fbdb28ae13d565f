package io.twinegress.connect.core;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** One record header name, or empty for "not used" (Connect trims the value): no wildcard. */
public final class HeaderNameValidator implements ConfigDef.Validator {

    public static final String ERROR_WILDCARD = "Name one header exactly; * is not a wildcard here.";

    @Override
    public void ensureValid(String name, Object value) {
        String s = value == null ? "" : value.toString();
        if (s.contains("*")) {
            throw new ConfigException(name, value, ERROR_WILDCARD);
        }
    }

    @Override
    public String toString() {
        return "a record header name, or empty (not used)";
    }
}
