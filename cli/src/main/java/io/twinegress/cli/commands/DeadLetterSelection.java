package io.twinegress.cli.commands;

import io.twinegress.cli.args.TimeArgument;
import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.dlq.Selection;
import java.time.Instant;
import picocli.CommandLine.Option;

/** The {@code --reason/--from/--to} options of {@code dlq show} and {@code dlq replay}: which dead letters. */
final class DeadLetterSelection {

    @Option(names = "--reason", paramLabel = "<text>", description = "only those whose reason contains this (any case)")
    String reason;

    @Option(names = "--from", paramLabel = "<time|age>", description = "only those at or after this record time")
    String from;

    @Option(names = "--to", paramLabel = "<time|age>", description = "only those before this record time")
    String to;

    /** The selection, ages ({@code 2h}) counted back from now. */
    Selection selection() {
        Instant now = Instant.now();
        return new Selection(reason == null || reason.isBlank() ? null : reason, time("--from", from, now), time("--to", to, now));
    }

    private static Instant time(String option, String text, Instant now) {
        if (text == null) {
            return null;
        }
        return TimeArgument.parse(text, now).orElseThrow(() -> new InvalidInputException(option, "expected " + TimeArgument.SYNTAX));
    }
}
