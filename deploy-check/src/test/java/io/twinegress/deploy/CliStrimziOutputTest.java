package io.twinegress.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinegress.cli.Cli;
import io.twinegress.cli.output.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;

/**
 * What {@code twin-egress endpoints create <id> --file <body> --output strimzi} prints, for every
 * seed body of examples/cli/: manifests the Strimzi and Kubernetes models load with no unknown
 * field, a connector that is one of ours configured only with keys it or Connect defines, and its
 * secrets only as references, in the shape deploy/kubernetes/ uses.
 */
class CliStrimziOutputTest {

    @Test
    void everySeedBodyPrintsManifestsTheModelsAndTheConnectorsAccept() throws Exception {
        Map<String, SinkConnector> ours = ServiceLoader.load(SinkConnector.class).stream().map(ServiceLoader.Provider::get)
                .collect(Collectors.toMap(c -> c.getClass().getSimpleName(), c -> c));
        Set<String> connectKeys = org.apache.kafka.connect.runtime.SinkConnectorConfig.configDef().names();
        List<Path> bodies;
        try (Stream<Path> s = Files.list(Repo.file("examples/cli"))) {
            bodies = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertEquals(4, bodies.size());
        for (Path body : bodies) {
            String id = body.getFileName().toString().replace(".json", "");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = new Cli(new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)),
                    Map.of()).run("endpoints", "create", id, "--file", body.toString(), "--output", "strimzi");
            assertEquals(0, code, id + ": " + err);
            List<HasMetadata> resources = Manifests.parse(out.toString(StandardCharsets.UTF_8), id);
            assertEquals(2, resources.size(), id);

            KafkaConnector connector = (KafkaConnector) resources.get(0);
            assertEquals(id, connector.getMetadata().getName());
            SinkConnector impl = ours.get(connector.getSpec().getClassName());
            assertTrue(impl != null, id + ": " + connector.getSpec().getClassName() + " is one of " + ours.keySet());
            Set<String> own = impl.config().names();
            for (String key : connector.getSpec().getConfig().keySet()) {
                assertTrue(own.contains(key) || connectKeys.contains(key) || key.startsWith("consumer.override."), id + ": " + key);
            }
            for (String secret : List.of("connection.string", "secondary.connection.string")) {
                Matcher m = KubernetesManifestsTest.SECRET_REF.matcher(String.valueOf(connector.getSpec().getConfig().get(secret)));
                assertTrue(m.matches(), id + ": " + secret + " is a reference");
                assertEquals(KubernetesManifestsTest.NAMESPACE + "/twin-egress-" + id, m.group(1) + "/" + m.group(2),
                        id + ": the Secret deploy/kubernetes/ names twin-egress-<id>");
            }
            Job job = (Job) resources.get(1);
            assertEquals("Never", job.getSpec().getTemplate().getSpec().getRestartPolicy());
            assertEquals(KubernetesManifestsTest.NAMESPACE, job.getMetadata().getNamespace());
        }
    }
}
