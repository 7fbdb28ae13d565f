package io.twinegress.cli.commands;

import io.twinegress.cli.args.ConnectionOptions;
import io.twinegress.cli.args.RegistrationOptions;
import io.twinegress.cli.args.WaitOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code endpoints create <id> --file body.json}: a new endpoint, routing record and connector. */
@Command(name = "create", sortOptions = false,
        customSynopsis = "twin-egress endpoints create <id> --file=<body.json> [OPTIONS]",
        description = "Validates the body, writes the routing record, creates the connector; fails if <id> exists.")
public final class CreateCommand implements Callable<Integer> {

    private final Session session;

    @Parameters(index = "0", paramLabel = "<id>", description = "the endpoint id ([A-Za-z0-9._-]{1,200})")
    String id;

    @Option(names = "--file", required = true, paramLabel = "<body.json>",
            description = "the endpoint body (seed format: type, eventTypes, path, connectionString, secondaryConnectionString)")
    Path file;

    @Mixin
    RegistrationOptions registration;

    @Mixin
    WaitOption wait;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    HelpOption help;

    public CreateCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Registration.Request request = Registration.Request.of(id, file, registration, session.env());
        try (Context ctx = Context.open(session, connection, wait.waitForState())) {
            new Registration(ctx).create(request);
        }
        return ExitCodes.OK;
    }
}
