package io.twinegress.schemas;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Points in time in the control-plane records: RFC 3339 date-times with a zone offset
 * ({@code 2026-11-20T08:00:00Z}, {@code 2026-11-20T10:00:00+02:00}), written back in UTC with a
 * {@code Z} ({@link Instant#toString()}).
 */
public final class Instants {

    private Instants() {
    }

    /** The instant an RFC 3339 date-time names, or empty when it is not one (no zone, not a date...). */
    public static Optional<Instant> parse(String text) {
        if (text == null || !Rfc3339.isDateTime(text.trim())) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text.trim().toUpperCase(java.util.Locale.ROOT)).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** As written in a record: UTC, {@code Z}. */
    public static String format(Instant instant) {
        return instant.toString();
    }

    /** Reads an RFC 3339 string (or null) when a record is read back. */
    public static final class Reader extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            String text = p.getValueAsString();
            return parse(text).orElseThrow(() -> ctx.weirdStringException(text, Instant.class, "not an RFC 3339 date-time"));
        }
    }
}
