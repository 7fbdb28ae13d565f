package io.twinegress.cli.args;

import io.twinegress.schemas.Instants;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time on the command line: an RFC 3339 date-time ({@code 2026-11-20T08:00:00Z}) or an
 * age ({@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}: that long before now, to the second).
 */
public final class TimeArgument {

    public static final String SYNTAX = "an RFC 3339 time such as 2026-11-20T08:00:00Z, or an age such as 30m, 2h, 7d";
    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

    private TimeArgument() {
    }

    /** The instant, or empty when the text is neither form. */
    public static Optional<Instant> parse(String text, Instant now) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher age = AGE.matcher(text.trim());
        if (age.matches()) {
            long n = Long.parseLong(age.group(1));
            Duration d = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return Optional.of(now.truncatedTo(ChronoUnit.SECONDS).minus(d));
        }
        return Instants.parse(text);
    }
}
