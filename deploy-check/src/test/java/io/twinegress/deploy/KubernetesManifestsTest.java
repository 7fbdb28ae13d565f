package io.twinegress.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.strimzi.api.kafka.model.common.metrics.JmxPrometheusExporterMetrics;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connect.build.ZipArtifact;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.twinegress.localstack.endpoints.SampleEndpoints;
import io.twinegress.router.config.RouterConfig;
import io.twinegress.router.health.HealthServer;
import io.twinegress.schemas.ControlTopics;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/: every manifest loads into the Strimzi and fabric8 models with no field they do
 * not know, and agrees with the code: connector classes that exist, config keys the connectors or
 * Connect define, secrets only as references to the Secrets the worker may read, the router's
 * properties accepted by RouterConfig, probes on its health endpoint, the control topics compacted,
 * the metrics rules the same as deploy/prometheus/.
 */
class KubernetesManifestsTest {

    static final String DIR = "deploy/kubernetes";
    static final String NAMESPACE = "twin-egress";
    /**
     * The keys that make a connector the endpoint it is (beyond its class and topic), so they must agree with
     * examples/connectors/: what it sends (format, mode, device telemetry) and where (Event Grid kind, namespace
     * topic). Names, hosts and the CloudEvents source are the user's to replace.
     */
    static final List<String> SHAPE_KEYS = List.of("device.messages", "event.format", "cloudevents.mode", "eventgrid.kind",
            "namespace.topic");
    static final Pattern SECRET_REF = Pattern.compile("\\$\\{secrets:([a-z0-9-]+)/([a-z0-9.-]+):([A-Za-z0-9._-]+)}");

