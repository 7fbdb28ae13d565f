package io.twinegress.cli.commands;

import io.twinegress.cli.args.RegistrationOptions;
import io.twinegress.cli.args.RoutingOptions;
import io.twinegress.cli.args.UsageException;
import io.twinegress.cli.args.WaitOption;
import io.twinegress.cli.output.Secret;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code endpoints update <id> --file body.json}: the routing record and the connector of an
 * existing endpoint; {@code endpoints update <id> --primary-key-from ...}: a key rotation.
 */
@Command(name = "update", sortOptions = false,
        customSynopsis = {"twin-egress endpoints update <id> --file=<body.json> [OPTIONS]",
                "       twin-egress endpoints update <id> --primary-key-from=<file|env:NAME>\n"
                        + "           [--secondary-key-from=<file|env:NAME>] [OPTIONS]"},
        description = {"With --file: the same as create, for an existing endpoint; a body without connectionString keeps "
                + "the connector's current connection strings.",
                "Without --file: key rotation (--primary-key-from and/or --secondary-key-from); changes the connector config "
                        + "only, and its task restarts with the new key at once."})
public final class UpdateCommand extends EndpointCommand {

    @Parameters(index = "0", paramLabel = "<id>", description = "the endpoint id")
    String id;

    @Option(names = "--file", paramLabel = "<body.json>",
            description = "the endpoint body; without it, only the keys are replaced")
    Path file;

    @Mixin
    RegistrationOptions registration;

    @Mixin
    RoutingOptions routing;

    @Mixin
    WaitOption wait;

    private Registration.Request request;
    private Secret primary;
    private Secret secondary;

    public UpdateCommand(Session session) {
        super(session);
    }

    @Override
    void prepare() {
        if (file != null) {
            request = Registration.Request.of(id, file, registration, routing, session().env());
            return;
        }
        registration.checkNoBodyOptions(session().console()::err);
        if (!routing.given().isEmpty()) {
            throw new UsageException(String.join(", ", routing.given()) + " applies with --file (a key rotation changes the keys only)");
        }
        if (!registration.hasKeys()) {
            throw new UsageException("update needs --file <body.json>, or --primary-key-from / --secondary-key-from");
        }
        // Read the keys before touching anything: a missing file is an input error.
        primary = registration.primaryKey(session().env());
        secondary = registration.secondaryKey(session().env());
    }

    @Override
    boolean waitForState() {
        return wait.waitForState();
    }

    @Override
    void run(Context ctx) {
        if (request != null) {
            new Registration(ctx).update(request);
        } else {
            new KeyRotation(ctx).rotate(id, primary, secondary);
        }
    }

}
