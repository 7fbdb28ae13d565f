package io.twinegress.connect.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written RFC 3339 reader and writer agree with java.time's ISO formatter, which the CloudEvents SDK uses. */
class Rfc3339Test {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-22T10:00:00Z", "2026-11-22T10:00:00.0000000Z", "2026-11-22T10:00:00.1234567Z",
        "2026-11-22T10:00:00.123456789Z", "2026-11-22T10:00:00.5+05:30", "2026-11-22T23:59:59-08:00",
        "2024-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-17:59", "2026-11-22T10:00:00-00:00"})
    void theCommonShapeReadsAsTheIsoParserReadsIt(String s) {
        assertEquals(OffsetDateTime.parse(s), Rfc3339.parse(s));
    }

    @Test
    void aTimeWithoutAnOffsetIsUtc() {
        String s = "2026-11-22T10:00:00.25";
        assertEquals(LocalDateTime.parse(s).atOffset(ZoneOffset.UTC), Rfc3339.parse(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2026-11-22", "2026-11-22T10:00", "2026-11-22t10:00:00Z", "2026-11-22T10:00:00z",
        "2026-11-22 10:00:00Z", "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00.1234567890Z", "2026-11-22T10:00:00+05:30:15",
        "2026-11-22T10:00:00+0530", "2026-11-22T10:00:00+18:00", "2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z",
        "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22T10:00:60Z", "+2026-11-22T10:00:00Z", "2026-1a-22T10:00:00Z",
        "2026-11-22T10:00:00Zjunk", "yesterday at noon!!"})
    void anythingElseIsLeftToTheGeneralParser(String s) {
        assertNull(Rfc3339.parse(s));
    }

    @Test
    void writesWhatTheIsoFormatterWrites() {
        Random random = new Random(20261122);
        int[] nanos = {0, 1, 10, 100_000_000, 123_456_700, 999_999_999, 500_000_000, 120_000};
        int[] offsets = {0, 3600, -3600, 19_800, -34_200, 45_296, -64_800, 64_800, 59};
        for (int i = 0; i < 5_000; i++) {
            int year = i % 10 == 0 ? random.nextInt(20_000) - 5_000 : random.nextInt(10_000);
            OffsetDateTime t = OffsetDateTime.of(LocalDateTime.of(year, 1 + random.nextInt(12), 1 + random.nextInt(28),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60),
                    i % 3 == 0 ? nanos[random.nextInt(nanos.length)] : random.nextInt(1_000_000_000)),
                ZoneOffset.ofTotalSeconds(offsets[random.nextInt(offsets.length)]));
            assertEquals(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t), Rfc3339.format(t), t::toString);
        }
    }
}
