package io.twinegress.router.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The packaged router, {@code java -jar target/twin-egress-router.jar router.properties}, as a child process. */
final class RouterProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "twin-egress-router.jar");

    private final Process process;
    private final Path log;

    private RouterProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static RouterProcess start(Path dir, String name, Map<String, String> config) {
        try {
            Path props = dir.resolve(name + ".properties");
            Properties properties = new Properties();
            properties.putAll(config);
            try (var out = Files.newBufferedWriter(props)) {
                properties.store(out, "router IT " + name);
            }
            Path log = Path.of("target", "router-process-" + name + ".log");
            Files.deleteIfExists(log);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", JAR.toString(), props.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new RouterProcess(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void awaitOutput(String text, Duration deadline) {
        await("router logs '" + text + "'").atMost(deadline).until(() -> {
            if (!process.isAlive() && !output().contains(text)) {
                throw new AssertionError("router exited (" + process.exitValue() + ") before logging '" + text + "':\n" + output());
            }
            return output().contains(text);
        });
    }

    void awaitRunning(Duration deadline) {
        awaitOutput("to RUNNING", deadline);
    }

    /** Waits for the process to exit on its own; returns its exit code. */
    int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("router still running after " + deadline + ":\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM, then the exit code. */
    int terminate(Duration deadline) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("router did not exit within " + deadline + " of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL: a crash, nothing committed on the way out. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
