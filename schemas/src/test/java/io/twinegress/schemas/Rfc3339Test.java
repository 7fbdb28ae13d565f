package io.twinegress.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {

    @ParameterizedTest
    @ValueSource(strings = {
        "2018-04-17T17:41:54.9400177Z", "2018-10-02T06:50:15.198Z", "2018-04-17T17:46:18Z",
        "2024-02-29T00:00:00Z", "2000-02-29T23:59:59.123456789+14:00", "1999-12-31T23:59:59-05:30",
    })
    void acceptsRfc3339DateTimes(String value) {
        assertTrue(Rfc3339.isDateTime(value), value);
        OffsetDateTime.parse(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "yesterday", "2018-04-17T17:46:18", "2018-04-17 17:46:18Z", "2018-13-01T00:00:00Z", "2018-00-01T00:00:00Z",
        "2018-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2018-04-31T00:00:00Z",
        "2018-04-17T24:00:00Z", "2018-04-17T23:60:00Z", "2018-04-17T23:59:60Z", "2018-04-17T23:59:59.Z",
        "2018-04-17T23:59:59.1234567890Z", "2018-04-17T23:59:59+1:00", "2018-04-17T23:59:59+19:00",
        "2018-04-17T23:59:59+02:60", "2018-04-17T23:59:59ZZ", "2018-4-17T23:59:59Z", "٢٠١٨-04-17T23:59:59Z",
        "2018-04-17T23:59:59.١Z",
    })
    void rejectsWhatIsNotOne(String value) {
        assertFalse(Rfc3339.isDateTime(value), value);
    }

    /** Agrees with java.time on every RFC 3339-shaped string, valid or off by one field. */
    @Test
    void agreesWithJavaTimeOnRandomTimestamps() {
        Random random = new Random(20261122);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(37) - 18) * 1800 % 64800);
            String valid = OffsetDateTime.ofInstant(instant, offset).toString();
            if (valid.length() < 20 || valid.charAt(16) != ':') {
                continue; // java.time drops ":00" seconds, which RFC 3339 requires
            }
            assertTrue(Rfc3339.isDateTime(valid), valid);
            char[] broken = valid.toCharArray();
            int at = random.nextInt(19);
            if (Character.isDigit(broken[at])) {
                broken[at] = (char) ('0' + random.nextInt(10));
                String candidate = new String(broken);
                assertEquals(javaTimeAccepts(candidate), Rfc3339.isDateTime(candidate), candidate);
            }
        }
    }

    private static boolean javaTimeAccepts(String value) {
        try {
            OffsetDateTime.parse(value);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
