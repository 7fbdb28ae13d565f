package io.twinegress.cli.commands;

import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.body.Problem;
import io.twinegress.cli.connect.ConnectorConfig;
import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.connectrest.ConnectRest.ConnectorStatus;
import io.twinegress.schemas.EndpointParser;
import io.twinegress.schemas.InvalidEndpointException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The steps the endpoint commands share: checking input, validating with Connect, waiting for the result. */
final class CommandSteps {

    private CommandSteps() {
    }

    static void checkId(String id) {
        try {
            EndpointParser.checkId(id);
        } catch (InvalidEndpointException e) {
            throw new InvalidInputException("id", message(e));
        }
    }

    /** The rule's words without the field name the exception starts with. */
    static String message(InvalidEndpointException e) {
        return e.getMessage().substring(e.field().length() + 2);
    }

    /** The connector's own {@code validate} of {@code config}, each error named by the body field it came from. */
    static List<Problem> validate(Context ctx, String connectorClass, ConnectorConfig config) {
        List<Problem> problems = new ArrayList<>();
        ctx.connect().validate(connectorClass, config.toRequest()).errors()
                .forEach((key, messages) -> messages.forEach(m -> problems.add(connectorProblem(new Problem(key, m)))));
        return problems;
    }

    /** A connector key's error, named by the body field it came from when there is one. */
    static Problem connectorProblem(Problem p) {
        String field = ConnectorConfigs.bodyField(p.field());
        return new Problem(field.equals(p.field()) ? "connector " + p.field() : field + " (connector " + p.field() + ")", p.message());
    }

    static void fail(List<Problem> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }

    /** The connector's stored config, secrets kept apart; empty when there is no such connector. */
    static Optional<ConnectorConfig> connectorConfig(Context ctx, String id) {
        return ctx.connect().connectorConfig(id).map(ConnectorConfig::fromConnect);
    }

    /** Waits for the connector and its tasks to be RUNNING; a FAILED task is an error, the deadline a pending item. */
    static void awaitConnector(Context ctx, String id, Instant deadline, List<String> pending) {
        Instant started = Instant.now();
        // Answers once Connect has no rebalance pending, i.e. it has taken in the change just made.
        ctx.connect().connectorConfig(id);
        Optional<ConnectorStatus> state = ctx.connect().connectorStatus(id);
        while (Instant.now().isBefore(deadline) && !(state.isPresent() && (state.get().isRunning() || state.get().hasFailed()))) {
            pause();
            state = ctx.connect().connectorStatus(id);
        }
        if (state.isPresent() && state.get().hasFailed()) {
            ctx.console().err("  connector " + id + ": " + state.get().summary());
            state.get().sortedTasks().forEach((task, t) -> {
                if (!t.traceFirstLine().isEmpty()) {
                    ctx.console().err("  task " + task + ": " + t.traceFirstLine());
                }
            });
            throw new InvalidInputException(List.of());
        }
        if (state.isPresent() && state.get().isRunning()) {
            ctx.console().out("  connector: " + state.get().summary() + " " + seconds(started) + " after the PUT");
        } else {
            pending.add("connector " + id + " is " + state.map(ConnectorStatus::summary).orElse("not known to Connect yet"));
        }
    }

    /** Exit code 3 with what is still pending; else "done" when the command waited. */
    static void finish(Context ctx, Instant started, List<String> pending) {
        if (!pending.isEmpty()) {
            throw new PendingException("pending after " + seconds(started) + ": " + String.join("; ", pending)
                    + ". Check again with `endpoints status <id>`.");
        }
        if (ctx.waitForState()) {
            ctx.console().out("done in " + seconds(started));
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

    static String seconds(Instant since) {
        return String.format("%.1f s", Duration.between(since, Instant.now()).toMillis() / 1000.0);
    }
}
