package io.twinegress.cli.commands;

import static io.twinegress.cli.commands.CommandSteps.awaitConnector;
import static io.twinegress.cli.commands.CommandSteps.checkId;
import static io.twinegress.cli.commands.CommandSteps.fail;
import static io.twinegress.cli.commands.CommandSteps.finish;
import static io.twinegress.cli.commands.CommandSteps.message;
import static io.twinegress.cli.commands.CommandSteps.seconds;

import io.twinegress.cli.args.RegistrationOptions;
import io.twinegress.cli.args.RoutingOptions;
import io.twinegress.cli.body.EndpointBody;
import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.body.Problem;
import io.twinegress.cli.connect.ConnectorConfig;
import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.connect.SecretsMode;
import io.twinegress.cli.kafka.EndpointTopics;
import io.twinegress.cli.kafka.StatusRow;
import io.twinegress.cli.output.Console;
import io.twinegress.cli.output.Secret;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointState;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.EndpointTableRules;
import io.twinegress.schemas.ReplayStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code endpoints create} and {@code endpoints update} with a body. The connector of endpoint
 * {@code <id>} is named {@code <id>}; its consumer group is {@code connect-<id>}.
 *
 * <p>Everything is checked first (the body with the router's rules, the connector config with the
 * connector's own {@code validate}, the one-DeviceMessage-endpoint rule against the status topic,
 * whether the endpoint exists); when anything is wrong, nothing is changed. Then the routing record
 * goes to {@code twin.endpoints}, the router's answer is awaited, and the connector config is PUT;
 * the command returns once the endpoint is Active and the connector RUNNING, or says what is still
 * pending at the deadline.
 */
final class Registration {

    /**
     * What to register.
     *
     * @param bodyFile      the seed-format body
     * @param primaryKey    {@code --primary-key-from}, or null: the body's, else (update) the connector's
     * @param secondaryKey  {@code --secondary-key-from}, or null
     * @param secretsMode   {@code --secrets-as}; empty: inline for a new connector, the connector's way for an update
     * @param connectorExtras {@code --set} settings
     * @param routing       {@code --filter}: overrides of the body's routing part, applied to the body once it is read
     */
    record Request(String id, Path bodyFile, Secret primaryKey, Secret secondaryKey, Optional<SecretsMode> secretsMode,
                   Map<String, String> connectorExtras, RoutingOptions routing) {

        /** The options checked (usage errors first), then the keys read: all before anything is touched. */
        static Request of(String id, Path bodyFile, RegistrationOptions options, RoutingOptions routing, Map<String, String> env) {
            Optional<SecretsMode> mode = options.secretsMode();
            Map<String, String> extras = options.connectorExtras();
            return new Request(id, bodyFile, options.primaryKey(env), options.secondaryKey(env), mode, extras, routing);
        }
    }

    private final Context ctx;
    private final Console console;

    Registration(Context ctx) {
        this.ctx = ctx;
        this.console = ctx.console();
    }

    /** Whether the endpoint must be new or must exist already. */
    private enum Expected { NEW, EXISTING }

    /** A new endpoint: refused when {@code <id>} exists (routed, or a connector of that name). */
    void create(Request request) {
        register(request, Expected.NEW);
    }

    /** An existing endpoint, routing and connector: refused when {@code <id>} does not exist. */
    void update(Request request) {
        register(request, Expected.EXISTING);
    }

