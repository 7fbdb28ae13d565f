package io.twinegress.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.cli.Cli;
import io.twinegress.cli.body.EndpointBody;
import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.output.Console;
import io.twinegress.schemas.filter.Filter;
import io.twinegress.schemas.filter.FilterException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** How the command line is read: options and arguments, before any command runs. */
class CommandLineTest {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    CommandLine commandLine() {
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new Cli(new Console(ps, ps), Map.of()).commandLine();
    }

    /** The leaf command the arguments name, with its options set. */
    @SuppressWarnings("unchecked")
    <T> T parse(String... args) {
        ParseResult result = commandLine().parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return (T) result.commandSpec().userObject();
    }

    @Test
    void argumentsAndOptionsInAnyOrder() {
        CreateCommand c = parse("endpoints", "create", "--file", "b.json", "--no-wait", "sb-1");
        assertEquals("sb-1", c.id);
        assertEquals(Path.of("b.json"), c.file);
        assertFalse(c.wait.waitForState());
    }

    @Test
    void equalsFormAndRepeatedOptionsKeepOrder() {
        UpdateCommand u = parse("endpoints", "update", "sb-1", "--file=x=y.json", "--set", "a=1", "--set=b=2", "--set", "c=3");
        assertEquals(Path.of("x=y.json"), u.file);
        assertEquals(List.of("a", "b", "c"), List.copyOf(u.registration.connectorExtras().keySet()));
        assertEquals("1", u.registration.connectorExtras().get("a"));
    }

    @Test
    void doubleDashEndsOptions() {
        StatusCommand s = parse("endpoints", "status", "--", "--file");
        assertEquals("--file", s.id);
    }

    @Test
    void eachCommandHasOnlyItsOwnOptions() {
        assertThrows(ParameterException.class, () -> parse("endpoints", "delete", "x", "--file", "b.json"));
        assertThrows(ParameterException.class, () -> parse("endpoints", "list", "--no-wait"));
        assertThrows(ParameterException.class, () -> parse("endpoints", "status", "x", "--set", "a=b"));
    }

    @Test
    void missingValueTwiceGivenAndValueOnAFlag() {
        assertTrue(assertThrows(ParameterException.class, () -> parse("endpoints", "create", "x", "--file"))
                .getMessage().contains("--file"));
        assertThrows(ParameterException.class, () -> parse("endpoints", "create", "x", "--file", "a", "--file", "b"));
        assertThrows(ParameterException.class, () -> parse("endpoints", "delete", "x", "--no-wait=yes"));
    }

