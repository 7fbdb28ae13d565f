package io.twinegress.cli.args;

import picocli.CommandLine.Option;

/** {@code --no-wait}, for the commands that change something. */
public final class WaitOption {

    @Option(names = "--no-wait", description = "make the change and return without waiting for Active / RUNNING")
    boolean noWait;

    public boolean waitForState() {
        return !noWait;
    }
}