    private static final List<HasMetadata> ALL = new ArrayList<>();
    private static final List<HasMetadata> EXAMPLE_SECRETS = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        try (Stream<Path> files = Files.list(Repo.file(DIR))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.equals("kustomization.yaml")) {
                    continue;
                }
                (name.equals("secrets.example.yaml") ? EXAMPLE_SECRETS : ALL).addAll(Manifests.load(f));
            }
        }
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return ALL.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(Class<T> type, String name) {
        return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    @Test
    void aFieldTheModelDoesNotKnowFailsTheLoad() {
        String typo = """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaConnector
                metadata:
                  name: x
                spec:
                  class: io.twinegress.connect.servicebus.ServiceBusSinkConnector
                  taskMax: 1
                """;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Manifests.parse(typo, "typo"));
        assertTrue(e.getMessage().contains("taskMax"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Manifests.parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n", "pod"));
    }

    @Test
    void everyResourceIsInTheNamespaceAndKustomizationListsEveryFile() throws Exception {
        assertFalse(ALL.isEmpty());
        for (HasMetadata r : ALL) {
            assertEquals(NAMESPACE, r.getMetadata().getNamespace(), r.getKind() + " " + r.getMetadata().getName());
        }
        JsonNode kustomization = new ObjectMapper(new YAMLFactory()).readTree(Repo.file(DIR + "/kustomization.yaml").toFile());
        Set<String> listed = new TreeSet<>();
        kustomization.path("resources").forEach(n -> listed.add(n.asText()));
        Set<String> files;
        try (Stream<Path> s = Files.list(Repo.file(DIR))) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.equals("kustomization.yaml") && !n.equals("secrets.example.yaml")).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, listed);
    }

    @Test
    void theConnectClusterBuildsThePluginAndReadsSecretsThroughTheProvider() throws Exception {
        KafkaConnect connect = one(KafkaConnect.class, "twin-egress-connect");
        assertEquals("true", connect.getMetadata().getAnnotations().get("strimzi.io/use-connector-resources"));
        Map<String, Object> config = connect.getSpec().getConfig();
        assertEquals("read_committed", config.get("consumer.isolation.level"));
        assertEquals("service_load", config.get("plugin.discovery"));
        for (String converter : List.of("key.converter", "value.converter", "header.converter")) {
            assertEquals("org.apache.kafka.connect.converters.ByteArrayConverter", config.get(converter), converter);
        }
        assertTrue(String.valueOf(config.get("config.providers")).contains("secrets"));
        assertEquals("io.strimzi.kafka.KubernetesSecretConfigProvider", config.get("config.providers.secrets.class"));
        assertEquals(1, connect.getSpec().getBuild().getPlugins().size());
        ZipArtifact zip = (ZipArtifact) connect.getSpec().getBuild().getPlugins().get(0).getArtifacts().get(0);
        assertTrue(zip.getUrl().endsWith("/twin-egress-connectors.zip"), "the released plugin zip: " + zip.getUrl());

        JmxPrometheusExporterMetrics metrics = (JmxPrometheusExporterMetrics) connect.getSpec().getMetricsConfig();
        var ref = metrics.getValueFrom().getConfigMapKeyRef();
        assertEquals(Files.readString(Repo.file("deploy/prometheus/connect.yml")), one(ConfigMap.class, ref.getName()).getData().get(ref.getKey()),
                "the ConfigMap holds deploy/prometheus/connect.yml word for word");
    }

    @Test
    void everyConnectorIsOneOfOursWithKeysItOrConnectDefinesAndSecretsOnlyAsReferences() throws Exception {
        KafkaConnect connect = one(KafkaConnect.class, "twin-egress-connect");
        Set<String> connectKeys = org.apache.kafka.connect.runtime.SinkConnectorConfig.configDef().names();
        Map<String, Set<String>> secretKeys = new HashMap<>();
        for (HasMetadata s : EXAMPLE_SECRETS) {
            secretKeys.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), ((Secret) s).getStringData().keySet());
        }
        Role role = one(Role.class, "twin-egress-connect-secrets");
        Set<String> readable = new TreeSet<>(role.getRules().get(0).getResourceNames());
        assertEquals(List.of("get"), role.getRules().get(0).getVerbs());
        RoleBinding binding = one(RoleBinding.class, "twin-egress-connect-secrets");
        assertEquals(connect.getMetadata().getName() + "-connect", binding.getSubjects().get(0).getName(),
                "bound to the service account Strimzi gives the Connect pods");
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());

        Set<String> ids = new TreeSet<>();
        for (KafkaConnector c : all(KafkaConnector.class)) {
            String id = c.getMetadata().getName();
            ids.add(id);
            assertEquals(connect.getMetadata().getName(), c.getMetadata().getLabels().get("strimzi.io/cluster"), id);
            Class<?> type = Class.forName(c.getSpec().getClassName());
            assertTrue(SinkConnector.class.isAssignableFrom(type), id + ": " + type);
            Set<String> own = ((SinkConnector) type.getDeclaredConstructor().newInstance()).config().names();
            Map<String, Object> config = c.getSpec().getConfig();
            for (String key : config.keySet()) {
                boolean known = own.contains(key) || connectKeys.contains(key) || key.startsWith("consumer.override.");
                assertTrue(known, id + ": " + key + " is defined neither by " + type.getSimpleName() + " nor by Connect");
            }
            assertEquals("twin.egress." + id, config.get("topics"), id + ": reads its endpoint's egress topic");
            assertEquals("read_committed", config.get("consumer.override.isolation.level"), id);
            for (String secret : List.of("connection.string", "secondary.connection.string")) {
                Matcher m = SECRET_REF.matcher(String.valueOf(config.get(secret)));
                assertTrue(m.matches(), id + ": " + secret + " is a ${secrets:...} reference, never a value");
                assertEquals(NAMESPACE, m.group(1));
                assertTrue(readable.contains(m.group(2)), id + ": the worker may read Secret " + m.group(2));
                assertTrue(secretKeys.getOrDefault(m.group(1) + "/" + m.group(2), Set.of()).contains(m.group(3)),
                        id + ": secrets.example.yaml shows Secret " + m.group(2) + " with key " + m.group(3));
            }
            // the same endpoint as examples/connectors/<id>.json, moved to Kubernetes
            JsonNode example = new ObjectMapper().readTree(Repo.file("examples/connectors/" + id + ".json").toFile());
            assertEquals(example.path("connector.class").asText(), type.getSimpleName(), id);
            for (String shape : SHAPE_KEYS) {
                assertEquals(example.path(shape).asText(null), config.get(shape) == null ? null : String.valueOf(config.get(shape)),
                        id + ": " + shape + " as in examples/connectors/" + id + ".json");
            }
            if ("cloudevents".equals(config.get("event.format"))) {
                assertTrue(config.containsKey("cloudevents.source"), id + ": a CloudEvents connector names its source");
            }
        }
        assertEquals(Set.of("servicebus", "eventgrid", "eventgrid-namespace", "eventhub", "devicemessages"), ids,
                "one per sample endpoint");
        assertEquals(new TreeSet<>(SampleEndpoints.ids()), ids, "the local stack's endpoints, the same ids");
    }

    @Test
    void theRouterRunsWithPropertiesRouterConfigAcceptsAndProbesItsHealthEndpoint() throws Exception {
        ConfigMap config = one(ConfigMap.class, "twin-egress-router");
        Properties props = new Properties();
        props.load(new StringReader(config.getData().get("router.properties")));
        RouterConfig router = new RouterConfig(props);
        assertFalse(router.createTopics(), "the topics are KafkaTopic resources");
        int healthPort = router.healthPort().orElseThrow(() -> new AssertionError("the health endpoint is on"));
        assertEquals("0.0.0.0", router.healthHost(), "the kubelet probes the pod's address");

        Deployment deployment = one(Deployment.class, "twin-egress-router");
        Container c = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(List.of("/etc/twin-egress/router.properties"), c.getArgs());
        assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/etc/twin-egress/router.properties")
                && "router.properties".equals(m.getSubPath())));
        assertTrue(deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .anyMatch(v -> v.getConfigMap() != null && v.getConfigMap().getName().equals(config.getMetadata().getName())));
        Map<String, Integer> ports = c.getPorts().stream().collect(Collectors.toMap(p -> p.getName(), p -> p.getContainerPort()));
        assertEquals(healthPort, ports.get("health"));
        assertEquals(HealthServer.HEALTH, c.getReadinessProbe().getHttpGet().getPath());
        assertEquals(HealthServer.LIVE, c.getLivenessProbe().getHttpGet().getPath());
        assertEquals("health", c.getReadinessProbe().getHttpGet().getPort().getStrVal());
        String agent = c.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).findFirst().orElseThrow().getValue();
        assertEquals("-javaagent:/opt/twin-egress/jmx_prometheus_javaagent.jar=" + ports.get("metrics") + ":/opt/twin-egress/prometheus/router.yml",
                agent, "the agent and rules the router image carries (docker/router/Dockerfile)");
        String dockerfile = Files.readString(Repo.file("docker/router/Dockerfile"));
        assertTrue(dockerfile.contains("deploy/prometheus/router.yml /opt/twin-egress/prometheus/router.yml"));
        assertTrue(dockerfile.contains("local-stack/target/agent/jmx_prometheus_javaagent.jar /opt/twin-egress/jmx_prometheus_javaagent.jar"));

        PodDisruptionBudget pdb = one(PodDisruptionBudget.class, "twin-egress-router");
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(), pdb.getSpec().getSelector().getMatchLabels());
        assertTrue(pdb.getSpec().getMinAvailable().getIntVal() < deployment.getSpec().getReplicas(), "a drain can proceed");
    }

    @Test
    void theRoutersTopicsExistAndTheControlTopicsAreCompactedOnly() {
        RouterConfig defaults = new RouterConfig(Map.of("bootstrap.servers", "x:9092"));
        Map<String, KafkaTopic> byName = all(KafkaTopic.class).stream()
                .collect(Collectors.toMap(t -> Optional.ofNullable(t.getSpec().getTopicName()).orElse(t.getMetadata().getName()), t -> t));
        List<String> needed = new ArrayList<>(defaults.inputTopics());
        needed.add(defaults.deviceMessagesTopic().orElseThrow());
        needed.add(defaults.dlqTopic());
        needed.add(defaults.endpointsTopic());
        needed.add(defaults.statusTopic());
        assertTrue(byName.keySet().containsAll(needed), "every topic the router needs with twin.topics.create=false: " + needed);
        for (String control : List.of(defaults.endpointsTopic(), defaults.statusTopic())) {
            KafkaTopic t = byName.get(control);
            assertEquals(1, t.getSpec().getPartitions(), control);
            Object policy = t.getSpec().getConfig().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            assertEquals(Optional.empty(), ControlTopics.notCompacted(control, policy == null ? null : policy.toString()), control);
        }
        for (KafkaTopic t : byName.values()) {
            assertEquals("twin-egress", t.getMetadata().getLabels().get("strimzi.io/cluster"));
        }
    }
}