    @Test
    void aRefusedOptionNeverEchoesItsValue() {
        ParameterException e = assertThrows(ParameterException.class,
                () -> parse("endpoints", "list", "--connect-password=hunter2-canary"));
        assertTrue(e.getMessage().startsWith("--connect-password is not accepted: "), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
        e = assertThrows(ParameterException.class, () -> parse("endpoints", "create", "x", "--primary-key", "hunter3-canary"));
        assertTrue(e.getMessage().contains("use --primary-key-from"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter3"));
        // given without a value, it is refused all the same, with where to put it
        e = assertThrows(ParameterException.class, () -> parse("endpoints", "update", "x", "--connection-string"));
        assertTrue(e.getMessage().contains("--primary-key-from"), e.getMessage());
    }

    static EndpointBody body(String json) {
        return EndpointBody.parse("ep-1", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void filterOptionReplacesTheBodysFilterAndIsCheckedWithTheRoutersLanguage() {
        EndpointBody withFilter = body("{\"type\":\"EventHub\",\"eventTypes\":[\"SensorChange\"],\"path\":\"h\","
                + "\"filter\":\"subject = 'a'\"}");
        CreateCommand none = parse("endpoints", "create", "ep-1", "--file", "b.json");
        assertEquals("subject = 'a'", none.routing.applyTo(withFilter).endpoint().filter().canonical(), "no option: the body's");

        CreateCommand c = parse("endpoints", "create", "ep-1", "--file", "b.json", "--filter", "data.DataType='Motion' or key = 'k'");
        EndpointBody applied = c.routing.applyTo(withFilter);
        assertEquals("$body.DataType = 'Motion' OR key = 'k'", applied.endpoint().filter().canonical());
        assertEquals("data.DataType='Motion' or key = 'k'", applied.endpoint().filter().text(), "the record keeps the operator's text");
        assertEquals(withFilter.endpoint().eventTypes(), applied.endpoint().eventTypes());

        UpdateCommand u = parse("endpoints", "update", "ep-1", "--file=b.json", "--filter=subject = 'unclosed");
        InvalidInputException bad = assertThrows(InvalidInputException.class, () -> u.routing.applyTo(withFilter));
        assertEquals("filter: expected the closing quote of the string that starts here at position 11",
                bad.problems().get(0).toString(), "the filter's own one-line message, as is");
        assertEquals(assertThrows(FilterException.class, () -> Filter.parse("subject = 'unclosed")).getMessage(),
                bad.problems().get(0).toString());

        // Raw telemetry is never parsed: a DeviceMessage endpoint's filter may read the key only.
        EndpointBody deviceMessages = body("{\"type\":\"EventHub\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"h\"}");
        CreateCommand dm = parse("endpoints", "create", "ep-1", "--file", "b.json", "--filter", "STARTS_WITH(key, 'b7/') AND $body.x = 1");
        InvalidInputException keyOnly = assertThrows(InvalidInputException.class, () -> dm.routing.applyTo(deviceMessages));
        assertTrue(keyOnly.problems().get(0).toString().startsWith("filter: expected key, the only attribute of raw telemetry"),
                keyOnly.problems().toString());
        CreateCommand dmKey = parse("endpoints", "create", "ep-1", "--file", "b.json", "--filter", "STARTS_WITH(key, 'b7/')");
        assertEquals("STARTS_WITH(key, 'b7/')", dmKey.routing.applyTo(deviceMessages).endpoint().filter().canonical());
    }

    @Test
    void replayFromTurnsAnAgeIntoATimeOnceAndNoneDropsIt() {
        EndpointBody plain = body("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\","
                + "\"replayFrom\":\"2026-11-20T08:00:00Z\"}");
        CreateCommand c = parse("endpoints", "create", "ep-1", "--file", "b.json", "--replay-from", "2h");
        c.routing.at(java.time.Instant.parse("2026-11-22T10:00:00.5Z"));
        assertEquals(java.time.Instant.parse("2026-11-22T08:00:00Z"), c.routing.applyTo(plain).endpoint().replayFrom());
        UpdateCommand none = parse("endpoints", "update", "ep-1", "--file", "b.json", "--replay-from=none");
        assertEquals(null, none.routing.applyTo(plain).endpoint().replayFrom());
        CreateCommand bad = parse("endpoints", "create", "ep-1", "--file", "b.json", "--replay-from", "yesterday");
        assertTrue(assertThrows(InvalidInputException.class, () -> bad.routing.applyTo(plain)).problems().get(0).toString()
                .startsWith("--replay-from: expected an RFC 3339 time"));

        // An update without it keeps what the endpoint has (sent again, it does not replay again), and says so.
        UpdateCommand keep = parse("endpoints", "update", "ep-1", "--file", "b.json");
        java.util.List<String> notes = new java.util.ArrayList<>();
        var current = plain.endpoint();
        var fromBody = body("{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\"}").endpoint();
        assertEquals(current.replayFrom(), keep.routing.keepReplayFrom(fromBody, current, notes::add).replayFrom());
        assertEquals(1, notes.size());
        assertEquals(null, none.routing.keepReplayFrom(fromBody.withReplayFrom(null), current, notes::add).replayFrom(),
                "--replay-from none wins");
    }

    @Test
    void dlqCommandsTakeATargetAndTheirOwnOptions() {
        DlqReplayCommand r = parse("dlq", "replay", "sb-1", "--reason", "deadline", "--from", "2h", "--dry-run", "--rate", "100");
        assertEquals("sb-1", r.target);
        assertTrue(r.dryRun);
        assertEquals(100, r.rate);
        DlqShowCommand s = parse("dlq", "show", "router", "--limit", "5", "--payload");
        assertEquals("router", s.target);
        assertEquals(5, s.limit);
        assertThrows(ParameterException.class, () -> parse("dlq", "list", "sb-1", "--dry-run"));
        assertThrows(ParameterException.class, () -> parse("dlq", "list"));
    }

    @Test
    void timeoutIsWholeSecondsFromOne() {
        assertEquals(Duration.ofSeconds(5), this.<ListCommand>parse("endpoints", "list", "--timeout", "5").connection.timeout());
        assertEquals("--timeout must be at least 1 (seconds)",
                assertThrows(ParameterException.class, () -> parse("endpoints", "list", "--timeout=0")).getMessage());
        assertEquals("--timeout takes whole seconds, e.g. --timeout 60",
                assertThrows(ParameterException.class, () -> parse("endpoints", "list", "--timeout", "1.5")).getMessage());
    }
}
