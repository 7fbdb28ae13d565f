package io.twinegress.router.it;

import static org.awaitility.Awaitility.await;

import io.twinegress.router.config.RouterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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

    /**
     * A router config against {@code bootstrapServers} with application id {@code applicationId} and every topic
     * name under the prefix {@code name}, so tests sharing a broker do not meet; the state under {@code dir}.
     * Mutable: a test adds its own settings.
     */
    static Map<String, String> config(String bootstrapServers, String applicationId, String name, Path dir) {
        Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("application.id", applicationId);
        config.put("state.dir", dir.resolve("state").toString());
        config.put(RouterConfig.INPUT_TOPICS_CONFIG, name + ".events");
        config.put(RouterConfig.DEVICE_MESSAGES_TOPIC_CONFIG, name + ".device-messages");
        config.put(RouterConfig.ENDPOINTS_TOPIC_CONFIG, name + ".endpoints");
        config.put(RouterConfig.STATUS_TOPIC_CONFIG, name + ".endpoints.status");
        config.put(RouterConfig.DLQ_TOPIC_CONFIG, name + ".dlq");
        config.put(RouterConfig.EGRESS_PREFIX_CONFIG, name + ".egress.");
        return config;
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
