package io.twinegress.cli.commands;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code twin-egress endpoints <verb>}: the group of the endpoint commands; alone, a usage error. */
@Command(name = "endpoints", description = "Endpoints: one routing record in twin.endpoints and one sink connector each.",
        subcommands = {CreateCommand.class, UpdateCommand.class, DeleteCommand.class, ListCommand.class, StatusCommand.class})
public final class EndpointsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "the command is `endpoints <create|update|delete|list|status> [<id>]`");
    }
}
