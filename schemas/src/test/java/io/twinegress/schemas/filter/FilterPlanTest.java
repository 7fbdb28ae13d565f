package io.twinegress.schemas.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.schemas.Envelope;
import io.twinegress.schemas.EventParser;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Many filters, one pass over the event: what the pass collects, and that it never changes what is valid. */
class FilterPlanTest {

    private final EventParser parser = new EventParser();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEmptyPlanCollectsNothing() {
        assertTrue(FilterPlan.NONE.isEmpty());
        Envelope envelope = parser.envelope(FilterEvaluationTest.seed("sensor-change"), FilterPlan.NONE);
        assertNull(envelope.values(), "no filter, no values: the router's unfiltered path is unchanged");
        assertEquals(new Envelope("60bf5336-2929-45b4-bb4c-b45699dfe95f", EventType.SensorChange), envelope);
    }

    @Test
    void keepsOnlyWhatSomeFilterReads() {
        FilterPlan.Builder b = FilterPlan.builder();
        b.add(Filter.parse("subject = 'x' AND key = 'k'"), EnumSet.of(EventType.SpaceChange));
        b.add(Filter.parse("$body.DataType = 'Motion'"), EnumSet.of(EventType.SensorChange));
        FilterPlan plan = b.build();
        assertFalse(plan.isEmpty());
        assertTrue(plan.wants(Attribute.SUBJECT));
        for (Attribute a : List.of(Attribute.SOURCE, Attribute.TIME, Attribute.DATASCHEMA, Attribute.METADATA_VERSION, Attribute.KEY,
                Attribute.BODY)) {
            assertFalse(plan.wants(a), a + " is read by no filter (the key and $body are not envelope fields)");
        }
        assertTrue(plan.readsBody(EventType.SensorChange));
        assertFalse(plan.readsBody(EventType.SpaceChange), "no SpaceChange filter reads data: it is skipped");
        assertFalse(plan.readsBody(EventType.UdfCustom));
        assertTrue(plan.readsBody(null), "the type not met yet: any filter's paths");

    }

    @Test
    void aPlanWithoutBodyFiltersNeverReadsData() {
        FilterPlan.Builder b = FilterPlan.builder();
        for (int i = 0; i < 10; i++) {
            b.add(Filter.parse("subject = 's" + i + "' OR source = 'x' OR key = 'k'"), EnumSet.allOf(EventType.class));
        }
        FilterPlan plan = b.build();
        for (EventType t : EventType.values()) {
            assertFalse(plan.readsBody(t), t.name());
        }
        assertFalse(plan.readsBody(null));
    }

    @Test
    void whenTheTypeComesFirstOnlyThatTypesPathsAreRead() {
        FilterPlan.Builder b = FilterPlan.builder();
        Matcher sensors = b.add(Filter.parse("$body.a = 1"), EnumSet.of(EventType.SensorChange));
        FilterPlan plan = b.build();
        String data = "{\"a\":1}";
        byte[] typeFirst = utf8("{\"eventType\":\"SpaceChange\",\"id\":\"e\",\"subject\":\"s\",\"data\":" + data
                + ",\"eventTime\":\"2018-04-17T17:46:18Z\",\"dataVersion\":\"1\"}");
        byte[] dataFirst = utf8("{\"id\":\"e\",\"subject\":\"s\",\"data\":" + data
                + ",\"eventType\":\"SpaceChange\",\"eventTime\":\"2018-04-17T17:46:18Z\",\"dataVersion\":\"1\"}");
        // (The router asks a SensorChange matcher only about SensorChange events; asking here shows what the pass read.)
        assertFalse(sensors.matches(parser.envelope(typeFirst, plan).values()), "a SpaceChange named first: data skipped");
        assertTrue(sensors.matches(parser.envelope(dataFirst, plan).values()), "data before the type: every filter's paths are read");
    }

    @Test
    void filtersShareOnePassAndEachSeesItsOwnAnswer() {
        FilterPlan.Builder b = FilterPlan.builder();
        Set<EventType> types = EnumSet.of(EventType.SensorChange);
        Matcher motion = b.add(Filter.parse("$body.DataType = 'Motion'"), types);
        Matcher other = b.add(Filter.parse("$body.DataType = 'Temperature'"), types);
        Matcher request = b.add(Filter.parse("STARTS_WITH($body.Properties['ms-client-request-id'], 'c9e5')"), types);
        Matcher properties = b.add(Filter.parse("IS_DEFINED($body.Properties)"), types);
        Matcher subject = b.add(Filter.parse("subject = 'SensorChange' AND time > '2018'"), types);
        Matcher keyed = b.add(Filter.parse("key = 'sensor-1'"), types);
        Matcher everything = b.add(Filter.parse("true"), types);
        FilterPlan plan = b.build();
        EventValues values = parser.envelope(FilterEvaluationTest.seed("sensor-change"), plan).values();
        assertNotNull(values);
        values.key(utf8("sensor-1"));
        assertTrue(motion.matches(values));
        assertFalse(other.matches(values));
        assertTrue(request.matches(values));
        assertTrue(properties.matches(values));
        assertTrue(subject.matches(values));
        assertTrue(keyed.matches(values));
        assertTrue(everything.matches(values));
        values.key(utf8("sensor-2"));
        assertFalse(keyed.matches(values), "the key is the record's: set again per record");
        assertEquals("$body.DataType = 'Motion'", motion.toString());
    }

    @Test
    void validityNeverDependsOnThePlan() {
        FilterPlan.Builder b = FilterPlan.builder();
        b.add(Filter.parse("$body.a.b = 1 AND subject = 's' AND source = 't' AND metadataVersion = '1'"), EnumSet.allOf(EventType.class));
        FilterPlan plan = b.build();
        String tail = ",\"eventType\":\"SensorChange\",\"eventTime\":\"2018-04-17T17:46:18Z\",\"dataVersion\":\"1\"}";
        List<String> bad = List.of(
                "{\"id\":\"e\",\"subject\":\"s\",\"data\":{\"a\":{\"b\":}}" + tail,
                "{\"id\":\"e\",\"subject\":\"s\",\"data\":{\"a\":" + "[".repeat(70) + "]".repeat(70) + "}" + tail,
                "{\"id\":\"e\",\"subject\":7,\"data\":{}" + tail,
                "{\"id\":\"e\",\"subject\":\"s\",\"topic\":[],\"data\":{}" + tail,
                "{\"id\":\"e\",\"subject\":null,\"data\":{}" + tail,
                "{\"id\":\"e\",\"subject\":\"s\",\"data\":{\"a\":1}" + tail + " x");
        for (String json : bad) {
            InvalidEventException without = assertThrows(InvalidEventException.class, () -> parser.envelope(utf8(json)), json);
            InvalidEventException with = assertThrows(InvalidEventException.class, () -> parser.envelope(utf8(json), plan), json);
            assertEquals(without.getMessage(), with.getMessage(), json);
        }
        // Valid either way, a JSON null in an optional field included.
        String ok = "{\"id\":\"e\",\"subject\":\"s\",\"topic\":null,\"metadataVersion\":null,\"data\":{\"a\":{\"b\":1e999999999}}" + tail;
        parser.envelope(utf8(ok));
        EventValues values = parser.envelope(utf8(ok), plan).values();
        assertTrue(Filter.parse("source = null AND metadataVersion = null").matches(null, utf8(ok)));
        assertNotNull(values);
    }
}
