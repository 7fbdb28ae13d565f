package io.twinegress.cli.commands;

import static io.twinegress.cli.commands.CommandSteps.checkId;
import static io.twinegress.cli.commands.CommandSteps.finish;
import static io.twinegress.cli.commands.CommandSteps.seconds;

import io.twinegress.cli.args.WaitOption;
import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.kafka.EndpointTopics;
import io.twinegress.cli.kafka.StatusRow;
import io.twinegress.cli.output.Console;
import io.twinegress.schemas.EndpointState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code endpoints delete <id>}: tombstones the endpoint in {@code twin.endpoints} and deletes its
 * connector; its egress and dead-letter topics stay (the router never deletes an egress topic).
 */
@Command(name = "delete", sortOptions = false, abbreviateSynopsis = true,
        description = "Tombstones the endpoint in twin.endpoints and deletes the connector; its topics stay.")
public final class DeleteCommand extends EndpointCommand {

    @Parameters(index = "0", paramLabel = "<id>", description = "the endpoint id")
    String id;

    @Mixin
    WaitOption wait;

    public DeleteCommand(Session session) {
        super(session);
    }

    @Override
    boolean waitForState() {
        return wait.waitForState();
    }

    @Override
    void run(Context ctx) {
        Instant started = Instant.now();
        Console console = ctx.console();
        checkId(id);
        EndpointTopics kafka = ctx.kafka();
        kafka.checkControlTopics();
        StatusRow row = kafka.statuses().get(id);
        boolean routed = row != null && (row.status() == null || row.status().state() != EndpointState.Deleted);
        boolean hasConnector = ctx.connect().connectorConfig(id).isPresent();
        if (!routed && !hasConnector) {
            throw new InvalidInputException("id", "no endpoint \"" + id + "\" (nothing in " + kafka.topics().status() + ", no connector)");
        }
        Map<TopicPartition, Long> from = kafka.statusEnd();
        kafka.tombstone(id);
        Instant written = Instant.now();
        console.out("endpoint " + id + ": tombstone written to " + kafka.topics().endpoints());
        if (ctx.connect().deleteConnector(id)) {
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
        String egress = kafka.topics().egress(id);
        console.out("  left in place: topics " + egress + " and " + egress + ConnectorConfigs.DLQ_SUFFIX
                + " (delete them when you no longer need what they hold)");
        finish(ctx, started, pending);
    }
}