    private void register(Request request, Expected expected) {
        Instant started = Instant.now();
        String id = request.id();
        checkId(id);
        EndpointBody body = request.routing().applyTo(readBody(id, request.bodyFile()));
        body.warnings().forEach(w -> console.err("warning: " + w));
        Endpoint endpoint = body.endpoint();
        String egress = ctx.kafka().topics().egress(id);

        List<Problem> problems = new ArrayList<>();
        // Does it exist? (status topic and Connect)
        EndpointTopics kafka = ctx.kafka();
        kafka.checkControlTopics();
        Map<String, StatusRow> statuses = kafka.statuses();
        Optional<ConnectorConfig> existing = CommandSteps.connectorConfig(ctx, id);
        boolean routed = Optional.ofNullable(statuses.get(id)).map(r -> r.status() == null || r.status().state() != EndpointState.Deleted).orElse(false);
        if (expected == Expected.NEW && (routed || existing.isPresent())) {
            problems.add(new Problem("id", "endpoint \"" + id + "\" already exists (" + existence(statuses.get(id), existing.isPresent())
                    + "): use `endpoints update " + id + " --file ...`"));
        }
        if (expected == Expected.EXISTING && !routed && existing.isEmpty()) {
            problems.add(new Problem("id", "no endpoint \"" + id + "\" (nothing in " + kafka.topics().status()
                    + ", no connector): use `endpoints create " + id + " --file ...`"));
        }
        if (expected == Expected.EXISTING) {
            StatusRow row = statuses.get(id);
            Endpoint current = row == null || row.status() == null || !row.status().isActive() ? null : row.status().endpoint();
            endpoint = request.routing().keepReplayFrom(endpoint, current, console::err);
        }
        // The table rule, against the endpoints the router holds Active now.
        List<Endpoint> active = statuses.values().stream().map(StatusRow::status)
                .filter(s -> s != null && s.isActive() && s.endpoint() != null).map(EndpointStatus::endpoint).toList();
        EndpointTableRules.check(endpoint, active).ifPresent(e -> problems.add(new Problem(e.field(), message(e))));

        // The secrets: --*-key-from, then the body, then (update) what the connector has now.
        SecretsMode mode = request.secretsMode()
                .orElseGet(() -> existing.map(SecretReferences::currentMode).orElse(new SecretsMode.Inline()));
        Secret primary = request.primaryKey() != null ? request.primaryKey() : body.primary().orElse(null);
        Secret secondary = request.secondaryKey() != null ? request.secondaryKey() : body.secondary().orElse(null);
        if (mode instanceof SecretsMode.Env env) {
            if (primary != null || secondary != null) {
                console.err("warning: --secrets-as env: the body's connection strings are not used; the connector reads ${env:"
                        + env.primaryVar() + "} on the worker");
            }
            primary = Secret.reference("${env:" + env.primaryVar() + "}");
            secondary = env.secondaryVar().map(v -> Secret.reference("${env:" + v + "}")).orElse(null);
        } else if (primary == null && existing.isPresent()) {
            primary = existing.get().secret(ConnectorConfigs.CONNECTION_STRING).orElse(null);
            if (secondary == null) {
                secondary = existing.get().secret(ConnectorConfigs.SECONDARY_CONNECTION_STRING).orElse(null);
            }
            if (primary != null) {
                console.err("note: the body has no connectionString: keeping the connector's current connection strings");
            }
        }
        if (primary == null) {
            problems.add(new Problem(EndpointBody.PRIMARY_FIELD, "required: the connection string (Event Grid: the topic access key) "
                    + "goes to the connector's connection.string; or give --primary-key-from"));
            fail(problems);
        }
        ConnectorConfig config = ConnectorConfigs.build(endpoint, egress, primary, secondary, request.connectorExtras());
        String connectorClass = ConnectorConfigs.connectorClass(endpoint.type());
        problems.addAll(CommandSteps.validate(ctx, connectorClass, config));
        fail(problems);

        // Everything checked: now change things.
        if (mode instanceof SecretsMode.File file) {
            config = intoSecretsFile(file, endpoint, egress, primary, secondary, request.connectorExtras());
        }
        Instant deadline = started.plus(ctx.timeout());
        Map<TopicPartition, Long> from = kafka.statusEnd();
        kafka.writeEndpoint(endpoint);
        Instant written = Instant.now();
        console.out("endpoint " + id + ": " + endpoint.type() + " " + endpoint.eventTypes() + " -> " + egress + " (path " + endpoint.path() + ")"
                + (endpoint.filter() == null ? "" : " filter " + endpoint.filter().canonical())
                + (endpoint.replayFrom() == null ? "" : " replayFrom " + endpoint.replayFrom())
                + " written to " + kafka.topics().endpoints());
        List<String> pending = new ArrayList<>();
        if (ctx.waitForState()) {
            Optional<StatusRow> answer = kafka.awaitStatus(id, from, deadline);
            if (answer.isEmpty()) {
                pending.add("the router has not answered on " + kafka.topics().status() + " (is it running?)");
            } else if (answer.get().status() == null || answer.get().status().state() != EndpointState.Active) {
                StatusRow r = answer.get();
                console.err("routing: " + (r.status() == null ? r.unreadable() : r.status().state() + ": " + r.status().reason()));
                console.err("the connector was not " + (existing.isPresent() ? "changed" : "created") + "; fix the body and run `endpoints update`");
                throw new InvalidInputException(List.of());
            } else {
                console.out("  routing: Active in " + kafka.topics().status() + " " + seconds(written) + " after the write");
                ReplayStatus replay = answer.get().status().replay();
                if (replay != null) {
                    console.out("  backfill from " + replay.from() + (replay.done() ? ": done (" + replay.routed() + " events)"
                            : ": under way beside the live stream; see `endpoints status " + id + "`"));
                }
                answer.get().status().warnings().forEach(w -> console.err("warning (router): " + w));
            }
        }
        ctx.connect().putConnector(id, config.toRequest());
        if (existing.isPresent() && mode instanceof SecretsMode.File) {
            // Same ${file:...} references: Connect would not restart the task; make it re-read the file.
            ctx.connect().restartConnector(id);
        }
        console.out("  connector " + id + " (" + connectorClass + ") " + (existing.isPresent() ? "updated" : "created")
                + ", secrets " + describe(mode));
        if (ctx.waitForState()) {
            awaitConnector(ctx, id, deadline, pending);
        }
        finish(ctx, started, pending);
    }

