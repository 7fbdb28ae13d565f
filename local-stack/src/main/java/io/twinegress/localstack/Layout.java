package io.twinegress.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the packaged artifacts are, relative to the repository root. The launcher and
 * the IT start these exact files, as a user would.
 */
public record Layout(Path home) {

    public Path routerJar() {
        return home.resolve("streams-app/target/twin-egress-router.jar");
    }

    public Path standInsJar() {
        return home.resolve("azure-emulators/target/twin-egress-emulators.jar");
    }

    /** The Connect plugin directory; its parent goes on the worker's {@code plugin.path}. */
    public Path pluginDir() {
        return home.resolve("sink-connectors/target/twin-egress-connectors");
    }

    /** Broker, Connect and launcher jars (copied by the local-stack build). */
    public Path lib() {
        return home.resolve("local-stack/target/lib");
    }

    /** The Prometheus JMX exporter agent (copied by the local-stack build). */
    public Path prometheusAgent() {
        return home.resolve("local-stack/target/agent/jmx_prometheus_javaagent.jar");
    }

    /** A JMX exporter rule file shipped in the repository: {@code router} or {@code connect}. */
    public Path prometheusRules(String part) {
        return home.resolve("deploy/prometheus/" + part + ".yml");
    }

    public String kafkaClasspath() {
        return lib().toAbsolutePath() + java.io.File.separator + "*";
    }

    /** Artifacts that are missing, each as "path (module)". */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        check(missing, routerJar(), "streams-app");
        check(missing, standInsJar(), "azure-emulators");
        check(missing, pluginDir(), "sink-connectors");
        check(missing, lib(), "local-stack");
        return missing;
    }

    /** What {@code --metrics} needs besides {@link #missing()}. */
    public List<String> missingForMetrics() {
        List<String> missing = new ArrayList<>();
        check(missing, prometheusAgent(), "local-stack");
        check(missing, prometheusRules("router"), "deploy/prometheus, in the repository");
        check(missing, prometheusRules("connect"), "deploy/prometheus, in the repository");
        return missing;
    }

    private static void check(List<String> missing, Path p, String module) {
        if (!Files.exists(p)) {
            missing.add(p + " (module " + module + ")");
        }
    }

    /** The repository root: {@code -Dtwin.egress.home}, else the working directory. */
    public static Layout fromSystem() {
        return new Layout(Path.of(System.getProperty("twin.egress.home", ".")).toAbsolutePath().normalize());
    }
}
