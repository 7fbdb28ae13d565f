package io.twinegress.schemas.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The filter language: what it accepts, how it renders what it understood, and what it refuses (message and position). */
class FilterGrammarTest {

    private static String canonical(String text) {
        return Filter.parse(text).canonical();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // every operator, keyword and function, in canonical form already
        "type = 'SensorChange'                                  | type = 'SensorChange'",
        "subject != 'Sensor'                                    | subject != 'Sensor'",
        "$body.Value < 10                                       | $body.Value < 10",
        "$body.Value <= 10.5                                    | $body.Value <= 10.5",
        "$body.Value > -3                                       | $body.Value > -3",
        "$body.Value >= -0.25                                   | $body.Value >= -0.25",
        "key IN ('a', 'b', 3, true, null)                       | key IN ('a', 'b', 3, true, null)",
        "STARTS_WITH(subject, 'Ext')                            | STARTS_WITH(subject, 'Ext')",
        "ENDS_WITH(subject, 'Key')                              | ENDS_WITH(subject, 'Key')",
        "CONTAINS(subject, 'Property')                          | CONTAINS(subject, 'Property')",
        "IS_DEFINED(source)                                     | IS_DEFINED(source)",
        "true                                                   | true",
        "false                                                  | false",
        // keywords and function names in any case; literals rendered lower case
        "type = 'a' and NOT subject = 'b' Or id = 'c'           | (type = 'a' AND NOT subject = 'b') OR id = 'c'",
        "starts_with(subject, 'x') AND Is_Defined(key)          | STARTS_WITH(subject, 'x') AND IS_DEFINED(key)",
        "TRUE                                                   | true",
        "$body.on = False OR $body.x = NULL                     | $body.on = false OR $body.x = null",
        "key not in ('a')                                       | NOT key IN ('a')",
        // the Event Grid field names become the filter names
        "eventType = 'SensorChange'                             | type = 'SensorChange'",
        "topic = '/subscriptions/x'                             | source = '/subscriptions/x'",
        "eventTime > '2018'                                     | time > '2018'",
        "dataVersion = '1'                                      | dataschema = '1'",
        "data.Properties.Id = 'x'                               | $body.Properties.Id = 'x'",
        "metadataVersion = '1'                                  | metadataVersion = '1'",
        // paths: brackets for other characters, dots for plain names, both ways in
        "$body.Properties['ms-client-request-id'] = 'x'         | $body.Properties['ms-client-request-id'] = 'x'",
        "$body['Properties']['Id'] = 'x'                        | $body.Properties.Id = 'x'",
        "$body['it''s'] = 'x'                                   | $body['it''s'] = 'x'",
        "$body['a b'].c = 1                                     | $body['a b'].c = 1",
        "$body[''] = 1                                          | $body[''] = 1",
        "$body['9lives'] = 1                                    | $body['9lives'] = 1",
        "$body.AND = 1                                          | $body.AND = 1",
        "$body.$metadata = 1                                    | $body.$metadata = 1",
        "IS_DEFINED($body)                                      | IS_DEFINED($body)",
        // strings: '' is a quote; anything else as is
        "subject = 'it''s'                                      | subject = 'it''s'",
        "subject = ''                                           | subject = ''",
        "subject = ''''                                         | subject = ''''",
        "subject = 'a \"b\" (c) AND d'                          | subject = 'a \"b\" (c) AND d'",
        "subject = 'ünï'                                        | subject = 'ünï'",
        // numbers as written, literal on either side
        "10 < $body.Value                                       | 10 < $body.Value",
        "$body.Value = 007                                      | $body.Value = 007",
        "$body.Value = 1.50                                     | $body.Value = 1.50",
        "$body.Value = 123456789012345678901234567890           | $body.Value = 123456789012345678901234567890",
        "$body.a = $body.b                                      | $body.a = $body.b",
        // precedence: NOT > AND > OR; parentheses only where they change the meaning
        "key = 'a' OR key = 'b' AND key = 'c'                   | key = 'a' OR (key = 'b' AND key = 'c')",
        "(key = 'a' OR key = 'b') AND key = 'c'                 | (key = 'a' OR key = 'b') AND key = 'c'",
        "((key = 'a'))                                          | key = 'a'",
        "key = 'a' AND (key = 'b' AND key = 'c')                | key = 'a' AND key = 'b' AND key = 'c'",
        "key = 'a' OR (key = 'b' OR key = 'c')                  | key = 'a' OR key = 'b' OR key = 'c'",
        "NOT (key = 'a' OR key = 'b')                           | NOT (key = 'a' OR key = 'b')",
        "NOT NOT key = 'a'                                      | NOT NOT key = 'a'",
        "NOT (key = 'a')                                        | NOT key = 'a'",
        "  key='a'AND(subject='b')                              | key = 'a' AND subject = 'b'",
    })
    void rendersWhatItUnderstood(String text, String expected) {
        Filter filter = Filter.parse(text);
        assertEquals(expected, filter.canonical());
        assertEquals(text, filter.text(), "the text as written is kept");
        assertEquals(filter, Filter.readBack(filter.canonical()), "the canonical text reads back as the same filter");
        assertEquals(expected, Filter.readBack(filter.canonical()).canonical(), "and renders the same");
        assertEquals(filter, Filter.parse(filter.canonical()), "the canonical text is a valid filter itself");
    }

    @Test
    void equalWhenTheyMeanTheSame() {
        assertEquals(Filter.parse("eventType='x'"), Filter.parse("type = 'x'"));
        assertEquals(Filter.parse("eventType='x'").hashCode(), Filter.parse("type = 'x'").hashCode());
        assertNotEquals(Filter.parse("type = 'x'"), Filter.parse("type = 'X'"));
        assertEquals("type = 'x'", Filter.parse("eventType='x'").toString());
    }

    @Test
    void knowsWhichAttributesItReads() {
        assertEquals(EnumSet.of(Attribute.TYPE, Attribute.KEY, Attribute.BODY),
                Filter.parse("eventType = 'x' AND (key = 'k' OR IS_DEFINED($body.a))").attributes());
        assertTrue(Filter.parse("$body.a = 1").usesBody());
        assertFalse(Filter.parse("subject = 'a' AND source = 'b'").usesBody());
        assertEquals(Set.of(), Filter.parse("true").attributes());
        assertEquals(Set.of(Attribute.KEY), Filter.parseKeyOnly("STARTS_WITH(key, 'dev-')").attributes());
    }

    @Test
    void aRawTelemetryFilterMayUseTheKeyAndConstantsOnly() {
        assertEquals("key IN ('dev-1', 'dev-2') OR true", Filter.parseKeyOnly("key IN ('dev-1','dev-2') OR true").canonical());
        FilterException e = assertThrows(FilterException.class, () -> Filter.parseKeyOnly("key = 'd' AND $body.Temperature > 40"));
        assertEquals("filter: expected key, the only attribute of raw telemetry (a DeviceMessage endpoint's filter may use the record "
                + "key only: raw telemetry is never parsed), got $body at position 15", e.getMessage());
        assertEquals(15, e.position());
        for (String other : new String[] {"type", "eventType", "source", "subject", "id", "time", "dataschema", "metadataVersion", "data"}) {
            assertThrows(FilterException.class, () -> Filter.parseKeyOnly("IS_DEFINED(" + other + ")"), other);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // empty
        "\"\"                        | expected an expression such as type = 'SensorChange', or true, got an empty filter at position 1",
        "\"   \"                     | expected an expression such as type = 'SensorChange', or true, got an empty filter at position 1",
        // unknown attribute or function
        "foo = 1                     | SUB:expected an attribute (type, source, subject, id, time, dataschema, metadataVersion, key, $body.<path> (or the event's field names eventType, topic, eventTime, dataVersion, data.<path>)), got foo at position 1",
        "Subject = 'x'               | SUB:got Subject (names are case-sensitive: subject) at position 1",
        "EVENTTYPE = 'x'             | SUB:got EVENTTYPE (names are case-sensitive: eventType) at position 1",
        "LOWER(subject) = 'x'        | expected a function (STARTS_WITH, ENDS_WITH, CONTAINS, IS_DEFINED), got LOWER at position 1",
        "CONTAINS = 'x'              | expected '(' after CONTAINS, got '=' at position 10",
        // what the lexer refuses
        "subject = \"x\"             | expected a value, got '\"' (strings are in single quotes: 'text') at position 11",
        "subject = 'x                | expected the closing quote of the string that starts here at position 11",
        "subject = 'it's'            | expected the closing quote of the string that starts here at position 16",
        "subject ! 'x'               | expected '!=', got '!' at position 9",
        "subject == 'x'              | SUB:expected a value to compare with (an attribute, a 'string', a number, true, false or null), got '=' at position 10",
        "subject <> 'x'              | SUB:got '>' at position 10",
        "$body.ms-client = 1         | expected a digit after '-' (a name with other characters is written ['like-this']) at position 10",
        "$body.a # 1                 | SUB:got '#' (a name with other characters is written ['like-this']) at position 9",
        "$body.a = 1e5               | SUB:expected a number (digits, an optional '.' and more digits), got 'e' in it at position 12",
        "$body.a = 1.                | expected a digit after the decimal point at position 13",
        "$body.a = .5                | SUB:got '.' at position 11",
        // structure
        "subject                     | SUB:expected a comparison (=, !=, <, <=, >, >=) or IN after subject, got the end of the filter at position 8",
        "'x'                         | SUB:expected a comparison (=, !=, <, <=, >, >=) or IN after 'x', got the end of the filter at position 4",
        "subject = 'x' subject = 'y' | expected AND, OR or the end of the filter, got subject at position 15",
        "subject = 'x' AND           | SUB:expected an expression (a comparison such as subject = 'Sensor', a function, NOT, '(', true or false), got the end of the filter at position 18",
        "(subject = 'x'              | expected ')' to close the '(' at position 1, got the end of the filter at position 15",
        "subject = 'x')              | expected AND, OR or the end of the filter, got ')' at position 14",
        "()                          | SUB:got ')' at position 2",
        "subject = AND               | expected a value to compare with, got AND at position 11",
        "subject = )                 | SUB:expected a value to compare with (an attribute, a 'string', a number, true, false or null), got ')' at position 11",
        "subject.name = 'x'          | expected a comparison or IN after subject, got '.' (only $body and data have a path) at position 8",
        "$body. = 1                  | SUB:expected a name after '.', got '=' (a name with other characters is written ['like-this']) at position 8",
        "$body.1 = 1                 | SUB:expected a name after '.', got the number 1 (a name with other characters is written ['like-this']) at position 7",
        "$body[x] = 1                | SUB:expected a quoted name after '[', like ['ms-client-request-id'], got x at position 7",
        "$body['x' = 1               | expected ']' after the name, got '=' at position 11",
        "key IN 'a'                  | expected '(' and a list of values after IN, got the string 'a' at position 8",
        "key IN ()                   | SUB:in the IN list, got ')' at position 9",
        "key IN ('a' 'b')            | expected ',' or ')' in the IN list, got the string 'b' at position 13",
        "key IN ('a', subject)       | SUB:in the IN list, got subject at position 14",
        "key IN ('a',                | SUB:in the IN list, got the end of the filter at position 13",
        "STARTS_WITH(subject)        | expected ',' and the string STARTS_WITH looks for, got ')' at position 20",
        "ENDS_WITH(subject, key)     | expected a 'string' as the second argument of ENDS_WITH, got key at position 20",
        "CONTAINS(subject, 'a', 'b') | expected ')' after the arguments of CONTAINS, got ',' at position 22",
        "IS_DEFINED('x')             | expected an attribute as the argument of IS_DEFINED, got the string 'x' at position 12",
        "IS_DEFINED(key, key)        | expected ')' after the argument of IS_DEFINED, got ',' at position 15",
        "NOT                         | SUB:got the end of the filter at position 4",
        "true true                   | expected AND, OR or the end of the filter, got true at position 6",
        "1 2                         | SUB:expected a comparison (=, !=, <, <=, >, >=) or IN after 1, got the number 2 at position 3",
    })
    void refusesWithWhatWasExpectedAndWhere(String text, String expected) {
        FilterException e = assertThrows(FilterException.class, () -> Filter.parse(text));
        assertTrue(e.getMessage().startsWith("filter: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        if (expected.startsWith("SUB:")) {
            assertTrue(e.getMessage().contains(expected.substring(4)), e.getMessage());
            assertTrue(e.getMessage().endsWith(expected.substring(expected.lastIndexOf(" at position "))), e.getMessage());
        } else {
            assertEquals("filter: " + expected, e.getMessage());
            assertEquals(expected, e.reason());
        }
        assertEquals(0, e.getStackTrace().length, "a validation outcome carries no stack trace");
    }

    @Test
    void atMost4096Characters() {
        String longest = "subject = '" + "x".repeat(Filter.MAX_LENGTH - 12) + "'";
        assertEquals(Filter.MAX_LENGTH, longest.length());
        Filter.parse(longest);
        FilterException e = assertThrows(FilterException.class, () -> Filter.parse(longest + " "));
        assertEquals("filter: expected at most 4096 characters, got 4097 at position 4097", e.getMessage());
    }

    @Test
    void atMost32LevelsOfParenthesesAndNot() {
        Filter.parse("(".repeat(32) + "true" + ")".repeat(32));
        Filter.parse("NOT ".repeat(32) + "true");
        Filter.parse("(".repeat(16) + "NOT ".repeat(16) + "true" + ")".repeat(16));
        FilterException parens = assertThrows(FilterException.class, () -> Filter.parse("(".repeat(33) + "true" + ")".repeat(33)));
        assertEquals("filter: expected at most 32 levels of nesting (each parenthesis and NOT is one) at position 33", parens.getMessage());
        FilterException nots = assertThrows(FilterException.class, () -> Filter.parse("NOT ".repeat(33) + "true"));
        assertEquals(129, nots.position());
        // Siblings are not nesting: a long chain at one level is fine.
        Filter.parse(String.join(" OR ", java.util.Collections.nCopies(200, "(key = 'k')")));
    }

    @Test
    void tenThousandParenthesesNeverOverflowTheStack() {
        String deep = "(".repeat(10_000) + "true" + ")".repeat(10_000);
        assertEquals(Filter.MAX_LENGTH + 1, assertThrows(FilterException.class, () -> Filter.parse(deep)).position(),
                "refused for its length first");
        String deepButShort = "(".repeat(2_000) + "true" + ")".repeat(2_000);
        assertEquals(33, assertThrows(FilterException.class, () -> Filter.parse(deepButShort)).position());
        String notNot = "NOT ".repeat(1_000) + "true";
        assertEquals(129, assertThrows(FilterException.class, () -> Filter.parse(notNot)).position());
        // Reading back widens the limits, but still bounds them before recursing.
        FilterException back = assertThrows(FilterException.class, () -> Filter.readBack(deep));
        assertTrue(back.getMessage().contains("levels of nesting"), back.getMessage());
        FilterException huge = assertThrows(FilterException.class, () -> Filter.readBack("(".repeat(100_000)));
        assertTrue(huge.getMessage().startsWith("filter: expected at most 65536 characters"), huge.getMessage());
    }

    @Test
    void theCanonicalTextOfAnyAcceptedFilterReadsBack() {
        // The worst growth: 32 levels, each with an AND inside an OR (rendering adds parentheses) and data.x (rendered $body.x).
        String inner = "data.a=1";
        String filter = inner;
        for (int i = 0; i < Filter.MAX_DEPTH; i++) {
            filter = "data.a=1 OR data.a=1 AND (" + filter + ")";
        }
        Filter f = Filter.parse(filter);
        assertTrue(f.canonical().length() > filter.length(), "rendering made it longer");
        assertEquals(f, Filter.readBack(f.canonical()));
    }
}
