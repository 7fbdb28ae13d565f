package io.twinegress.cli.dlq;

import java.time.Instant;
import java.util.Locale;

/**
 * Which dead letters a command looks at: all, or those whose reason contains a text (case
 * insensitive) and whose record timestamp is in {@code [from, to)}. A dead letter keeps the
 * timestamp of the record it copies (the event's, as produced), so the times select by event time.
 */
public record Selection(String reasonContains, Instant from, Instant to) {

    public static final Selection ALL = new Selection(null, null, null);

    public boolean matches(DeadLetter d) {
        long ts = d.record().timestamp();
        if (from != null && ts < from.toEpochMilli()) {
            return false;
        }
        if (to != null && ts >= to.toEpochMilli()) {
            return false;
        }
        return reasonContains == null || d.reason().toLowerCase(Locale.ROOT).contains(reasonContains.toLowerCase(Locale.ROOT));
    }

    public boolean isAll() {
        return reasonContains == null && from == null && to == null;
    }
}
