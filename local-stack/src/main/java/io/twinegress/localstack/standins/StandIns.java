package io.twinegress.localstack.standins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.emulators.admin.AdminClient;
import io.twinegress.localstack.Layout;
import io.twinegress.localstack.Ports;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Children;
import io.twinegress.localstack.process.Java;
import io.twinegress.localstack.process.PropertiesFiles;
import io.twinegress.localstack.process.StartupWait;
import io.twinegress.schemas.EndpointType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The packaged Azure stand-ins ({@code java -jar twin-egress-emulators.jar emulators.properties}) as a
 * child process, declaring one entity and one SAS policy (primary + secondary key) per endpoint.
 */
public final class StandIns implements AutoCloseable {

    public static final String PART = "Azure stand-ins";
    public static final int EVENT_HUB_PARTITIONS = 3;

    private final ChildProcess process;
    private final AdminClient admin;
    private final Path readyFile;

    private StandIns(ChildProcess process, AdminClient admin, Path readyFile) {
        this.process = process;
        this.admin = admin;
        this.readyFile = readyFile;
    }

    /** What the stand-ins wrote once listening: their ports and, with TLS and identities, where those are. */
    public JsonNode ready() {
        try {
            return new ObjectMapper().readTree(readyFile.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stand-ins' ready file " + readyFile, e);
        }
    }

    /** emulators.properties for these endpoints. Holds keys: written to the private data directory only. */
    public static Map<String, String> properties(Ports ports, List<SampleEndpoint> endpoints, Path readyFile) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("host", Ports.HOST);
        p.put("amqp.port", String.valueOf(ports.amqp()));
        p.put("amqp.servicebus.topics", entities(endpoints, EndpointType.ServiceBus, ""));
        p.put("amqp.eventhubs", entities(endpoints, EndpointType.EventHub, ":" + EVENT_HUB_PARTITIONS));
        for (SampleEndpoint e : endpoints) {
            if (e.keyName() != null) {
                p.put("amqp.keys." + e.keyName(), e.primaryKey() + "," + e.secondaryKey());
            }
        }
        p.put("eventgrid.port", String.valueOf(ports.eventGrid()));
        p.put("eventgrid.topics", entities(endpoints.stream().filter(e -> !e.namespaceTopic()).toList(), EndpointType.EventGrid, ""));
        p.put("eventgrid.namespace.topics", entities(endpoints.stream().filter(SampleEndpoint::namespaceTopic).toList(),
                EndpointType.EventGrid, ""));
        endpoints.stream().filter(e -> e.type() == EndpointType.EventGrid).findFirst()
                .ifPresent(e -> p.put("eventgrid.keys", e.primaryKey() + "," + e.secondaryKey()));
        p.put("admin.port", String.valueOf(ports.admin()));
        p.put("ready.file", readyFile.toAbsolutePath().toString());
        return p;
    }

    private static String entities(List<SampleEndpoint> endpoints, EndpointType type, String suffix) {
        return endpoints.stream().filter(e -> e.type() == type).map(e -> e.entity() + suffix)
                .collect(Collectors.joining(","));
    }

    public static StandIns start(Children children, Layout layout, Ports ports, List<SampleEndpoint> endpoints, Path dataDir,
            Path logDir, Duration deadline) {
        return start(children, layout, ports, endpoints, Map.of(), dataDir, logDir, deadline);
    }

    /** As above, with {@code extra} emulators.properties keys (TLS, identities). */
    public static StandIns start(Children children, Layout layout, Ports ports, List<SampleEndpoint> endpoints,
            Map<String, String> extra, Path dataDir, Path logDir, Duration deadline) {
        Path ready = dataDir.resolve("standins.ready.json");
        Map<String, String> props = properties(ports, endpoints, ready);
        props.putAll(extra);
        Path config = PropertiesFiles.write(dataDir.resolve("emulators.properties"),
                "twin-egress local stack: Azure stand-ins (holds keys; private)", props);
        ChildProcess process = children.start(PART,
                Java.jar(List.of("-Xmx384m"), layout.standInsJar(), List.of(config.toString())),
                dataDir, logDir.resolve("standins.log"), Map.of());
        AdminClient admin = new AdminClient(ports.adminUrl());
        try {
            StartupWait.until(PART, "READY (" + ready + ")", deadline, process, () -> Files.exists(ready));
            StartupWait.until(PART, "admin API on " + ports.adminUrl(), deadline, process, admin::healthy);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return new StandIns(process, admin, ready);
    }

    public AdminClient admin() {
        return admin;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
