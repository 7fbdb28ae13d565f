package io.twinegress.cli.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgParserTest {

    final ArgParser parser = new ArgParser(List.of(
            Option.value("file", "f"), Option.repeated("set", "s"), Option.flag("no-wait", "n")))
            .refuse("connect-password", "use the environment");

    @Test
    void positionalsAndOptionsInAnyOrder() {
        ParsedArgs a = parser.parse(List.of("endpoints", "--file", "b.json", "create", "--no-wait", "sb-1"));
        assertEquals(List.of("endpoints", "create", "sb-1"), a.positionals());
        assertEquals("b.json", a.value("file").orElseThrow());
        assertTrue(a.has("no-wait"));
    }

    @Test
    void equalsFormAndRepeatedOptionsKeepOrder() {
        ParsedArgs a = parser.parse(List.of("--file=x=y.json", "--set", "a=1", "--set=b=2"));
        assertEquals("x=y.json", a.value("file").orElseThrow());
        assertEquals(List.of("a=1", "b=2"), a.values("set"));
    }

    @Test
    void doubleDashEndsOptions() {
        assertEquals(List.of("--file"), parser.parse(List.of("--", "--file")).positionals());
    }

    @Test
    void unknownOptionIsRefusedWithTheKnownList() {
        UsageException e = assertThrows(UsageException.class, () -> parser.parse(List.of("--fiel", "x")));
        assertEquals("unknown option --fiel; known: --file, --set, --no-wait", e.getMessage());
        assertThrows(UsageException.class, () -> parser.parse(List.of("-f", "x")));
    }

    @Test
    void missingValueTwiceGivenAndValueOnAFlag() {
        assertEquals("--file needs a value", assertThrows(UsageException.class, () -> parser.parse(List.of("--file"))).getMessage());
        assertEquals("--file given twice",
                assertThrows(UsageException.class, () -> parser.parse(List.of("--file", "a", "--file", "b"))).getMessage());
        assertEquals("--no-wait takes no value",
                assertThrows(UsageException.class, () -> parser.parse(List.of("--no-wait=yes"))).getMessage());
    }

    @Test
    void aRefusedOptionNeverEchoesItsValue() {
        UsageException e = assertThrows(UsageException.class, () -> parser.parse(List.of("--connect-password=hunter2-canary")));
        assertEquals("--connect-password is not accepted: use the environment", e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }
}
