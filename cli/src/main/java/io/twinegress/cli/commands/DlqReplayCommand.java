package io.twinegress.cli.commands;

import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.dlq.DeadLetterKafka;
import io.twinegress.cli.dlq.DeadLetterReplay;
import io.twinegress.cli.dlq.DeadLetterSource;
import io.twinegress.cli.dlq.Selection;
import io.twinegress.cli.kafka.StatusRow;
import io.twinegress.cli.output.Console;
import io.twinegress.connectrest.ConnectRest.ConnectorStatus;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dlq replay <endpoint|router>}: copies the selected dead letters back, exactly once
 * across a crash of the command: an endpoint's into its egress topic (only that endpoint gets
 * them again), the router's onto the input topics they came from (the router routes them again
 * through its current endpoint table).
 */
@Command(name = "replay", sortOptions = false, abbreviateSynopsis = true,
        description = {"Copies the selected dead letters back, byte for byte with their original headers plus twin.replay.* "
                + "lineage, one Kafka transaction per batch with the replay's progress: an endpoint's into its egress topic, the "
                + "router's onto the input topic each came from (routed again through the current endpoint table).",
                "Each dead letter is copied at most once, also when a run is killed and started again."})
public final class DlqReplayCommand extends DlqTargetCommand {

    @Mixin
    DeadLetterSelection which = new DeadLetterSelection();

    @Option(names = "--dry-run", description = "count what would be copied; write nothing")
    boolean dryRun;

    @Option(names = "--rate", paramLabel = "<records/s>", description = "at most this many copies a second (default: no limit)")
    int rate;

    @Option(names = "--batch", paramLabel = "<n>", description = "copies per transaction (default ${DEFAULT-VALUE})")
    int batch = 500;

    private Selection selection;

    public DlqReplayCommand(Session session) {
        super(session);
    }

    @Override
    void prepare() {
        if (batch < 1 || rate < 0) {
            throw new io.twinegress.cli.args.UsageException("--batch must be at least 1 and --rate at least 0");
        }
        selection = which.selection();
    }

    @Override
    void run(Context ctx) {
        Console console = ctx.console();
        DeadLetterSource source = source(ctx);
        if (source instanceof DeadLetterSource.Endpoint e) {
            StatusRow row = ctx.kafka().statuses().get(e.id());
            if (row == null || row.status() == null || !row.status().isActive()) {
                throw new InvalidInputException("endpoint", "endpoint " + e.id() + " is "
                        + (row == null ? "not known to the router" : row.status() == null ? "unreadable" : row.status().state().name())
                        + ": nothing routes to or delivers from " + e.egressTopic() + "; make it Active first");
            }
            if (dlqTopic == null) {
                Optional<ConnectorStatus> connector = ctx.connect().connectorStatus(e.id());
                if (connector.isEmpty() || !connector.get().isRunning()) {
                    console.err("warning: connector " + e.id() + " is " + connector.map(ConnectorStatus::summary).orElse("missing")
                            + ": the copies wait in " + e.egressTopic() + " until it delivers");
                }
            }
        }
        String into = source instanceof DeadLetterSource.Endpoint e ? e.egressTopic() : "the input topics they came from";
        console.out((dryRun ? "dry run: " : "") + "replaying the dead letters of " + describe(source) + " into " + into
                + (selection.isAll() ? "" : " (" + describeSelection() + ")"));
        try (DeadLetterKafka kafka = deadLetters(ctx)) {
            DeadLetterReplay.Result r = new DeadLetterReplay(kafka, source, selection, progressTopic, batch, rate, dryRun,
                    copied -> console.out("  copied " + copied + " so far")).run();
            console.out("  selected " + r.selected() + ": " + r.copied() + (dryRun ? " would be copied" : " copied") + ", "
                    + r.alreadyReplayed() + " replayed before, " + r.notReplayable().values().stream().mapToLong(Long::longValue).sum()
                    + " cannot be replayed");
            r.byDestination().forEach((topic, n) -> console.out("  " + n + " into " + topic));
            r.notReplayable().forEach((why, n) -> console.err("  not replayable: " + n + " (" + why + ")"));
            double seconds = r.took().toMillis() / 1000.0;
            if (!dryRun && r.copied() > 0) {
                console.out(String.format("  done in %.1f s (%.0f records/s), run %s", seconds, r.copied() / Math.max(seconds, 0.001),
                        r.runId()));
            } else {
                console.out(String.format("  done in %.1f s%s", seconds, dryRun ? "; nothing was written" : ""));
            }
        }
    }

    private String describeSelection() {
        StringBuilder s = new StringBuilder();
        if (selection.reasonContains() != null) {
            s.append("reason contains \"").append(selection.reasonContains()).append('"');
        }
        if (selection.from() != null) {
            s.append(s.length() == 0 ? "" : ", ").append("from ").append(selection.from());
        }
        if (selection.to() != null) {
            s.append(s.length() == 0 ? "" : ", ").append("to ").append(selection.to());
        }
        return s.toString();
    }
}
