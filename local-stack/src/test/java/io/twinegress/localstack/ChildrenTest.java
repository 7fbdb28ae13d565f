package io.twinegress.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Children;
import io.twinegress.localstack.process.Java;
import io.twinegress.localstack.process.StartupException;
import io.twinegress.localstack.process.StartupWait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Children are stopped by pid, and none can start once the stack is stopping. */
class ChildrenTest {

    /** A JVM that sleeps for ten minutes (single-file source launch): a portable "sleep". */
    private static Path sleeper(Path dir) throws Exception {
        Path src = dir.resolve("Wait.java");
        Files.writeString(src, "class Wait { public static void main(String[] a) throws Exception { Thread.sleep(600_000); } }");
        return src;
    }

    @Test
    void stopAllStopsEveryChildAndRefusesLaterStarts(@TempDir Path dir) throws Exception {
        Path src = sleeper(dir);
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
    void stopAllOnExitStopsTheChildrenWhenTheJvmThatStartedThemEnds(@TempDir Path dir) throws Exception {
        // a JVM that starts a sleeper through Children.stopAllOnExit, prints its pid and returns from main
        Path parent = dir.resolve("Parent.java");
        Files.writeString(parent, String.join("\n",
                "import io.twinegress.localstack.process.*;",
                "class Parent { public static void main(String[] a) {",
                "  java.nio.file.Path dir = java.nio.file.Path.of(a[0]);",
                "  ChildProcess c = new Children().stopAllOnExit(java.time.Duration.ofSeconds(10)).start(\"wait\",",
                "      java.util.List.of(Java.executable(), a[1]), dir, dir.resolve(\"wait.log\"), java.util.Map.of());",
                "  System.out.println(c.pid());",
                "} }"));
        Process p = new ProcessBuilder(Java.executable(), "-cp", System.getProperty("java.class.path"), parent.toString(),
                dir.toString(), sleeper(dir).toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();   // until the parent has exited
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        Optional<ProcessHandle> child = ProcessHandle.of(Long.parseLong(out.substring(out.lastIndexOf('\n') + 1)));
        try {
            assertFalse(child.map(ProcessHandle::isAlive).orElse(false), "the child outlived the JVM that started it");
        } finally {
            child.ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void javaCommandsGetTheLocalFlagsOnlyWhenAskedFor() {
        List<String> local = Java.mainClass(List.of("-Xmx1g"), "cp", "Main", List.of("arg"));
        assertEquals(Java.executable(), local.get(0));
        assertEquals(Java.LOCAL_FLAGS, local.subList(1, 1 + Java.LOCAL_FLAGS.size()));
        assertEquals(List.of("-Xmx1g", "-cp", "cp", "Main", "arg"), local.subList(1 + Java.LOCAL_FLAGS.size(), local.size()));

        assertEquals(List.of(Java.executable(), "-Xmx512m", "-XX:+UseG1GC", "-cp", "cp", "Main", "arg"),
                Java.command(List.of("-Xmx512m", "-XX:+UseG1GC"), "cp", "Main", List.of("arg")));
        assertEquals(List.of(Java.executable(), "-Xmx512m", "-jar", "app.jar", "arg"),
                Java.jarCommand(List.of("-Xmx512m"), Path.of("app.jar"), List.of("arg")));
    }

    @Test
    void aChildThatExitsFailsTheWaitAtOnceNamingItsLog(@TempDir Path dir) {
        Children children = new Children();
        ChildProcess p = children.start("broken", List.of(io.twinegress.localstack.process.Java.executable(),
                "-no-such-flag"), dir, dir.resolve("broken.log"), Map.of());
        StartupException e = assertThrows(StartupException.class,
                () -> StartupWait.until("broken", "READY", Duration.ofMinutes(2), p, () -> false));
        assertTrue(e.getMessage().startsWith("broken failed to start: exited with code 1 before READY (log: "),
                e.getMessage());
        assertEquals(dir.resolve("broken.log"), e.log());
    }
}
