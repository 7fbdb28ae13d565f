package io.twinegress.cli.commands;

import io.twinegress.cli.dlq.DeadLetter;
import io.twinegress.cli.dlq.DeadLetterKafka;
import io.twinegress.cli.dlq.DeadLetterSource;
import io.twinegress.cli.dlq.ReplayedOffsets;
import io.twinegress.cli.dlq.Selection;
import io.twinegress.cli.output.Console;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlq show <endpoint|router>}: the dead letters themselves, oldest first; never a payload unless {@code --payload}. */
@Command(name = "show", sortOptions = false, abbreviateSynopsis = true,
        description = "The dead letters, oldest first: coordinates, time, size, key, event, where each was, reason. "
                + "Never a payload unless --payload.")
public final class DlqShowCommand extends DlqTargetCommand {

    @Mixin
    DeadLetterSelection which = new DeadLetterSelection();

    @Option(names = "--limit", paramLabel = "<n>", description = "at most this many (default ${DEFAULT-VALUE})")
    int limit = 20;

    @Option(names = "--payload", description = "also print each value (UTF-8, else base64): it may hold personal or secret data")
    boolean payload;

    private Selection selection;

    public DlqShowCommand(Session session) {
        super(session);
    }

    @Override
    void prepare() {
        if (limit < 1) {
            throw new io.twinegress.cli.args.UsageException("--limit must be at least 1");
        }
        selection = which.selection();
    }

    @Override
    void run(Context ctx) {
        Console console = ctx.console();
        DeadLetterSource source = source(ctx);
        try (DeadLetterKafka kafka = deadLetters(ctx)) {
            Optional<List<TopicPartition>> partitions = kafka.partitions(source.topic());
            if (partitions.isEmpty()) {
                console.out("dead letters of " + describe(source) + ": none (the topic does not exist yet)");
                return;
            }
            Map<Integer, ReplayedOffsets> replayed = kafka.replayed(progressTopic, source.topic());
            List<String> lines = new ArrayList<>();
            AtomicLong matching = new AtomicLong();
            kafka.scan(source.topic(), partitions.get(), r -> {
                DeadLetter d = DeadLetter.of(source, r);
                if (!selection.matches(d) || matching.incrementAndGet() > limit) {
                    return;
                }
                boolean done = replayed.containsKey(r.partition()) && replayed.get(r.partition()).contains(r.offset());
                lines.add(line(source, d, done));
                lines.add("  reason: " + d.reason().replaceAll("\\s+", " "));
                if (payload && r.value() != null) {
                    String text = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
                    boolean utf8 = java.util.Arrays.equals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), r.value());
                    lines.add("  payload" + (utf8 ? ": " + text : " (base64): " + Base64.getEncoder().encodeToString(r.value())));
                }
            });
            lines.forEach(console::out);
            long shown = Math.min(limit, matching.get());
            console.out(matching.get() == 0 ? "no dead letters of " + describe(source) + (selection.isAll() ? "" : " match")
                    : shown + " of " + matching.get() + " shown" + (matching.get() > shown ? " (--limit for more)" : ""));
        }
    }
}
