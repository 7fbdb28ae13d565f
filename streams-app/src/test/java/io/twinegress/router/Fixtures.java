package io.twinegress.router;

import io.twinegress.schemas.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Test data: the seed documents' sample events and endpoint records. */
public final class Fixtures {

    private Fixtures() {
    }

    /** The seed's sample event of this type, exactly as the seed shows it (not re-serialised). */
    public static byte[] seedEvent(EventType type) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/events/" + type.name() + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no seed event for " + type);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small valid event of this type with this id. */
    public static byte[] event(EventType type, String id) {
        return ("{\"id\":\"" + id + "\",\"subject\":\"" + type + "\",\"data\":{\"n\":1},\"eventType\":\"" + type
                + "\",\"eventTime\":\"2018-04-17T17:46:18.5452993Z\",\"dataVersion\":\"1\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** An endpoint record value, {@code {"type":..,"eventTypes":[..],"path":..}}. */
    public static byte[] endpoint(String type, String path, EventType... eventTypes) {
        String types = Arrays.stream(eventTypes).map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        return ("{\"type\":\"" + type + "\",\"eventTypes\":[" + types + "],\"path\":\"" + path + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
