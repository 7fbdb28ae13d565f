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

    @Option(names = "--output", paramLabel = "<format>",
            description = "strimzi[:namespace=<ns>,connect-cluster=<name>,kafka-cluster=<name>]: print the endpoint's KafkaConnector "
                    + "(secrets as references to Secret twin-egress-<id>) and a Job writing its routing record, for a GitOps "
                    + "repository, instead of registering it; contacts neither Kafka nor Connect")
    String output;

    private Registration.Request request;
    private StrimziOutput strimzi;

    public CreateCommand(Session session) {
        super(session);
    }

    @Override
    void prepare() {
        if (output != null) {
            strimzi = StrimziOutput.parse(output);
            if (registration.hasKeys()) {
                throw new io.twinegress.cli.args.UsageException("--output strimzi prints no secret: put the keys in the endpoint's "
                        + "Secret, not --primary-key-from / --secondary-key-from");
            }
            registration.secretsMode().ifPresent(m -> {
                throw new io.twinegress.cli.args.UsageException("--output strimzi: the connector reads its secrets from the "
                        + "endpoint's Secret; --secrets-as does not apply");
            });
            return;
        }
        request = Registration.Request.of(id, file, registration, routing, session().env());
    }

    @Override
    boolean waitForState() {
        return wait.waitForState();
    }

    @Override
    void run(Context ctx) {
        if (strimzi != null) {
            CommandSteps.checkId(id);
            strimzi.print(ctx.console(), id, StrimziOutput.readBody(id, file), connection.topics(), registration.connectorExtras());
            return;
        }
        new Registration(ctx).create(request);
    }
}
