package io.twinegress.cli.commands;

import picocli.CommandLine.Option;

/** {@code --help} on every command: its generated usage, exit code 0. */
public final class HelpOption {

    @Option(order = 200, names = "--help", usageHelp = true, description = "show this help")
    boolean help;
}
