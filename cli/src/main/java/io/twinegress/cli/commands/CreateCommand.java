package io.twinegress.cli.commands;

import io.twinegress.cli.args.RegistrationOptions;
import io.twinegress.cli.args.RoutingOptions;
import io.twinegress.cli.args.WaitOption;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code endpoints create <id> --file body.json}: a new endpoint, routing record and connector. */
@Command(name = "create", sortOptions = false,
        customSynopsis = "twin-egress endpoints create <id> --file=<body.json> [OPTIONS]",
        description = "Validates the body, writes the routing record, creates the connector; fails if <id> exists.")
public final class CreateCommand extends EndpointCommand {

    @Parameters(index = "0", paramLabel = "<id>", description = "the endpoint id ([A-Za-z0-9._-]{1,200})")
    String id;

    @Option(names = "--file", required = true, paramLabel = "<body.json>",
            description = "the endpoint body (seed format: type, eventTypes, path, connectionString, secondaryConnectionString)")
    Path file;

    @Mixin
    RegistrationOptions registration;

    @Mixin
    RoutingOptions routing;

    @Mixin
    WaitOption wait;

    private Registration.Request request;

    public CreateCommand(Session session) {
        super(session);
    }

    @Override
    void prepare() {
        request = Registration.Request.of(id, file, registration, routing, session().env());
    }

    @Override
    boolean waitForState() {
        return wait.waitForState();
    }

    @Override
    void run(Context ctx) {
        new Registration(ctx).create(request);
    }
}
