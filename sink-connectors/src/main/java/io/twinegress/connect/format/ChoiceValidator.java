package io.twinegress.connect.format;

import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** One of a fixed list of words, in any case; {@link #toString()} is the list, as the docs show it. */
public final class ChoiceValidator implements ConfigDef.Validator {

    private final List<String> choices;

    public ChoiceValidator(List<String> choices) {
        this.choices = List.copyOf(choices);
    }

    @Override
    public void ensureValid(String name, Object value) {
        String v = value == null ? "" : value.toString().trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(v)) {
            throw new ConfigException(name, value, name + " must be one of " + this + ".");
        }
    }

    @Override
    public String toString() {
        return String.join(", ", choices);
    }
}
