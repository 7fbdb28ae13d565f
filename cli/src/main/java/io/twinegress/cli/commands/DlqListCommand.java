package io.twinegress.cli.commands;

import io.twinegress.cli.dlq.DeadLetter;
import io.twinegress.cli.dlq.DeadLetterKafka;
import io.twinegress.cli.dlq.DeadLetterSource;
import io.twinegress.cli.dlq.ReplayedOffsets;
import io.twinegress.cli.dlq.Summary;
import io.twinegress.cli.output.Console;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;

/** {@code dlq list <endpoint|router>}: how many dead letters, the oldest and newest, how many per reason. */
@Command(name = "list", sortOptions = false, abbreviateSynopsis = true,
        description = "How many dead letters, the oldest and newest, and how many per reason (and replayed already).")
public final class DlqListCommand extends DlqTargetCommand {

    public DlqListCommand(Session session) {
        super(session);
    }

    @Override
    void run(Context ctx) {
        Console console = ctx.console();
        DeadLetterSource source = source(ctx);
        try (DeadLetterKafka kafka = deadLetters(ctx)) {
            Optional<List<TopicPartition>> partitions = kafka.partitions(source.topic());
            if (partitions.isEmpty()) {
                console.out("dead letters of " + describe(source) + ": none (the topic does not exist yet; Connect creates it at the "
                        + "first dead letter)");
                return;
            }
            Map<Integer, ReplayedOffsets> replayed = kafka.replayed(progressTopic, source.topic());
            Summary summary = new Summary();
            kafka.scan(source.topic(), partitions.get(), r -> summary.add(DeadLetter.of(source, r),
                    replayed.containsKey(r.partition()) && replayed.get(r.partition()).contains(r.offset())));
            console.out("dead letters of " + describe(source) + ": " + summary.count()
                    + (summary.replayed() > 0 ? " (" + summary.replayed() + " replayed already)" : ""));
            if (summary.count() == 0) {
                return;
            }
            console.out("oldest " + summary.oldest() + ", newest " + summary.newest() + " (record time: the event's)");
            console.out(String.format("%8s %9s  %s", "count", "replayed", "reason"));
            for (Summary.Group g : summary.groups()) {
                console.out(String.format("%8d %9d  %s", g.count(), g.replayed(), g.reason()));
            }
        }
    }
}
