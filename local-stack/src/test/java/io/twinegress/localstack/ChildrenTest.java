package io.twinegress.localstack;

import io.twinegress.localstack.process.Await;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Children;
import io.twinegress.localstack.process.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Children are stopped by pid, and none can start once the stack is stopping. */
class ChildrenTest {


    @Test
    void stopAllStopsEveryChildAndRefusesLaterStarts(@TempDir Path dir) throws Exception {
        // a JVM that sleeps for ten minutes (single-file source launch): a portable "sleep"
        Path src = dir.resolve("Wait.java");
        Files.writeString(src, "class Wait { public static void main(String[] a) throws Exception { Thread.sleep(600_000); } }");
        Children children = new Children();
        List<String> cmd = List.of(io.twinegress.localstack.process.Java.executable(), src.toString());
        ChildProcess a = children.start("a", cmd, dir, dir.resolve("a.log"), Map.of());
        ChildProcess b = children.start("b", cmd, dir, dir.resolve("b.log"), Map.of());
        assertTrue(a.isAlive() && b.isAlive());

        children.stopAll(Duration.ofSeconds(10));

        assertFalse(a.isAlive());
        assertFalse(b.isAlive());
        StartupException refused = assertThrows(StartupException.class,
                () -> children.start("late", cmd, dir, dir.resolve("late.log"), Map.of()));
        assertEquals("late failed to start: not started: the stack is stopping", refused.getMessage());
    }

    @Test
    void aChildThatExitsFailsTheWaitAtOnceNamingItsLog(@TempDir Path dir) {
        Children children = new Children();
        ChildProcess p = children.start("broken", List.of(io.twinegress.localstack.process.Java.executable(),
                "-no-such-flag"), dir, dir.resolve("broken.log"), Map.of());
        StartupException e = assertThrows(StartupException.class,
                () -> Await.until("broken", "READY", Duration.ofMinutes(2), p, () -> false));
        assertTrue(e.getMessage().startsWith("broken failed to start: exited with code 1 before READY (log: "),
                e.getMessage());
        assertEquals(dir.resolve("broken.log"), e.log());
    }
}
