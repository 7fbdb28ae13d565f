package io.twinegress.cli.args;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Positional arguments and options, as given. */
public record ParsedArgs(List<String> positionals, Map<String, List<String>> options) {

    public ParsedArgs {
        positionals = List.copyOf(positionals);
        options = Map.copyOf(options);
    }

    public Optional<String> value(String name) {
        List<String> values = options.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    public List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }

    public boolean has(String name) {
        return options.containsKey(name);
    }
}
