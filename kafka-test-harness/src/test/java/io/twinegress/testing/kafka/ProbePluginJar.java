package io.twinegress.testing.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Builds, at test time, a plugin directory holding one jar with a sink connector that is
 * nowhere on the test classpath ({@value #CONNECTOR_CLASS}) and its
 * {@code META-INF/services} entry: if a worker lists and runs it, it loaded it from its
 * {@code plugin.path} through {@code service_load} discovery, as it will load the packaged
 * twin-egress connectors.
 */
final class ProbePluginJar {

    static final String CONNECTOR_CLASS = "probe.ProbeSinkConnector";

    private static final String SOURCE = """
            package probe;

            import java.util.*;
            import org.apache.kafka.common.config.ConfigDef;
            import org.apache.kafka.connect.connector.Task;
            import org.apache.kafka.connect.sink.*;

            public class ProbeSinkConnector extends SinkConnector {
                private Map<String, String> props;
                public void start(Map<String, String> props) { this.props = props; }
                public Class<? extends Task> taskClass() { return ProbeSinkTask.class; }
                public List<Map<String, String>> taskConfigs(int max) { return List.of(props); }
                public void stop() { }
                public ConfigDef config() { return new ConfigDef(); }
                public String version() { return "probe-1"; }

                public static class ProbeSinkTask extends SinkTask {
                    public void start(Map<String, String> props) { }
                    public void put(Collection<SinkRecord> records) { }
                    public void stop() { }
                    public String version() { return "probe-1"; }
                }
            }
            """;

    private ProbePluginJar() {
    }

    /** Compiles the probe and returns a plugin directory holding {@code probe.jar}. */
    static Path build() {
        try {
            Path work = Files.createTempDirectory("twin-egress-probe-plugin");
            Path src = Files.createDirectories(work.resolve("src/probe")).resolve("ProbeSinkConnector.java");
            Files.writeString(src, SOURCE);
            Path classes = Files.createDirectories(work.resolve("classes"));
            String classpath = Stream.of(SinkConnector.class, ConfigDef.class)
                    .map(ProbePluginJar::location).collect(Collectors.joining(java.io.File.pathSeparator));
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            int status = javac.run(null, null, null, "-proc:none", "-classpath", classpath, "-d", classes.toString(),
                    src.toString());
            if (status != 0) {
                throw new IllegalStateException("javac failed on the probe connector: status " + status);
            }
            Path plugin = Files.createDirectories(work.resolve("probe-plugin"));
            jar(classes, plugin.resolve("probe.jar"));
            return plugin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void jar(Path classes, Path jar) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            for (Path file : files) {
                zip.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
            zip.putNextEntry(new JarEntry("META-INF/services/org.apache.kafka.connect.sink.SinkConnector"));
            zip.write((CONNECTOR_CLASS + "\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
