package io.twinegress.cli.args;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TimeArgumentTest {

    static final Instant NOW = Instant.parse("2026-11-20T10:00:00.750Z");

    @Test
    void anAgeCountsBackFromNowToTheSecondAndATimeIsRfc3339() {
        assertEquals(Optional.of(Instant.parse("2026-11-20T08:00:00Z")), TimeArgument.parse("2h", NOW));
        assertEquals(Optional.of(Instant.parse("2026-11-20T09:30:00Z")), TimeArgument.parse("30m", NOW));
        assertEquals(Optional.of(Instant.parse("2026-11-13T10:00:00Z")), TimeArgument.parse("7d", NOW));
        assertEquals(Optional.of(Instant.parse("2026-11-20T09:59:15Z")), TimeArgument.parse(" 45s ", NOW));
        assertEquals(Optional.of(Instant.parse("2026-11-20T08:00:00Z")), TimeArgument.parse("2026-11-20T10:00:00+02:00", NOW));
        for (String bad : new String[] {"2 hours", "-2h", "2H", "2026-11-20", "yesterday", ""}) {
            assertEquals(Optional.empty(), TimeArgument.parse(bad, NOW), bad);
        }
    }
}
