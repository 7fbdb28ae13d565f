package io.twinegress.connect.format;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * RFC 3339 times read and written without {@link DateTimeFormatter}, whose general parser and
 * printer cost a few microseconds per call: the CloudEvents output reads one time and writes it
 * once per event.
 *
 * <p>{@link #parse} takes the common shape only, {@code YYYY-MM-DDTHH:MM:SS[.f{1,9}][Z|±HH:MM]}
 * (upper-case {@code T} and {@code Z}), and answers null for anything else, so that the caller
 * falls back to the general parser, which decides. Without an offset it gives UTC.
 * {@link #format} writes exactly what {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} writes (the
 * CloudEvents SDK's own time format): seconds always, the fraction without trailing zeros,
 * {@code Z} for UTC.
 */
final class Rfc3339 {

    private Rfc3339() {
    }

    /** The time, or null when {@code s} is not in the common shape (or not a valid date and time). */
    static OffsetDateTime parse(String s) {
        int n = s.length();
        if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
            || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nano = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            int count = i - start;
            if (count < 1 || count > 9) {
                return null;
            }
            nano = digits(s, start, count);
            for (int k = count; k < 9; k++) {
                nano *= 10;
            }
        }
        ZoneOffset offset;
        if (i == n) {
            offset = ZoneOffset.UTC;
        } else if (s.charAt(i) == 'Z' && i + 1 == n) {
            offset = ZoneOffset.UTC;
        } else if ((s.charAt(i) == '+' || s.charAt(i) == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if ((oh | om) < 0 || oh > 17 || om > 59) {
                return null;
            }
            int total = oh * 3600 + om * 60;
            offset = ZoneOffset.ofTotalSeconds(s.charAt(i) == '-' ? -total : total);
        } else {
            return null;
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nano, offset);
        } catch (DateTimeException e) {
            return null; // e.g. February 30th: the general parser gives the reason
        }
    }

    /** {@code t} as {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} writes it. */
    static String format(OffsetDateTime t) {
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
        }
        StringBuilder b = new StringBuilder(35);
        pad(b, year, 4).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        pad(b, t.getDayOfMonth(), 2).append('T');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2);
        int nano = t.getNano();
        if (nano != 0) {
            int width = 9;
            while (nano % 10 == 0) {
                nano /= 10;
                width--;
            }
            pad(b.append('.'), nano, width);
        }
        int offset = t.getOffset().getTotalSeconds();
        if (offset == 0) {
            return b.append('Z').toString();
        }
        int abs = Math.abs(offset);
        b.append(offset < 0 ? '-' : '+');
        pad(b, abs / 3600, 2).append(':');
        pad(b, abs / 60 % 60, 2);
        if (abs % 60 != 0) {
            pad(b.append(':'), abs % 60, 2);
        }
        return b.toString();
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        for (int p = pow10(width - 1); p > 1 && value < p; p /= 10) {
            b.append('0');
        }
        return b.append(value);
    }

    private static int pow10(int e) {
        int p = 1;
        for (int k = 0; k < e; k++) {
            p *= 10;
        }
        return p;
    }

    /** The number the {@code count} ASCII digits at {@code from} spell, or -1. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int k = from; k < from + count; k++) {
            char c = s.charAt(k);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
