package io.twinegress.cli.commands;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code twin-egress dlq <verb>}: dead letters of an endpoint or of the router; alone, a usage error. */
@Command(name = "dlq", description = "Dead letters: what an endpoint's connector (or the router) could not deliver, and their replay.",
        subcommands = {DlqListCommand.class, DlqShowCommand.class, DlqReplayCommand.class})
public final class DlqCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "the command is `dlq <list|show|replay> <endpoint|router>`");
    }
}
