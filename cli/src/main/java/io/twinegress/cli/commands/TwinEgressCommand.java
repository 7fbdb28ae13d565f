package io.twinegress.cli.commands;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code twin-egress}: the top of the command tree; alone, it shows the usage (exit code 2). */
@Command(name = "twin-egress",
        description = "Registers, updates, deletes and inspects twin-egress endpoints: the routing record in Kafka, "
                + "the sink connector in Kafka Connect; lists, shows and replays their dead letters.",
        subcommands = {EndpointsCommand.class, DlqCommand.class, AutoComplete.GenerateCompletion.class},
        footer = {"", "docs: docs/cli.md"})
public final class TwinEgressCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }
}
