package io.twinegress.reliability.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Fuzzed input for {@code twin.events}: every record it makes is one the router must dead-letter.
 * Seeded, so a failure can be replayed with the seed it prints.
 */
public final class BadEvents {

    /** The kinds of damage, each a distinct way an event can be bad. */
    public enum Damage {
        RANDOM_BYTES, TRUNCATED_JSON, DEEPLY_NESTED, HUGE_STRING, WRONG_TYPE, MISSING_FIELD, UNKNOWN_EVENT_TYPE,
        INVALID_UTF8, NOT_AN_OBJECT, EMPTY_VALUE, DUPLICATE_FIELD, TRAILING_CONTENT
    }

    /** One bad record: its damage and its value (null = tombstone). */
    public record Bad(Damage damage, byte[] value) {
    }

    private static final List<String> REQUIRED = List.of("id", "subject", "data", "eventType", "eventTime", "dataVersion");

    private final Random random;
    private final int maxEventBytes;

    /** @param maxEventBytes the router's {@code twin.event.max.bytes}; HUGE_STRING events go beyond it */
    public BadEvents(long seed, int maxEventBytes) {
        this.random = new Random(seed);
        this.maxEventBytes = maxEventBytes;
    }

    /** A valid event (the shape of the seed's SensorChange sample) with this id. */
    public static String valid(String id, String eventType, String subject) {
        return "{\"id\":\"" + id + "\",\"subject\":\"" + subject + "\",\"data\":{\"SensorId\":\"s-1\",\"Value\":21.5},"
                + "\"eventType\":\"" + eventType + "\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\","
                + "\"metadataVersion\":\"1\"}";
    }

    public Bad next(Damage d, String id) {
        return new Bad(d, make(d, id));
    }

    private byte[] make(Damage d, String id) {
        String good = valid(id, "SensorChange", "Sensor");
        switch (d) {
            case RANDOM_BYTES -> {
                byte[] b = new byte[1 + random.nextInt(512)];
                random.nextBytes(b);
                if (b[0] == '{' || b[0] == '[' || b[0] == ' ') {
                    b[0] = (byte) 0xFE;
                }
                return b;
            }
            case TRUNCATED_JSON -> {
                return good.substring(0, 1 + random.nextInt(good.length() - 1)).getBytes(StandardCharsets.UTF_8);
            }
            case DEEPLY_NESTED -> {
                int depth = 65 + random.nextInt(3000);
                StringBuilder sb = new StringBuilder("{\"id\":\"" + id + "\",\"subject\":\"s\",\"eventType\":\"SensorChange\","
                        + "\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1\",\"data\":");
                sb.append("{\"a\":".repeat(depth)).append("1").append("}".repeat(depth)).append('}');
                return sb.toString().getBytes(StandardCharsets.UTF_8);
            }
            case HUGE_STRING -> {
                String huge = "x".repeat(maxEventBytes + 1 + random.nextInt(maxEventBytes));
                return valid(id, "SensorChange", huge).getBytes(StandardCharsets.UTF_8);
            }
            case WRONG_TYPE -> {
                String[] variants = {
                    good.replace("\"id\":\"" + id + "\"", "\"id\":" + random.nextInt(1_000_000)),
                    good.replace("\"data\":{\"SensorId\":\"s-1\",\"Value\":21.5}", "\"data\":\"a string\""),
                    good.replace("\"eventType\":\"SensorChange\"", "\"eventType\":[\"SensorChange\"]"),
                    good.replace("\"subject\":\"Sensor\"", "\"subject\":true"),
                    good.replace("\"eventTime\":\"2026-11-22T10:00:00Z\"", "\"eventTime\":1763805600"),
                    good.replace("\"eventTime\":\"2026-11-22T10:00:00Z\"", "\"eventTime\":\"yesterday\""),
                    good.replace("\"dataVersion\":\"1.0\"", "\"dataVersion\":{}"),
                };
                return variants[random.nextInt(variants.length)].getBytes(StandardCharsets.UTF_8);
            }
            case MISSING_FIELD -> {
                String field = REQUIRED.get(random.nextInt(REQUIRED.size()));
                String s = switch (field) {
                    case "id" -> good.replace("\"id\":\"" + id + "\",", "");
                    case "subject" -> good.replace("\"subject\":\"Sensor\",", "");
                    case "data" -> good.replace("\"data\":{\"SensorId\":\"s-1\",\"Value\":21.5},", "");
                    case "eventType" -> good.replace("\"eventType\":\"SensorChange\",", "");
                    case "eventTime" -> good.replace("\"eventTime\":\"2026-11-22T10:00:00Z\",", "");
                    default -> good.replace("\"dataVersion\":\"1.0\",", "");
                };
                return s.getBytes(StandardCharsets.UTF_8);
            }
            case UNKNOWN_EVENT_TYPE -> {
                String[] types = {"SensorChanged", "sensorchange", "", "Telemetry", "DROP TABLE", "Sensor\u00e9Change"};
                return valid(id, types[random.nextInt(types.length)], "Sensor").getBytes(StandardCharsets.UTF_8);
            }
            case INVALID_UTF8 -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] g = good.getBytes(StandardCharsets.UTF_8);
                int at = good.indexOf("\"Sensor\"") + 2; // inside the subject string
                out.write(g, 0, at);
                byte[][] broken = {{(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}};
                byte[] b = broken[random.nextInt(broken.length)];
                out.write(b, 0, b.length);
                out.write(g, at, g.length - at);
                return out.toByteArray();
            }
            case NOT_AN_OBJECT -> {
                String[] v = {"[" + good + "]", "\"" + id + "\"", "42", "null", "true"};
                return v[random.nextInt(v.length)].getBytes(StandardCharsets.UTF_8);
            }
            case EMPTY_VALUE -> {
                return random.nextBoolean() ? new byte[0] : null;
            }
            case DUPLICATE_FIELD -> {
                return good.replace("\"subject\":\"Sensor\"", "\"subject\":\"Sensor\",\"subject\":\"Space\"")
                        .getBytes(StandardCharsets.UTF_8);
            }
            case TRAILING_CONTENT -> {
                return (good + (random.nextBoolean() ? "}" : " {\"id\":\"x\"}")).getBytes(StandardCharsets.UTF_8);
            }
            default -> throw new IllegalArgumentException(d.name());
        }
    }
}
