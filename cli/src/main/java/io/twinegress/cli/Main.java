package io.twinegress.cli;

import io.twinegress.cli.output.Console;

/** {@code java -jar twin-egress.jar endpoints ...}; see {@link Cli}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new Cli(new Console(System.out, System.err), System.getenv()).run(args));
    }
}
