package io.twinegress.schemas.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.schemas.InvalidEventException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a filter says about an event: every operator, every type mix, arrays, escapes, missing fields, the key. */
class FilterEvaluationTest {

    static byte[] seed(String name) {
        try (InputStream in = FilterEvaluationTest.class.getClassLoader().getResourceAsStream("samples/events/" + name + ".json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid event around this {@code data} object (data before eventType, as in the seed). */
    static byte[] event(String data) {
        return ("{\"id\":\"e-1\",\"subject\":\"Sensor\",\"data\":" + data + ",\"eventType\":\"SensorChange\","
                + "\"eventTime\":\"2018-04-17T17:46:18.5452993Z\",\"dataVersion\":\"1\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] KEY = "sensor-1".getBytes(StandardCharsets.UTF_8);

    private static boolean on(String filter, byte[] event) {
        return Filter.parse(filter).matches(KEY, event);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        // the envelope, under both names
        "sensor-change      | type = 'SensorChange'                                            | true",
        "sensor-change      | eventType = 'SensorChange'                                       | true",
        "sensor-change      | type = 'SpaceChange'                                             | false",
        "sensor-change      | subject = 'SensorChange'                                         | true",
        "sensor-change      | id = '60bf5336-2929-45b4-bb4c-b45699dfe95f'                      | true",
        "sensor-change      | time > '2018-04-17T00:00:00Z' AND eventTime < '2018-04-18'       | true",
        "sensor-change      | dataschema = '1' AND dataVersion = '1'                           | true",
        "space-change       | dataschema = '1'                                                 | false",
        "space-change       | dataschema = '1.0'                                               | true",
        "sensor-change      | metadataVersion = '1'                                            | true",
        "sensor-change      | source = '/subscriptions/YOUR_TOPIC_NAME'                        | true",
        "sensor-change      | STARTS_WITH(topic, '/subscriptions/')                            | true",
        "sensor-change      | key = 'sensor-1'                                                 | true",
        // the body, by name and by bracket
        "sensor-change      | $body.DataType = 'Motion'                                        | true",
        "sensor-change      | data.DataType = 'Motion'                                         | true",
        "sensor-change      | $body.Value = 'False' AND $body.PreviousValue = 'True'           | true",
        "sensor-change      | $body.Properties['ms-client-request-id'] = 'c9e576b7-5eea-4f61-8617-92a57add5179' | true",
        "sensor-change      | $body['Properties'].['ms-activity-id'] = 'x'                     | ERROR",
        "sensor-change      | CONTAINS($body.Properties['ms-activity-id'], '.605.')            | true",
        "udf-custom         | $body.ResourceType IN ('Space', 'Sensor')                        | true",
        "udf-custom         | ENDS_WITH($body.Payload, 'poor\"')                               | true",
        // arrays: any element
        "topology-operation | $body.SpacesToNotify = '3a16d146-ca39-49ee-b803-17a18a12ba36'    | true",
        "topology-operation | $body.SpacesToNotify = 'space-7'                                 | false",
        "topology-operation | $body.SpacesToNotify != 'space-7'                                | true",
        "topology-operation | $body.SpacesToNotify != '3a16d146-ca39-49ee-b803-17a18a12ba36'   | false",
        "topology-operation | $body.SpacesToNotify IN ('x', '3a16d146-ca39-49ee-b803-17a18a12ba36') | true",
        "topology-operation | STARTS_WITH($body.SpacesToNotify, '3a16')                        | true",
        "topology-operation | subject = 'ExtendedPropertyKey' AND $body.AccessType = 'Create'  | true",
        "topology-operation | STARTS_WITH(subject, 'Extended') AND $body.AccessType = 'Create' | true",
        "topology-operation | STARTS_WITH(source, '/subscriptions/')                            | true",
        "space-change       | STARTS_WITH(source, '/subscriptions/')                            | true",
        "udf-custom         | STARTS_WITH(source, '/subscriptions/')                            | true",
        // JSON null, missing
        "space-change       | $body.Type = null                                                | true",
        "space-change       | IS_DEFINED($body.Type)                                           | true",
        "space-change       | $body.Type != null                                               | false",
        "space-change       | $body.Missing = null                                             | false",
        "space-change       | IS_DEFINED($body.Missing)                                        | false",
        "space-change       | $body.Missing != 'x'                                             | true",
        "space-change       | NOT IS_DEFINED($body.Properties.x)                               | true",
        "space-change       | $body.Properties.x = null                                        | false",
        // logic
        "sensor-change      | type = 'SpaceChange' OR $body.DataType = 'Motion'                | true",
        "sensor-change      | type = 'SensorChange' AND NOT $body.DataType = 'Motion'          | false",
        "sensor-change      | NOT (type = 'SpaceChange' OR subject = 'x')                      | true",
        "sensor-change      | true                                                             | true",
        "sensor-change      | false OR false                                                   | false",
    })
    void onTheSeedEvents(String sample, String filter, String expected) {
        if (expected.equals("ERROR")) {
            assertThrows(FilterException.class, () -> Filter.parse(filter));
            return;
        }
        assertEquals(Boolean.parseBoolean(expected), on(filter, seed(sample)), filter);
    }

    private static final byte[] MIXED = event("{\"s\":\"40\",\"n\":40,\"d\":40.5,\"e\":4e1,\"neg\":-3,\"b\":true,\"z\":null,"
            + "\"o\":{\"a\":1,\"in\":{\"deep\":\"x\"}},\"arr\":[1,\"40\",true,null,{\"x\":1},[2]],\"empty\":[],\"nums\":[1,5,9],"
            + "\"big\":123456789012345678901234567890,\"up\":\"B\",\"low\":\"a\",\"acc\":\"\\u00e9\",\"esc\":\"a\\\"b\\\\c'd\","
            + "\"it's\":1,\"a b\":\"x\",\"\":\"empty name\",\"huge\":1e999999999,\"tiny\":1e-999999999}");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // numbers compare numerically, whatever the notation
        "$body.n = 40                        | true",
        "$body.n = 40.0                      | true",
        "$body.e = 40                        | true",
        "$body.n = $body.e                   | true",
        "$body.d > 40 AND $body.d < 41       | true",
        "$body.d >= 40.5 AND $body.d <= 40.5 | true",
        "$body.neg < -2                      | true",
        "$body.neg > -3                      | false",
        "$body.big = 123456789012345678901234567890 | true",
        "$body.big > 123456789012345678901234567889 | true",
        "$body.huge > 5                      | true",
        "$body.tiny < 1 AND $body.tiny > 0   | true",
        // strings compare ordinally and case-sensitively
        "$body.s = '40'                      | true",
        "$body.s < '5'                       | true",
        "$body.up < $body.low                | true",
        "$body.acc > 'z'                     | true",
        "$body.low = 'A'                     | false",
        "STARTS_WITH($body.low, 'A')         | false",
        "$body.esc = 'a\"b\\c''d'            | true",
        // different JSON types are never equal nor ordered
        "$body.n = '40'                      | false",
        "$body.s = 40                        | false",
        "$body.n < '50'                      | false",
        "$body.s > 1                         | false",
        "$body.n != '40'                     | true",
        "$body.b = true                      | true",
        "$body.b = 'true'                    | false",
        "$body.b > false                     | false",
        "$body.b != false                    | true",
        "$body.z = null                      | true",
        "$body.z = 0                         | false",
        "$body.z < 1                         | false",
        "$body.n = null                      | false",
        "$body.o = 1                         | false",
        "$body.o != 1                        | true",
        "IS_DEFINED($body.o)                 | true",
        "$body.o.a = 1                       | true",
        "$body.o.in.deep = 'x'               | true",
        "CONTAINS($body.n, '4')              | false",
        "$body.n IN ('40', 40)               | true",
        "$body.n IN ('40')                   | false",
        // arrays: any element, one level, no path through them
        "$body.arr = 1                       | true",
        "$body.arr = '40'                    | true",
        "$body.arr = true                    | true",
        "$body.arr = null                    | true",
        "$body.arr = 2                       | false",
        "$body.arr.x = 1                     | false",
        "$body.arr < 1                       | false",
        "$body.arr > 0                       | true",
        "$body.nums > 8                      | true",
        "$body.nums > 9                      | false",
        "$body.nums != 5                     | false",
        "$body.nums IN (7, 9)                | true",
        "CONTAINS($body.arr, '4')            | true",
        "$body.empty = 1                     | false",
        "$body.empty != 1                    | true",
        "IS_DEFINED($body.empty)             | true",
        "$body.arr = $body.nums              | true",
        // names that need brackets
        "$body['it''s'] = 1                  | true",
        "$body['a b'] = 'x'                  | true",
        "$body[''] = 'empty name'            | true",
        // a missing field makes every comparison false, and != true
        "$body.no = 1                        | false",
        "$body.no < 1                        | false",
        "$body.no <= 1                       | false",
        "$body.no > 1                        | false",
        "$body.no >= 1                       | false",
        "$body.no IN (1, null)               | false",
        "STARTS_WITH($body.no, '')           | false",
        "ENDS_WITH($body.no, '')             | false",
        "CONTAINS($body.no, '')              | false",
        "$body.no != 1                       | true",
        "$body.no = $body.no                 | false",
        "source = '/x'                       | false",
        "IS_DEFINED(source)                  | false",
        "IS_DEFINED(metadataVersion)         | false",
        // literals alone
        "1 = 1.0                             | true",
        "'a' < 'b'                           | true",
        "null = null                         | true",
        "STARTS_WITH('abc', 'ab')            | true",
    })
    void onEveryTypeMix(String filter, boolean expected) {
        assertEquals(expected, on(filter, MIXED), filter);
    }

    @Test
    void theLastOccurrenceOfARepeatedNameWinsAsInAJsonTree() {
        byte[] e = event("{\"a\":{\"b\":1},\"a\":{\"c\":2},\"x\":1,\"x\":2}");
        assertFalse(on("$body.a.b = 1", e));
        assertTrue(on("$body.a.c = 2", e));
        assertTrue(on("$body.x = 2", e));
        assertFalse(on("$body.x = 1", e));
    }

    @Test
    void theKeyIsTheRecordKeyAsUtf8() {
        Filter f = Filter.parse("key = 'dev-ü'");
        byte[] event = event("{}");
        assertTrue(f.matches("dev-ü".getBytes(StandardCharsets.UTF_8), event));
        assertFalse(f.matches("dev-u".getBytes(StandardCharsets.UTF_8), event));
        assertTrue(Filter.parse("key = ''").matches(new byte[0], event), "an empty key is the empty string");
        for (byte[] missing : new byte[][] {null, {(byte) 0xc3, 0x28}}) {
            assertFalse(Filter.parse("key = ''").matches(missing, event));
            assertFalse(Filter.parse("IS_DEFINED(key)").matches(missing, event), "no key, or not UTF-8: missing");
            assertTrue(Filter.parse("key != 'x'").matches(missing, event));
        }
    }

    @Test
    void rawTelemetryOffersTheKeyAlone() {
        Filter f = Filter.parseKeyOnly("STARTS_WITH(key, 'dev-') AND NOT key IN ('dev-9')");
        assertTrue(f.matchesRawTelemetry("dev-1".getBytes(StandardCharsets.UTF_8)));
        assertFalse(f.matchesRawTelemetry("dev-9".getBytes(StandardCharsets.UTF_8)));
        assertFalse(f.matchesRawTelemetry(null));
        // A filter read back without the key-only check still sees nothing but the key in raw telemetry.
        assertFalse(Filter.readBack("IS_DEFINED(subject)").matchesRawTelemetry("dev-1".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anInvalidEventIsTheParsersErrorNotTheFilters() {
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> Filter.parse("$body.a = 1").matches(KEY, "{\"eventType\":\"SensorChange\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("id", e.field());
    }

    @Test
    void evaluationNeverThrowsWhateverTheFilterAndTheEvent() {
        List<String> filters = List.of("$body.v = 1", "$body.v != 'x'", "$body.v < 1", "$body.v >= 'a'", "$body.v IN (1, 'a', true, null)",
                "STARTS_WITH($body.v, 'a')", "ENDS_WITH($body.v, '')", "CONTAINS($body.v, 'x')", "IS_DEFINED($body.v.w)",
                "$body.v.w = $body.v", "$body = 1", "NOT $body.v = null", "key < 'k' OR subject > 's' AND source = null");
        List<String> values = List.of("1", "-0", "0.0000000000000000000001", "1e308", "-1e-308", "1E999999999", "123456789012345678901234567890123",
                "\"\"", "\"\\u0000\\ud800\"", "true", "false", "null", "{}", "{\"w\":[]}", "[]", "[[[[1]]]]", "[{\"w\":1},null,\"a\"]");
        for (String filter : filters) {
            Filter f = Filter.parse(filter);
            for (String v : values) {
                byte[] e = event("{\"v\":" + v + "}");
                f.matches(null, e);
                f.matches(KEY, e);
                f.matchesRawTelemetry(new byte[] {(byte) 0xff});
            }
        }
    }
}
