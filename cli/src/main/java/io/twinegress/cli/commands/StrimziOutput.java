package io.twinegress.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.twinegress.cli.args.UsageException;
import io.twinegress.cli.body.EndpointBody;
import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.connect.ConnectorConfig;
import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.kafka.TopicNames;
import io.twinegress.cli.output.Console;
import io.twinegress.cli.output.Secret;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.JsonSerdes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code endpoints create <id> --file body.json --output strimzi[:key=value,...]}: instead of
 * registering the endpoint, prints what a GitOps repository holds for it on a Strimzi cluster
 * (deploy/kubernetes/ lays out the rest): its {@code KafkaConnector}, the connection strings only
 * as {@code ${secrets:<namespace>/twin-egress-<id>:primary|secondary}} references (Strimzi's
 * KubernetesSecretConfigProvider), and a one-shot {@code Job} that writes the routing record to
 * {@code twin.endpoints} with Kafka's console producer. Contacts neither Kafka nor Connect; the
 * body is checked with the router's rules, and its connection strings are never printed.
 *
 * <p>Settings after {@code strimzi:}: {@code namespace} (default {@value #NAMESPACE}),
 * {@code connect-cluster} (the KafkaConnect's name, default {@value #CONNECT_CLUSTER}) and
 * {@code kafka-cluster} (the Kafka's name, default {@value #KAFKA_CLUSTER}: the Job reaches
 * {@code <kafka-cluster>-kafka-bootstrap:9093} over TLS with the cluster CA of
 * {@code <kafka-cluster>-cluster-ca-cert}).
 */
final class StrimziOutput {

    static final String FORMAT = "strimzi";
    static final String NAMESPACE = "twin-egress";
    static final String CONNECT_CLUSTER = "twin-egress-connect";
    static final String KAFKA_CLUSTER = "twin-egress";
    /** Strimzi's image of the Kafka version twin-egress is built on: its console producer writes the routing record. */
    static final String KAFKA_IMAGE = "quay.io/strimzi/kafka:1.2.0-kafka-4.3.1";

    /** A Kubernetes object name (RFC 1123 subdomain): what a KafkaConnector, named after the endpoint, must be. */
    private static final Pattern K8S_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern K8S_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private final String namespace;
    private final String connectCluster;
    private final String kafkaCluster;

    private StrimziOutput(String namespace, String connectCluster, String kafkaCluster) {
        this.namespace = namespace;
        this.connectCluster = connectCluster;
        this.kafkaCluster = kafkaCluster;
    }

    /**
     * {@code --output}'s value: {@code strimzi} or {@code strimzi:namespace=..,connect-cluster=..,kafka-cluster=..}.
     *
     * @throws UsageException for another format or setting
     */
    static StrimziOutput parse(String value) {
        String settings;
        if (value.equals(FORMAT)) {
            settings = "";
        } else if (value.startsWith(FORMAT + ":")) {
            settings = value.substring(FORMAT.length() + 1);
        } else {
            throw new UsageException("--output takes strimzi or strimzi:namespace=<ns>,connect-cluster=<name>,kafka-cluster=<name>");
        }
        Map<String, String> s = new LinkedHashMap<>(Map.of("namespace", NAMESPACE, "connect-cluster", CONNECT_CLUSTER,
                "kafka-cluster", KAFKA_CLUSTER));
        for (String pair : settings.isEmpty() ? new String[0] : settings.split(",")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (eq < 0 || !s.containsKey(key)) {
                throw new UsageException("--output strimzi: settings are namespace=, connect-cluster= and kafka-cluster=, got " + key);
            }
            String v = pair.substring(eq + 1);
            if (!K8S_LABEL.matcher(v).matches() || v.length() > 63) {
                throw new UsageException("--output strimzi: " + key + " must be a Kubernetes name (lowercase letters, digits, '-'), got " + v);
            }
            s.put(key, v);
        }
        return new StrimziOutput(s.get("namespace"), s.get("connect-cluster"), s.get("kafka-cluster"));
    }

    /** The body, checked with the router's rules. */
    static EndpointBody readBody(String id, Path file) {
        try {
            return EndpointBody.parse(id, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidInputException("--file", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The Secret the connector reads the endpoint's keys from. */
    static String secretName(String id) {
        return "twin-egress-" + id;
    }

    /**
     * Prints the manifests for endpoint {@code id}.
     *
     * @param extras {@code --set} settings, applied to the connector config as for a registration
     */
    void print(Console console, String id, EndpointBody body, TopicNames topics, Map<String, String> extras) {
        if (!K8S_NAME.matcher(id).matches() || id.length() > 253 - secretName("").length()) {
            throw new InvalidInputException("id", "\"" + id + "\" cannot name a KafkaConnector: on Kubernetes the connector, "
                    + "named after the endpoint, needs lowercase letters, digits, '-' and '.' (RFC 1123)");
        }
        Endpoint endpoint = body.endpoint();
        if (body.primary().isPresent() || body.secondary().isPresent()) {
            console.err("note: the body's connection strings are not printed: put them in Secret " + secretName(id) + " (namespace "
                    + namespace + "), keys primary and secondary, e.g. kubectl -n " + namespace + " create secret generic "
                    + secretName(id) + " --from-file=primary=<file> --from-file=secondary=<file>");
        }
        body.warnings().forEach(w -> console.err("warning: " + w));
        String egress = topics.egress(id);
        ConnectorConfig config = ConnectorConfigs.build(endpoint, egress, Secret.reference(reference(id, "primary")),
                Secret.reference(reference(id, "secondary")), extras);
        Map<String, String> connectorConfig = new LinkedHashMap<>(config.toRequest());
        connectorConfig.remove("name");
        String connectorClass = connectorConfig.remove("connector.class");
        String tasksMax = connectorConfig.remove("tasks.max");

        String record = new String(JsonSerdes.endpointValue().serialize(topics.endpoints(), endpoint), StandardCharsets.UTF_8);
        console.out("# twin-egress endpoint " + id + " on Strimzi: its connector and the Job that writes its routing record.");
        console.out("# Without Kubernetes, the same record by hand:");
        console.out("#   printf '%s\\t%s\\n' '" + id + "' '" + record.replace("'", "'\\''") + "' | kafka-console-producer.sh "
                + "--bootstrap-server <kafka> --topic " + topics.endpoints() + " --reader-property parse.key=true "
                + "--reader-property key.separator=$'\\t'");
        console.out(yaml(connector(id, connectorClass, tasksMax == null ? 1 : Integer.parseInt(tasksMax), connectorConfig)).stripTrailing());
        console.out("---");
        console.out(yaml(job(id, record, topics.endpoints())).stripTrailing());
    }

    private String reference(String id, String key) {
        return "${secrets:" + namespace + "/" + secretName(id) + ":" + key + "}";
    }

    private Map<String, Object> connector(String id, String connectorClass, int tasksMax, Map<String, String> config) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("class", connectorClass);
        spec.put("tasksMax", tasksMax);
        spec.put("config", config);
        return resource("kafka.strimzi.io/v1", "KafkaConnector", id, Map.of("strimzi.io/cluster", connectCluster), spec);
    }

    private Map<String, Object> job(String id, String record, String endpointsTopic) {
        String script = "printf '%s\\t%s\\n' \"$RECORD_KEY\" \"$RECORD_VALUE\" | /opt/kafka/bin/kafka-console-producer.sh"
                + " --bootstrap-server \"$BOOTSTRAP\" --topic \"$TOPIC\""
                + " --reader-property parse.key=true --reader-property \"key.separator=$(printf '\\t')\""
                + " --command-property security.protocol=SSL --command-property ssl.truststore.type=PEM"
                + " --command-property ssl.truststore.location=/etc/kafka-ca/ca.crt"
                + " --command-property acks=all --command-property enable.idempotence=true";
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "routing-record");
        container.put("image", KAFKA_IMAGE);
        container.put("command", List.of("/bin/bash", "-c", script));
        container.put("env", List.of(env("BOOTSTRAP", kafkaCluster + "-kafka-bootstrap:9093"), env("TOPIC", endpointsTopic),
                env("RECORD_KEY", id), env("RECORD_VALUE", record)));
        container.put("volumeMounts", List.of(Map.of("name", "kafka-ca", "mountPath", "/etc/kafka-ca", "readOnly", true)));
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("restartPolicy", "Never");
        pod.put("containers", List.of(container));
        pod.put("volumes", List.of(Map.of("name", "kafka-ca", "secret", Map.of("secretName", kafkaCluster + "-cluster-ca-cert"))));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("backoffLimit", 3);
        spec.put("ttlSecondsAfterFinished", 86_400);
        spec.put("template", Map.of("spec", pod));
        // A changed record is a new Job (a Job's template cannot change), so the name carries the record's hash.
        String name = "twin-egress-routing-" + label(id, 40) + "-" + sha256(record).substring(0, 10);
        return resource("batch/v1", "Job", name, Map.of("app.kubernetes.io/name", "twin-egress-routing-record",
                "twin-egress.io/endpoint", label(id, 63)), spec);
    }

    private Map<String, Object> resource(String apiVersion, String kind, String name, Map<String, String> labels, Map<String, Object> spec) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("namespace", namespace);
        metadata.put("labels", labels);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("apiVersion", apiVersion);
        r.put("kind", kind);
        r.put("metadata", metadata);
        r.put("spec", spec);
        return r;
    }

    private static Map<String, String> env(String name, String value) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("value", value);
        return e;
    }

    /** A label value made from the id: lowercase, '.' as '-', at most {@code max} characters, alphanumeric at both ends. */
    private static String label(String id, int max) {
        String l = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        l = l.substring(0, Math.min(l.length(), max)).replaceAll("^-+|-+$", "");
        return l.isEmpty() ? "endpoint" : l;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String yaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
