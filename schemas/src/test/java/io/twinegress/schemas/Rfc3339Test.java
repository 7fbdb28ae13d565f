package io.twinegress.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class Rfc3339Test {

    static final String[] VALID = {
        "2018-04-17T17:41:54.9400177Z", "2018-10-02T06:50:15.198Z", "2018-04-17T17:46:18Z",
        "2024-02-29T00:00:00Z", "2000-02-29T23:59:59.123456789+14:00", "1999-12-31T23:59:59-05:30",
    };

    static final String[] INVALID = {
        "yesterday", "2018-04-17T17:46:18", "2018-04-17 17:46:18Z", "2018-13-01T00:00:00Z", "2018-00-01T00:00:00Z",
        "2018-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2018-04-31T00:00:00Z",
        "2018-04-17T24:00:00Z", "2018-04-17T23:60:00Z", "2018-04-17T23:59:60Z", "2018-04-17T23:59:59.Z",
        "2018-04-17T23:59:59.1234567890Z", "2018-04-17T23:59:59+1:00", "2018-04-17T23:59:59+19:00",
        "2018-04-17T23:59:59+02:60", "2018-04-17T23:59:59ZZ", "2018-4-17T23:59:59Z", "٢٠١٨-04-17T23:59:59Z",
        "2018-04-17T23:59:59.١Z",
    };

    @ParameterizedTest
    @FieldSource("VALID")
    void acceptsRfc3339DateTimes(String value) {
        assertTrue(Rfc3339.isDateTime(value), value);
        OffsetDateTime.parse(value);
    }

    @ParameterizedTest
    @FieldSource("INVALID")
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

    /**
     * The char-array form (a parser's text buffer) answers as the String form on every value of the
     * tests above, valid and invalid, read from the middle of a larger buffer whose neighbouring
     * chars would make a misplaced window parse differently.
     */
    @Test
    void charArrayFormAgreesWithTheStringForm() {
        List<String> values = new ArrayList<>(List.of(VALID));
        values.addAll(List.of(INVALID));
        values.addAll(List.of("", "2018-04-17T17:41:54", "2018-04-17T17:41:54.", "2018-04-17T17:41:54+02:00x"));
        Random random = new Random(20261122);
        for (int i = 0; i < 2_000; i++) {
            char[] chars = VALID[random.nextInt(VALID.length)].toCharArray();
            chars[random.nextInt(chars.length)] = "0123456789-+:.TZz x".charAt(random.nextInt(19));
            values.add(new String(chars));
        }
        int checkedValid = 0;
        for (String value : values) {
            for (String around : new String[] {"", "9", "2018-04-17T17:41:54Z", "\"x"}) {
                char[] buffer = (around + value + around).toCharArray();
                boolean expected = Rfc3339.isDateTime(value);
                assertEquals(expected, Rfc3339.isDateTime(buffer, around.length(), value.length()), () -> around + "|" + value + "|" + around);
                checkedValid += expected ? 1 : 0;
            }
        }
        assertTrue(checkedValid >= VALID.length * 4, "valid values checked: " + checkedValid);
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
