package io.twinegress.bench.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.bench.Ctx;
import io.twinegress.bench.infra.ChildJvm;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Kafka Connect distributed worker in a child JVM ({@code ConnectDistributed}), loading the
 * packaged connector plugin ({@code sink-connectors/target/twin-egress-connectors}) from its
 * {@code plugin.path} as an operator would, and its REST API.
 */
public final class ConnectWorkerProcess implements AutoCloseable {

    public static final Path PLUGIN = io.twinegress.bench.infra.Repo.connectorPlugin();
    /** Classpath entries the worker must not see: the connectors and the SDKs come from plugin.path only. */
    private static final List<String> NOT_ON_WORKER_CLASSPATH = List.of("/io/twinegress/", "/com/azure/", "/io/projectreactor/",
        "/io/netty/", "/org/apache/qpid/", "/com/microsoft/", "benchmarks/target/classes");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChildJvm jvm;
    private final URI rest;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private ConnectWorkerProcess(ChildJvm jvm, URI rest) {
        this.jvm = jvm;
        this.rest = rest;
    }

    public static Map<String, String> workerSettings(String bootstrap) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "bench-connect");
        p.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("config.storage.topic", "bench-connect-configs");
        p.put("offset.storage.topic", "bench-connect-offsets");
        p.put("status.storage.topic", "bench-connect-status");
        p.put("config.storage.replication.factor", "1");
        p.put("offset.storage.replication.factor", "1");
        p.put("status.storage.replication.factor", "1");
        p.put("consumer.isolation.level", "read_committed");
        p.put("plugin.discovery", "service_load");
        return p;
    }

    public static ConnectWorkerProcess start(Ctx ctx, List<String> extraJvmArgs) throws IOException, InterruptedException {
        Path dir = ctx.work().resolve("connect");
        Path plugins = dir.resolve("plugins");
        Path plugin = plugins.resolve("twin-egress-connectors");
        Files.createDirectories(plugin);
        if (!Files.isDirectory(PLUGIN)) {
            throw new IllegalStateException(PLUGIN + " is missing: build it first (./mvnw -B -q install -DskipTests)");
        }
        try (Stream<Path> jars = Files.list(PLUGIN)) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, plugin.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> p = workerSettings(ctx.bootstrap());
        p.put("listeners", "http://127.0.0.1:" + port);
        p.put("plugin.path", plugins.toAbsolutePath().toString());
        Path props = dir.resolve("worker.properties");
        Files.writeString(props, p.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")) + "\n");
        String cp = Arrays.stream(ctx.classpath().split(File.pathSeparator))
            .filter(e -> NOT_ON_WORKER_CLASSPATH.stream().noneMatch(e::contains))
            .collect(Collectors.joining(File.pathSeparator));
        List<String> jvmArgs = new ArrayList<>(List.of(ChildJvm.SUBJECT_HEAP, "-XX:+UseG1GC",
            "-Dlog4j2.configurationFile=" + ctx.childLog4j()));
        jvmArgs.addAll(extraJvmArgs);
        jvmArgs.addAll(List.of("-cp", cp));
        ChildJvm jvm = ChildJvm.start("connect-worker", ctx.work().resolve("logs"), jvmArgs,
            List.of("org.apache.kafka.connect.cli.ConnectDistributed", props.toString()));
        ConnectWorkerProcess worker = new ConnectWorkerProcess(jvm, URI.create("http://127.0.0.1:" + port));
        worker.awaitReady(Duration.ofSeconds(120));
        return worker;
    }

    private void awaitReady(Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (!jvm.isAlive()) {
                throw new IllegalStateException("Connect worker exited, see " + jvm.log());
            }
            try {
                HttpResponse<String> r = request("GET", "/connector-plugins", null);
                if (r.statusCode() == 200 && r.body().contains("ServiceBusSinkConnector")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Connect worker not ready within " + deadline + ", see " + jvm.log());
    }

    public void putConnector(String name, Map<String, String> config) throws IOException, InterruptedException {
        HttpResponse<String> r = request("PUT", "/connectors/" + name + "/config", JSON.writeValueAsString(config));
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT " + name + ": " + r.statusCode() + " " + r.body());
        }
    }

    public void deleteConnector(String name) throws IOException, InterruptedException {
        request("DELETE", "/connectors/" + name, null);
    }

    /** The connector's and its tasks' states, e.g. {@code RUNNING RUNNING}, for error messages. */
    public String status(String name) {
        try {
            JsonNode n = JSON.readTree(request("GET", "/connectors/" + name + "/status", null).body());
            return n.toString();
        } catch (Exception e) {
            return "unknown (" + e + ")";
        }
    }

    private HttpResponse<String> request(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public ChildJvm jvm() {
        return jvm;
    }

    @Override
    public void close() {
        jvm.stop(20_000);
    }
}
