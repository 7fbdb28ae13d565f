package io.twinegress.connect.core;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A list of record header names, each an exact name or a prefix ending in {@code *}
 * ({@code twin-egress.*}): no blank entry, no {@code *} anywhere but at the end.
 */
public final class HeaderNamesValidator implements ConfigDef.Validator {

    public static final String ERROR_BLANK = "An entry of the list is blank: give header names or prefixes ending in *.";
    public static final String ERROR_WILDCARD = "A * may only end an entry (a prefix such as twin-egress.*).";

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null) {
            return;
        }
        for (Object o : (List<?>) value) {
            String entry = o == null ? "" : o.toString().trim();
            if (entry.isEmpty()) {
                throw new ConfigException(name, value, ERROR_BLANK);
            }
            int star = entry.indexOf('*');
            if (star >= 0 && star != entry.length() - 1) {
                throw new ConfigException(name, value, ERROR_WILDCARD);
            }
        }
    }

    /** Whether {@code header} matches an entry of {@code entries} (exact, or by the prefix before a final *). */
    public static boolean matches(List<String> entries, String header) {
        for (String e : entries) {
            if (e.endsWith("*") ? header.startsWith(e.substring(0, e.length() - 1)) : header.equals(e)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "header names or prefixes ending in *, comma-separated";
    }
}
