package io.twinegress.cli.commands;

import static io.twinegress.cli.commands.CommandSteps.checkId;

import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.connect.ConnectorConfig;
import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.kafka.EndpointTopics;
import io.twinegress.cli.kafka.StatusRow;
import io.twinegress.cli.output.Console;
import io.twinegress.cli.output.Secret;
import io.twinegress.connectrest.ConnectRest.ConnectorStatus;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.ReplayStatus;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code endpoints status <id>}: everything known about one endpoint, from the status topic and from Connect. */
@Command(name = "status", sortOptions = false, abbreviateSynopsis = true,
        description = "Everything known about one endpoint.")
public final class StatusCommand extends EndpointCommand {

    @Parameters(index = "0", paramLabel = "<id>", description = "the endpoint id")
    String id;

    public StatusCommand(Session session) {
        super(session);
    }

    @Override
    void run(Context ctx) {
        Console console = ctx.console();
        checkId(id);
        EndpointTopics kafka = ctx.kafka();
        kafka.checkControlTopics();
        StatusRow row = kafka.statuses().get(id);
        Optional<ConnectorStatus> state = ctx.connect().connectorStatus(id);
        Optional<ConnectorConfig> config = CommandSteps.connectorConfig(ctx, id);
        if (row == null && state.isEmpty()) {
            throw new InvalidInputException("id", "no endpoint \"" + id + "\" (nothing in " + kafka.topics().status() + ", no connector)");
        }
        EndpointView v = EndpointView.of(ctx, id, row, state);
        console.out("endpoint      " + id);
        console.out("state         " + v.state() + (row != null && row.status() != null && row.status().reason() != null
                ? ": " + row.status().reason() : "")
                + (row != null && row.unreadable() != null ? " (" + row.unreadable() + ")" : ""));
        if (row != null && row.status() != null) {
            EndpointStatus s = row.status();
            if (s.endpoint() != null) {
                console.out("type          " + s.endpoint().type());
                console.out("event types   " + s.endpoint().eventTypes());
                console.out("path          " + s.endpoint().path());
                console.out("filter        " + v.filter());
            }
            if (s.egressTopic() != null) {
                console.out("egress topic  " + s.egressTopic());
            }
            if (s.replay() != null) {
                console.out("replay        " + describe(s.replay()));
            }
            console.out("updated       " + Instant.ofEpochMilli(s.updatedAt()));
            s.warnings().forEach(w -> console.out("warning       " + w));
        }
        console.out("connector     " + v.connector());
        state.ifPresent(st -> st.sortedTasks().forEach((task, t) -> {
            if (!t.traceFirstLine().isEmpty()) {
                console.out("task " + task + " trace  " + t.traceFirstLine());
            }
        }));
        config.ifPresent(c -> {
            console.out("class         " + c.get("connector.class").orElse("?"));
            c.secret(ConnectorConfigs.CONNECTION_STRING).ifPresent(s -> console.out("primary       " + secretSource(s)));
            c.secret(ConnectorConfigs.SECONDARY_CONNECTION_STRING).ifPresent(s -> console.out("secondary     " + secretSource(s)));
        });
        String dlq = kafka.topics().egress(id) + ConnectorConfigs.DLQ_SUFFIX;
        console.out("lag           " + v.lag() + (v.lag().equals("-") ? "" : " records (consumer group connect-" + id + ")"));
        console.out("dead-lettered " + v.deadLettered() + (v.deadLettered().equals("-") ? "" : " records in " + dlq));
        console.out("active key    (per task on JMX: kafka.connect:type=plugins,connector=" + id + ",task=<n> active-key)");
    }

    /** The backfill of an endpoint with replayFrom, in one line. */
    static String describe(ReplayStatus r) {
        long partitionsDone = r.partitions().values().stream().filter(ReplayStatus.Partition::done).count();
        return "from " + r.from() + (r.until() == null ? "" : " until the live routing took over at " + r.until()) + ": "
                + r.routed() + " event(s) routed, " + (r.done() ? "done" : "under way (" + partitionsDone + " of "
                + r.partitionCount() + " input partitions done)")
                + (r.pastRetention() > 0 ? ", " + r.pastRetention() + " record(s) past retention" : "");
    }

    private static String secretSource(Secret s) {
        return s.isReference() ? s.reveal() : "inline in the connector config (hidden)";
    }
}
