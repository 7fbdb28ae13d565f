package io.twinegress.cli.commands;

import io.twinegress.cli.body.EndpointBody;
import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.body.Problem;
import io.twinegress.cli.connect.ConnectClient;
import io.twinegress.cli.connect.ConnectorConfig;
import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.connect.ConnectorState;
import io.twinegress.cli.connect.SecretsMode;
import io.twinegress.cli.kafka.EndpointTopics;
import io.twinegress.cli.kafka.StatusRow;
import io.twinegress.cli.output.Console;
import io.twinegress.cli.output.Secret;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointParser;
import io.twinegress.schemas.EndpointState;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.EndpointTableRules;
import io.twinegress.schemas.InvalidEndpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code endpoints create|update|delete|list|status}. The connector of endpoint {@code <id>} is named
 * {@code <id>}; its consumer group is {@code connect-<id>}.
 *
 * <p>create/update: everything is checked first (the body with the router's rules, the connector
 * config with the connector's own {@code validate}, the one-DeviceMessage-endpoint rule against the
 * status topic, whether the endpoint exists); when anything is wrong, nothing is changed. Then the
 * routing record goes to {@code twin.endpoints}, the router's answer is awaited, and the connector
 * config is PUT; the command returns once the endpoint is Active and the connector RUNNING, or says
 * what is still pending at the deadline.
 */
public final class EndpointCommands {

