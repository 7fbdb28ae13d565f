package io.twinegress.cli.args;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small GNU-style parser: {@code --name value}, {@code --name=value}, flags, positionals in
 * any order, {@code --} ends options. Unknown options are refused with the known list, so a typo
 * never passes silently. Options that would put a secret on the command line are refused with
 * where to put it instead ({@link #refuse}).
 */
public final class ArgParser {

    private final Map<String, Option> known = new LinkedHashMap<>();
    private final Map<String, String> refused = new LinkedHashMap<>();

    public ArgParser(List<Option> options) {
        for (Option o : options) {
            known.put(o.name(), o);
        }
    }

    /** {@code --name} is refused with {@code why} (e.g. a password, which never belongs on a command line). */
    public ArgParser refuse(String name, String why) {
        refused.put(name, why);
        return this;
    }

    public List<Option> options() {
        return List.copyOf(known.values());
    }

    public ParsedArgs parse(List<String> args) {
        List<String> positionals = new ArrayList<>();
        Map<String, List<String>> options = new LinkedHashMap<>();
        boolean onlyPositionals = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (onlyPositionals || !arg.startsWith("--") ) {
                if (!onlyPositionals && arg.startsWith("-") && arg.length() > 1) {
                    throw new UsageException("unknown option " + arg + " (options are --name; see --help)");
                }
                positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                onlyPositionals = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            String inline = eq < 0 ? null : arg.substring(eq + 1);
            if (refused.containsKey(name)) {
                // Never echo the value: it is the secret the user just tried to pass.
                throw new UsageException("--" + name + " is not accepted: " + refused.get(name));
            }
            Option option = known.get(name);
            if (option == null) {
                throw new UsageException("unknown option --" + name + "; known: " + String.join(", ",
                        known.keySet().stream().map(n -> "--" + n).toList()));
            }
            String value = null;
            if (option.takesValue()) {
                if (inline != null) {
                    value = inline;
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException("--" + name + " needs a value");
                }
            } else if (inline != null) {
                throw new UsageException("--" + name + " takes no value");
            }
            List<String> values = options.computeIfAbsent(name, n -> new ArrayList<>());
            if (!option.repeatable() && !values.isEmpty()) {
                throw new UsageException("--" + name + " given twice");
            }
            if (value != null) {
                values.add(value);
            }
        }
        return new ParsedArgs(positionals, options);
    }
}