    /** Writes the values to the secrets file; the config then holds references (a slot that already is one stays as it is). */
    private static ConnectorConfig intoSecretsFile(SecretsMode.File file, Endpoint endpoint, String egress, Secret primary,
                                                   Secret secondary, Map<String, String> extras) {
        Map<String, Secret> values = new LinkedHashMap<>();
        if (!primary.isReference()) {
            values.put(SecretsFile.PRIMARY, primary);
        }
        if (secondary != null && !secondary.isReference()) {
            values.put(SecretsFile.SECONDARY, secondary);
        }
        if (!values.isEmpty()) {
            try {
                SecretsFile.write(file.path(), values);
            } catch (IOException e) {
                throw new InvalidInputException("--secrets-as", "cannot write " + file.path() + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        return ConnectorConfigs.build(endpoint, egress,
                primary.isReference() ? primary : Secret.reference(file.reference(SecretsFile.PRIMARY)),
                secondary == null ? null : secondary.isReference() ? secondary : Secret.reference(file.reference(SecretsFile.SECONDARY)),
                extras);
    }

    private static EndpointBody readBody(String id, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidInputException("--file", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        return EndpointBody.parse(id, bytes);
    }

    private static String existence(StatusRow row, boolean connector) {
        String routed = row == null ? "not in the status topic" : row.status() == null ? "status unreadable" : row.status().state().name();
        return routed + (connector ? ", connector exists" : ", no connector");
    }

    private static String describe(SecretsMode mode) {
        if (mode instanceof SecretsMode.File f) {
            return "in " + f.path() + " (${file:...} references)";
        }
        if (mode instanceof SecretsMode.Env) {
            return "from the worker's environment (${env:...} references)";
        }
        return "inline (PASSWORD keys; Connect's REST API shows them to its users: prefer --secrets-as file:)";
    }
}
