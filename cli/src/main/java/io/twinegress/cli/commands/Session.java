package io.twinegress.cli.commands;

import io.twinegress.cli.output.Console;
import java.util.Map;

/** What every command runs with: the console it speaks through and the process environment. */
public record Session(Console console, Map<String, String> env) {

    public Session {
        env = Map.copyOf(env);
    }
}