    private static final Pattern SHARED_ACCESS_KEY = Pattern.compile("(SharedAccessKey=)([^;]*)");
    private static final Pattern FILE_REFERENCE = Pattern.compile("\\$\\{file:(.+):([^:}]+)}");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([^}:]+)}");

    private final Context ctx;
    private final Console console;

    public EndpointCommands(Context ctx) {
        this.ctx = ctx;
        this.console = ctx.console();
    }

    // ------------------------------------------------------------------------------ create / update

    /**
     * @param create     true for {@code create} (the endpoint must not exist), false for {@code update}
     * @param bodyFile   the seed-format body, or null for an update of the keys only
     * @param primaryKey {@code --primary-key-from}, or null
     * @param secondaryKey {@code --secondary-key-from}, or null
     */
    public void register(boolean create, String id, Path bodyFile, Secret primaryKey, Secret secondaryKey) {
        Instant started = Instant.now();
        checkId(id);
        if (bodyFile == null) {
            rotate(id, primaryKey, secondaryKey, started);
            return;
        }
        EndpointBody body = readBody(id, bodyFile);
        body.warnings().forEach(w -> console.err("warning: " + w));
        Endpoint endpoint = body.endpoint();
        String egress = ctx.kafka().topics().egress(id);
        ConnectClient connect = ctx.connect();

        List<Problem> problems = new ArrayList<>();
        // Does it exist? (status topic and Connect)
        EndpointTopics kafka = ctx.kafka();
        kafka.checkControlTopics();
        Map<String, StatusRow> statuses = kafka.statuses();
        Optional<ConnectorConfig> existing = connect.config(id);
        boolean routed = Optional.ofNullable(statuses.get(id)).map(r -> r.status() == null || r.status().state() != EndpointState.Deleted).orElse(false);
        if (create && (routed || existing.isPresent())) {
            problems.add(new Problem("id", "endpoint \"" + id + "\" already exists (" + existence(statuses.get(id), existing.isPresent())
                    + "): use `endpoints update " + id + " --file ...`"));
        }
        if (!create && !routed && existing.isEmpty()) {
            problems.add(new Problem("id", "no endpoint \"" + id + "\" (nothing in " + kafka.topics().status()
                    + ", no connector): use `endpoints create " + id + " --file ...`"));
        }
        // The table rule, against the endpoints the router holds Active now.
        List<Endpoint> active = statuses.values().stream().map(StatusRow::status)
                .filter(s -> s != null && s.isActive() && s.endpoint() != null).map(EndpointStatus::endpoint).toList();
        EndpointTableRules.check(endpoint, active).ifPresent(e -> problems.add(new Problem(e.field(), message(e))));

        // The secrets: --*-key-from, then the body, then (update) what the connector has now.
        SecretsMode mode = ctx.secretsMode().orElseGet(() -> existing.map(EndpointCommands::currentMode).orElse(new SecretsMode.Inline()));
        Secret primary = primaryKey != null ? primaryKey : body.primary().orElse(null);
        Secret secondary = secondaryKey != null ? secondaryKey : body.secondary().orElse(null);
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
        ConnectorConfig config = ConnectorConfigs.build(endpoint, egress, primary, secondary, ctx.connectorExtras());
        String connectorClass = ConnectorConfigs.connectorClass(endpoint.type());
        connect.validate(connectorClass, config).forEach(p -> problems.add(connectorProblem(p)));
        fail(problems);

        // Everything checked: now change things.
        if (mode instanceof SecretsMode.File file) {
            // Values go to the file; a slot that already is a reference (kept from the connector) stays as it is.
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
            config = ConnectorConfigs.build(endpoint, egress,
                    primary.isReference() ? primary : Secret.reference(file.reference(SecretsFile.PRIMARY)),
                    secondary == null ? null : secondary.isReference() ? secondary : Secret.reference(file.reference(SecretsFile.SECONDARY)),
                    ctx.connectorExtras());
        }
        Instant deadline = started.plus(ctx.timeout());
        Map<TopicPartition, Long> from = kafka.statusEnd();
        kafka.writeEndpoint(endpoint);
        Instant written = Instant.now();
        console.out("endpoint " + id + ": " + endpoint.type() + " " + endpoint.eventTypes() + " -> " + egress + " (path " + endpoint.path() + ")"
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
                answer.get().status().warnings().forEach(w -> console.err("warning (router): " + w));
            }
        }
        connect.put(id, config);
        if (existing.isPresent() && mode instanceof SecretsMode.File) {
            // Same ${file:...} references: Connect would not restart the task; make it re-read the file.
            connect.restart(id);
        }
        console.out("  connector " + id + " (" + connectorClass + ") " + (existing.isPresent() ? "updated" : "created")
                + ", secrets " + describe(mode));
        if (ctx.waitForState()) {
            awaitConnector(id, deadline, pending);
        }
        finish(started, pending);
    }

    /** {@code update <id> --primary-key-from ... [--secondary-key-from ...]}: the connector config only, restarting its task. */
    private void rotate(String id, Secret primaryKey, Secret secondaryKey, Instant started) {
        if (primaryKey == null && secondaryKey == null) {
            throw new io.twinegress.cli.args.UsageException("update needs --file <body.json>, or --primary-key-from / --secondary-key-from");
        }
        ConnectClient connect = ctx.connect();
        ConnectorConfig current = connect.config(id).orElseThrow(() -> new InvalidInputException("id",
                "no connector \"" + id + "\" on " + connect.base() + ": create the endpoint first"));
        String connectorClass = current.get("connector.class").orElse("");
        boolean eventGrid = connectorClass.endsWith("EventGridSinkConnector");
        Map<String, Secret> fileValues = new LinkedHashMap<>();
        // The secrets file the connector already reads from, if any: a key given for a slot that is empty goes there too.
        Path file = current.secret(ConnectorConfigs.CONNECTION_STRING).map(x -> FILE_REFERENCE.matcher(x.reveal()))
                .filter(Matcher::matches).map(m -> Path.of(m.group(1))).orElse(null);
        ConnectorConfig next = current;
        for (var e : List.of(Map.entry(ConnectorConfigs.CONNECTION_STRING, Optional.ofNullable(primaryKey)),
                Map.entry(ConnectorConfigs.SECONDARY_CONNECTION_STRING, Optional.ofNullable(secondaryKey)))) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            String key = e.getKey();
            boolean isPrimary = key.equals(ConnectorConfigs.CONNECTION_STRING);
            Secret given = e.getValue().get();
            Optional<Secret> now = current.secret(key);
            String option = isPrimary ? "--primary-key-from" : "--secondary-key-from";
            if (now.isPresent() && now.get().reveal().startsWith("${env:")) {
                throw new InvalidInputException(option, key + " comes from the worker's environment (" + now.get().reveal()
                        + "): change the variable on the worker and restart the connector");
            }
            Matcher ref = now.map(x -> FILE_REFERENCE.matcher(x.reveal())).filter(Matcher::matches).orElse(null);
            Secret currentValue = now.orElse(null);
            String fileKey = isPrimary ? SecretsFile.PRIMARY : SecretsFile.SECONDARY;
            if (ref != null) {
                file = Path.of(ref.group(1));
                fileKey = ref.group(2);
                currentValue = readFileValue(file, fileKey, option).orElse(null);
            } else if (now.isEmpty() && !isPrimary) {
                // No secondary yet: its bare key goes into a copy of the primary connection string.
                currentValue = next.secret(ConnectorConfigs.CONNECTION_STRING).flatMap(p -> resolve(p, option)).orElse(null);
            }
            Secret value = newValue(option, given, currentValue, eventGrid);
            if (ref != null || (now.isEmpty() && file != null)) {
                fileValues.put(fileKey, value);
                if (now.isEmpty()) {
                    next = next.withSecret(key, Secret.reference("${file:" + file + ":" + fileKey + "}"));
                }
            } else {
                next = next.withSecret(key, value);
            }
        }
        // Validate what the connector will read: the new values, inline.
        ConnectorConfig check = next;
        for (var v : fileValues.entrySet()) {
            String reference = "${file:" + file + ":" + v.getKey() + "}";
            for (String key : List.of(ConnectorConfigs.CONNECTION_STRING, ConnectorConfigs.SECONDARY_CONNECTION_STRING)) {
                if (next.secret(key).map(x -> x.reveal().equals(reference)).orElse(false)) {
                    check = check.withSecret(key, v.getValue());
                }
            }
        }
        List<Problem> problems = new ArrayList<>();
        connect.validate(connectorClass, check).forEach(p -> problems.add(connectorProblem(p)));
        fail(problems);
        if (!fileValues.isEmpty()) {
            try {
                SecretsFile.write(file, fileValues);
            } catch (IOException e) {
                throw new InvalidInputException("--secrets-as", "cannot write " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        connect.put(id, next);
        if (!fileValues.isEmpty()) {
            // The ${file:...} references may be unchanged: Connect would keep the task; make it re-read the file.
            connect.restart(id);
        }
        console.out("connector " + id + ": " + (primaryKey != null ? "primary" : "") + (primaryKey != null && secondaryKey != null ? " and " : "")
                + (secondaryKey != null ? "secondary" : "") + " key replaced" + (!fileValues.isEmpty() ? " in " + file : "") + "; task restarted");
        List<String> pending = new ArrayList<>();
        if (ctx.waitForState()) {
            awaitConnector(id, started.plus(ctx.timeout()), pending);
        }
        finish(started, pending);
    }

    /** How an existing connector gets its primary connection string: an update without --secrets-as keeps it. */
    static SecretsMode currentMode(ConnectorConfig config) {
        String primary = config.secret(ConnectorConfigs.CONNECTION_STRING).map(x -> x.isReference() ? x.reveal() : "").orElse("");
        Matcher file = FILE_REFERENCE.matcher(primary);
        if (file.matches()) {
            return new SecretsMode.File(Path.of(file.group(1)));
        }
        Matcher env = ENV_REFERENCE.matcher(primary);
        if (env.matches()) {
            Optional<String> secondary = config.secret(ConnectorConfigs.SECONDARY_CONNECTION_STRING)
                    .map(x -> ENV_REFERENCE.matcher(x.reveal())).filter(Matcher::matches).map(m -> m.group(1));
            return new SecretsMode.Env(env.group(1), secondary);
        }
        return new SecretsMode.Inline();
    }

    /** A full connection string replaces the old one; a bare key replaces the SharedAccessKey part of it (Event Grid: the key is the value). */
    static Secret newValue(String option, Secret given, Secret current, boolean eventGrid) {
        String g = given.reveal();
        if (eventGrid || g.contains("SharedAccessKey=") || g.startsWith("Endpoint=")) {
            return given;
        }
        if (current == null || !SHARED_ACCESS_KEY.matcher(current.reveal()).find()) {
            throw new InvalidInputException(option, "a bare key needs the current connection string to put it in, and there is none: "
                    + "give the whole connection string");
        }
        return Secret.of(SHARED_ACCESS_KEY.matcher(current.reveal()).replaceFirst("$1" + Matcher.quoteReplacement(g)));
    }

    /** The value behind a config value: itself, or what its ${file:...} reference points at. */
    private static Optional<Secret> resolve(Secret value, String option) {
        Matcher m = FILE_REFERENCE.matcher(value.reveal());
        if (m.matches()) {
            return readFileValue(Path.of(m.group(1)), m.group(2), option);
        }
        return value.isReference() ? Optional.empty() : Optional.of(value);
    }

    private static Optional<Secret> readFileValue(Path file, String key, String option) {
        try {
            java.util.Properties p = new java.util.Properties();
            p.load(new java.io.StringReader(Files.readString(file)));
            return Optional.ofNullable(p.getProperty(key)).map(Secret::of);
        } catch (IOException e) {
            throw new InvalidInputException(option, "the connector reads its key from " + file + ", which the CLI cannot read ("
                    + e.getClass().getSimpleName() + "): run it where the worker's secrets file is");
        }
    }

    // ------------------------------------------------------------------------------ delete

    public void delete(String id) {
        Instant started = Instant.now();
        checkId(id);
        EndpointTopics kafka = ctx.kafka();
        kafka.checkControlTopics();
        StatusRow row = kafka.statuses().get(id);
        boolean routed = row != null && (row.status() == null || row.status().state() != EndpointState.Deleted);
        boolean hasConnector = ctx.connect().config(id).isPresent();
        if (!routed && !hasConnector) {
            throw new InvalidInputException("id", "no endpoint \"" + id + "\" (nothing in " + kafka.topics().status() + ", no connector)");
        }
        Map<TopicPartition, Long> from = kafka.statusEnd();
        kafka.tombstone(id);
        Instant written = Instant.now();
        console.out("endpoint " + id + ": tombstone written to " + kafka.topics().endpoints());
        if (ctx.connect().delete(id)) {
            console.out("  connector " + id + " deleted");
        }
        List<String> pending = new ArrayList<>();
        if (ctx.waitForState()) {
            Optional<StatusRow> answer = kafka.awaitStatus(id, from, started.plus(ctx.timeout()));
            if (answer.isPresent() && answer.get().status() != null) {
                console.out("  routing: " + answer.get().status().state() + " " + seconds(written) + " after the tombstone");
            } else {
                pending.add("the router has not answered on " + kafka.topics().status() + " (is it running?)");
            }
        }
        console.out("  left in place: topics " + kafka.topics().egress(id) + " and " + kafka.topics().egress(id) + ConnectorConfigs.DLQ_SUFFIX
                + " (delete them when you no longer need what they hold)");
        finish(started, pending);
    }

    // ------------------------------------------------------------------------------ list / status

    /** One line per endpoint: from the status topic, plus connectors reading an egress topic that has no status. */
    public void list() {
        EndpointTopics kafka = ctx.kafka();
        kafka.checkControlTopics();
        Map<String, StatusRow> statuses = kafka.statuses();
        Map<String, ConnectClient.Listed> connectors = ctx.connect().all();
        TreeSet<String> ids = new TreeSet<>();
        statuses.forEach((id, row) -> {
            if (row.status() == null || row.status().state() != EndpointState.Deleted || connectors.containsKey(id)) {
                ids.add(id);
            }
        });
        connectors.forEach((name, c) -> {
            if (c.topics().equals(kafka.topics().egress(name))) {
                ids.add(name);
            }
        });
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"endpoint", "type", "state", "connector", "lag", "dead-lettered", "event types"});
        for (String id : ids) {
            View v = view(id, statuses.get(id), Optional.ofNullable(connectors.get(id)).map(ConnectClient.Listed::state));
            rows.add(new String[] {id, v.type, v.state, v.connector, v.lag, v.deadLettered, v.eventTypes});
        }
        int[] w = new int[rows.get(0).length];
        rows.forEach(r -> {
            for (int c = 0; c < r.length; c++) {
                w[c] = Math.max(w[c], r[c].length());
            }
        });
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                boolean numeric = c == 4 || c == 5;
                String pad = " ".repeat(w[c] - r[c].length());
                line.append(numeric ? pad + r[c] : r[c] + (c + 1 < r.length ? pad : "")).append(c + 1 < r.length ? "  " : "");
            }
            console.out(line.toString());
        }
        if (ids.isEmpty()) {
            console.out("(no endpoints)");
        }
    }

    public void status(String id) {
        checkId(id);
        EndpointTopics kafka = ctx.kafka();
        kafka.checkControlTopics();
        StatusRow row = kafka.statuses().get(id);
        Optional<ConnectorState> state = ctx.connect().status(id);
        Optional<ConnectorConfig> config = ctx.connect().config(id);
        if (row == null && state.isEmpty()) {
            throw new InvalidInputException("id", "no endpoint \"" + id + "\" (nothing in " + kafka.topics().status() + ", no connector)");
        }
        View v = view(id, row, state);
        console.out("endpoint      " + id);
        console.out("state         " + v.state + (row != null && row.status() != null && row.status().reason() != null ? ": " + row.status().reason() : "")
                + (row != null && row.unreadable() != null ? " (" + row.unreadable() + ")" : ""));
        if (row != null && row.status() != null) {
            EndpointStatus s = row.status();
            if (s.endpoint() != null) {
                console.out("type          " + s.endpoint().type());
                console.out("event types   " + s.endpoint().eventTypes());
                console.out("path          " + s.endpoint().path());
            }
            if (s.egressTopic() != null) {
                console.out("egress topic  " + s.egressTopic());
            }
            console.out("updated       " + Instant.ofEpochMilli(s.updatedAt()));
            s.warnings().forEach(w -> console.out("warning       " + w));
        }
        console.out("connector     " + v.connector);
        state.ifPresent(st -> st.tasks().stream().filter(t -> !t.traceFirstLine().isEmpty())
                .forEach(t -> console.out("task " + t.id() + " trace  " + t.traceFirstLine())));
        config.ifPresent(c -> {
            console.out("class         " + c.get("connector.class").orElse("?"));
            c.secret(ConnectorConfigs.CONNECTION_STRING).ifPresent(s -> console.out("primary       " + secretSource(s)));
            c.secret(ConnectorConfigs.SECONDARY_CONNECTION_STRING).ifPresent(s -> console.out("secondary     " + secretSource(s)));
        });
        console.out("lag           " + v.lag + (v.lag.equals("-") ? "" : " records (consumer group connect-" + id + ")"));
        console.out("dead-lettered " + v.deadLettered + (v.deadLettered.equals("-") ? "" : " records in " + kafka.topics().egress(id) + ConnectorConfigs.DLQ_SUFFIX));
        console.out("active key    (per task on JMX: kafka.connect:type=plugins,connector=" + id + ",task=<n> active-key)");
    }

    private record View(String type, String state, String connector, String lag, String deadLettered, String eventTypes) {
    }

    private View view(String id, StatusRow row, Optional<ConnectorState> connector) {
        EndpointStatus s = row == null ? null : row.status();
        String state = row == null ? "(none)" : s == null ? "unreadable" : s.state().name();
        String type = s != null && s.endpoint() != null ? s.endpoint().type().name() : "-";
        String types = s != null && s.endpoint() != null ? String.join(",", s.endpoint().eventTypes().stream().map(Enum::name).toList()) : "-";
        String lag = "-";
        if (connector.isPresent()) {
            lag = ctx.kafka().lag("connect-" + id, ctx.kafka().topics().egress(id)).map(String::valueOf).orElse("-");
        }
        String dlq = ctx.kafka().recordCount(ctx.kafka().topics().egress(id) + ConnectorConfigs.DLQ_SUFFIX).map(String::valueOf).orElse("-");
        return new View(type, state, connector.map(ConnectorState::summary).orElse("(no connector)"), lag, dlq, types);
    }

    // ------------------------------------------------------------------------------ helpers

    private void awaitConnector(String id, Instant deadline, List<String> pending) {
        Instant started = Instant.now();
        // Answers once Connect has no rebalance pending, i.e. it has taken in the change just made.
        ctx.connect().config(id);
        Optional<ConnectorState> state = ctx.connect().status(id);
        while (Instant.now().isBefore(deadline) && !(state.isPresent() && (state.get().running() || state.get().failed()))) {
            pause();
            state = ctx.connect().status(id);
        }
        if (state.isPresent() && state.get().failed()) {
            console.err("  connector " + id + ": " + state.get().summary());
            state.get().tasks().stream().filter(t -> !t.traceFirstLine().isEmpty())
                    .forEach(t -> console.err("  task " + t.id() + ": " + t.traceFirstLine()));
            throw new InvalidInputException(List.of());
        }
        if (state.isPresent() && state.get().running()) {
            console.out("  connector: " + state.get().summary() + " " + seconds(started) + " after the PUT");
        } else {
            pending.add("connector " + id + " is " + state.map(ConnectorState::summary).orElse("not known to Connect yet"));
        }
    }

    private void finish(Instant started, List<String> pending) {
        if (!pending.isEmpty()) {
            throw new PendingException("pending after " + seconds(started) + ": " + String.join("; ", pending)
                    + ". Check again with `endpoints status <id>`.");
        }
        if (ctx.waitForState()) {
            console.out("done in " + seconds(started));
        }
    }

    /** Polls Connect about 4 times a second; the deadline, not a count, ends the wait. */
    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PendingException("interrupted");
        }
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

    private static void checkId(String id) {
        try {
            EndpointParser.checkId(id);
        } catch (InvalidEndpointException e) {
            throw new InvalidInputException("id", message(e));
        }
    }

    private static String message(InvalidEndpointException e) {
        return e.getMessage().substring(e.field().length() + 2);
    }

    /** A connector key's error, named by the body field it came from when there is one. */
    static Problem connectorProblem(Problem p) {
        String field = ConnectorConfigs.bodyField(p.field());
        return new Problem(field.equals(p.field()) ? "connector " + p.field() : field + " (connector " + p.field() + ")", p.message());
    }

    private static void fail(List<Problem> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }

    private static String existence(StatusRow row, boolean connector) {
        String routed = row == null ? "not in the status topic" : row.status() == null ? "status unreadable" : row.status().state().name();
        return routed + (connector ? ", connector exists" : ", no connector");
    }

    private static String secretSource(Secret s) {
        return s.isReference() ? s.reveal() : "inline in the connector config (hidden)";
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

    private static String seconds(Instant since) {
        return String.format("%.1f s", Duration.between(since, Instant.now()).toMillis() / 1000.0);
    }
}
