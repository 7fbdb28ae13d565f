package io.twinegress.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connect.auth.EntraCredentials;
import io.twinegress.connect.core.AuthConfig;
import io.twinegress.connect.core.ConnectionString;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliverySinkConnector;
import io.twinegress.connect.core.HeaderNameValidator;
import io.twinegress.connect.core.Version;
import io.twinegress.connect.eventgrid.EventGridSinkConfig;
import io.twinegress.connect.eventgrid.EventGridSinkConnector;
import io.twinegress.connect.eventgrid.EventGridSinkTask;
import io.twinegress.connect.eventhubs.EventHubsSinkConfig;
import io.twinegress.connect.eventhubs.EventHubsSinkConnector;
import io.twinegress.connect.eventhubs.EventHubsSinkTask;
import io.twinegress.connect.servicebus.ServiceBusSinkConfig;
import io.twinegress.connect.servicebus.ServiceBusSinkConnector;
import io.twinegress.connect.servicebus.ServiceBusSinkTask;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkTask;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the three connectors share through the delivery core's connector base and config
 * fragments, checked on each: validation, warnings, start, task configs, discovery, the shared
 * defaults, dead-lettering and secrets. Each connector's own rules stay in its
 * {@code *SinkConnectorTest}.
 */
class SinkConnectorsTest {

    static final String CANARY = "CANARY-KEY-0b7e4a21";
    static final String SECRET_CANARY = "CANARY-CLIENT-SECRET-7f3e";
    static final String SAS = "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=Send;SharedAccessKey=";

    /**
     * One connector under test.
     *
     * @param primary    a valid primary key holding {@link #CANARY}
     * @param secondary  a valid secondary key
     * @param path       a valid path
     * @param noEndpoint what a primary {@code SharedAccessKey=<canary>} is refused with
     */
    record Subject(String name, Supplier<DeliverySinkConnector> connector, Supplier<SinkTask> task,
                   Function<Map<String, String>, DeliveryConfig> config, ConfigDef configDef,
                   String primary, String secondary, String path, String noEndpoint) {

        Map<String, String> props() {
            Map<String, String> p = new HashMap<>();
            p.put("name", name + "-endpoint");
            p.put("connector.class", connector.get().getClass().getSimpleName());
            p.put("topics", "twin.egress." + name + "-endpoint");
            p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, primary);
            p.put(DeliveryConfig.PATH_CONFIG, path);
            return p;
        }

        /** A valid entra-id config: a service principal whose secret is {@link #SECRET_CANARY}. */
        Map<String, String> entraProps() {
            Map<String, String> p = props();
            p.remove(DeliveryConfig.CONNECTION_STRING_CONFIG);
            p.put(AuthConfig.AUTH_MODE_CONFIG, "entra-id");
            p.put(AuthConfig.ENTRA_CREDENTIAL_CONFIG, "client-secret");
            p.put(AuthConfig.ENTRA_CLIENT_ID_CONFIG, "5e1f0000-0000-4000-8000-0000000000b2");
            p.put(AuthConfig.ENTRA_TENANT_ID_CONFIG, "11111111-1111-1111-1111-111111111111");
            p.put(AuthConfig.ENTRA_CLIENT_SECRET_CONFIG, SECRET_CANARY);
            if (amqp()) {
                p.put(AuthConfig.NAMESPACE_CONFIG, "contoso.servicebus.windows.net");
            }
            return p;
        }

        boolean amqp() {
            return !name.equals("eventgrid");
        }

        Map<String, List<String>> errors(Map<String, String> props) {
            return connector.get().validate(props).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
        }

        List<Object> warnings(Map<String, String> props) {
            return connector.get().validate(props).configValues().stream()
                .filter(v -> v.name().equals(DeliverySinkConnector.WARNINGS))
                .peek(v -> assertEquals(List.of(), v.errorMessages(), "a warning is not an error"))
                .flatMap(v -> v.recommendedValues().stream()).toList();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Subject> connectors() {
        return Stream.of(
            new Subject("servicebus", ServiceBusSinkConnector::new, ServiceBusSinkTask::new, ServiceBusSinkConfig::new,
                ServiceBusSinkConfig.CONFIG_DEF, SAS + CANARY, SAS + "other", "twins", ConnectionString.ERROR_NO_ENDPOINT),
            new Subject("eventhubs", EventHubsSinkConnector::new, EventHubsSinkTask::new, EventHubsSinkConfig::new,
                EventHubsSinkConfig.CONFIG_DEF, SAS + CANARY, SAS + "other", "telemetry", ConnectionString.ERROR_NO_ENDPOINT),
            new Subject("eventgrid", EventGridSinkConnector::new, EventGridSinkTask::new, EventGridSinkConfig::new,
                EventGridSinkConfig.CONFIG_DEF, CANARY + "=", "other-key", "twins.westus2-1.eventgrid.azure.net",
                EventGridSinkConfig.ERROR_KEY_IS_CONNECTION_STRING));
    }

    /** The two whose keys are SAS connection strings. */
    static Stream<Subject> amqpConnectors() {
        return connectors().filter(s -> !s.name().equals("eventgrid"));
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void aGoodConfigValidatesCleanWithOrWithoutASecondaryKey(Subject s) {
        assertEquals(Map.of(), s.errors(s.props()));
        Map<String, String> withSecondary = s.props();
        withSecondary.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, s.secondary());
        assertEquals(Map.of(), s.errors(withSecondary));
    }

    /**
     * Connect's validate answer has no warnings, only errors (which refuse the config): the
     * warnings go into an entry of their own, {@code twin-egress.warnings}, one per recommended
     * value, which refuses nothing.
     */
    @ParameterizedTest
    @MethodSource("connectors")
    void validateWarnsWithoutADeadLetterTopicAndWithoutReadCommitted(Subject s) {
        assertEquals(List.of(DeliveryConfig.WARNING_NO_DEAD_LETTER_TOPIC, DeliveryConfig.WARNING_ISOLATION_UNSET),
            s.warnings(s.props()));
        Map<String, String> p = s.props();
        p.put("errors.tolerance", "all");
        p.put("errors.deadletterqueue.topic.name", "twin.egress.x.dlq");
        p.put("consumer.override.isolation.level", "read_uncommitted");
        assertEquals(List.of(DeliveryConfig.WARNING_ISOLATION_NOT_COMMITTED), s.warnings(p));
        p.put("consumer.override.isolation.level", "READ_COMMITTED");
        assertEquals(List.of(), s.warnings(p), "no entry when there is nothing to say");
        p.remove("errors.tolerance"); // a topic without errors.tolerance=all is not usable
        assertEquals(List.of(DeliveryConfig.WARNING_NO_DEAD_LETTER_TOPIC), s.warnings(p));
        s.connector().get().start(s.props()); // warnings never refuse a config
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void aMissingOrEmptyPrimaryIsReportedOnItsKey(Subject s) {
        Map<String, String> p = s.props();
        p.remove(DeliveryConfig.CONNECTION_STRING_CONFIG);
        assertEquals(List.of(DeliveryConfig.CONNECTION_STRING_CONFIG), List.copyOf(s.errors(p).keySet()));
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, " ");
        assertEquals(Map.of(DeliveryConfig.CONNECTION_STRING_CONFIG, List.of(ConnectionString.ERROR_EMPTY)), s.errors(p));
    }

    @ParameterizedTest
    @MethodSource("amqpConnectors")
    void malformedConnectionStringsAreReportedOnTheirKeys(Subject s) {
        Map<String, String> p = s.props();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, "Endpoint=https://contoso/;SharedAccessKeyName=Send;SharedAccessKey=" + CANARY);
        p.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, "Endpoint=sb://contoso/;SharedAccessKeyName=Send");
        assertEquals(Map.of(DeliveryConfig.CONNECTION_STRING_CONFIG, List.of(ConnectionString.ERROR_BAD_ENDPOINT),
            DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, List.of(ConnectionString.ERROR_NO_KEY)), s.errors(p));
        p.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, CANARY);
        assertEquals(List.of(ConnectionString.ERROR_FORMAT), s.errors(p).get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG));
    }

    /** Both AMQP connectors can take the partition key from a named header; a bad header name is refused on the key. */
    @ParameterizedTest
    @MethodSource("amqpConnectors")
    void aPartitionKeyHeaderIsOneExactHeaderName(Subject s) {
        Map<String, String> p = s.props();
        p.put("partition.key.header", "device-id");
        assertEquals(Map.of(), s.errors(p));
        for (String bad : List.of("device-*", "*")) {
            p.put("partition.key.header", bad);
            Map<String, List<String>> errors = s.errors(p);
            assertEquals(List.of("partition.key.header"), List.copyOf(errors.keySet()), bad);
            assertTrue(errors.get("partition.key.header").get(0).contains(HeaderNameValidator.ERROR_WILDCARD), errors.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void outOfRangeValuesAreReportedOnTheirKeys(Subject s) {
        Map<String, String> p = s.props();
        p.put(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, String.valueOf(2 * 1024 * 1024));
        p.put(DeliveryConfig.RETRY_BACKOFF_JITTER_CONFIG, "1.5");
        assertEquals(List.of(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, DeliveryConfig.RETRY_BACKOFF_JITTER_CONFIG),
            s.errors(p).keySet().stream().sorted().toList());
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void startRefusesAnInvalidConfigNamingTheKeyButNotTheValue(Subject s) {
        Map<String, String> p = s.props();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, "SharedAccessKey=" + CANARY);
        ConfigException e = assertThrows(ConfigException.class, () -> s.connector().get().start(p));
        assertTrue(e.getMessage().contains(DeliveryConfig.CONNECTION_STRING_CONFIG + ": " + s.noEndpoint()), e.getMessage());
        assertFalse(e.getMessage().contains(CANARY));
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void everyTaskGetsAllThePropertiesAndTheConnectorIsFoundThroughServiceLoader(Subject s) {
        DeliverySinkConnector c = s.connector().get();
        c.start(s.props());
        assertEquals(List.of(s.props(), s.props(), s.props()), c.taskConfigs(3));
        assertEquals(s.task().get().getClass(), c.taskClass());
        List<String> found = ServiceLoader.load(SinkConnector.class).stream().map(x -> x.type().getName()).toList();
        assertTrue(found.contains(c.getClass().getName()), found.toString());
        assertEquals(Version.get(), c.version());
        assertTrue(c.version().matches("\\d+\\.\\d+\\.\\d+.*"), c.version());
        assertEquals(c.version(), s.task().get().version());
    }

    /** Offsets are Connect's own: any the operator sets through the REST API are valid, with no caveat. */
    @ParameterizedTest
    @MethodSource("connectors")
    void offsetsSetThroughTheRestApiAreAccepted(Subject s) {
        assertTrue(s.connector().get().alterOffsets(s.props(), Map.of(new TopicPartition("twin.egress.x", 0), 42L)));
    }

    /** The defaults of the shared fragments; each connector's batch limits are in its own test. */
    @ParameterizedTest
    @MethodSource("connectors")
    void theSharedDefaults(Subject s) {
        DeliveryConfig config = s.config().apply(s.props());
        assertEquals(1_000L, config.backoffInitial().toMillis());
        assertEquals(30 * 60 * 1000L, config.backoffMax().toMillis());
        assertEquals(0.2, config.backoffJitter());
        assertEquals(24 * 60 * 60 * 1000L, config.deliveryDeadline().toMillis());
        assertEquals(0L, config.batchMaxWait().toMillis());
        assertEquals(5_000L, config.clientTryTimeout().toMillis());
        assertEquals(1, config.clientMaxRetries());
        assertFalse(config.deadLetterAvailable());
        assertTrue(config.secondaryConnectionString().isEmpty());
        assertEquals(ConfigDef.Type.PASSWORD, s.configDef().configKeys().get(DeliveryConfig.CONNECTION_STRING_CONFIG).type);
        assertEquals(ConfigDef.Type.PASSWORD, s.configDef().configKeys().get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG).type);
        assertEquals(List.of(DeliveryConfig.CONNECTION_GROUP, DeliveryConfig.RETRY_GROUP, DeliveryConfig.BATCH_GROUP,
            DeliveryConfig.DELIVERY_GROUP), s.configDef().groups().subList(0, 4), "the shared groups first, in order");
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void deadLetteringNeedsToleranceAllAndATopic(Subject s) {
        Map<String, String> p = s.props();
        p.put("errors.deadletterqueue.topic.name", "dlq");
        assertFalse(s.config().apply(p).deadLetterAvailable(), "tolerance none would fail the task");
        p.put("errors.tolerance", "all");
        assertTrue(s.config().apply(p).deadLetterAvailable());
        p.remove("errors.deadletterqueue.topic.name");
        p.put("errors.log.enable", "true");
        assertFalse(s.config().apply(p).deadLetterAvailable(), "logging only would drop the record");
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void secretsNeverShowInToString(Subject s) {
        DeliveryConfig config = s.config().apply(s.props());
        assertFalse(config.toString().contains(CANARY));
        assertFalse(config.connectionString().toString().contains(CANARY));
    }

    // ------------------------------------------------------------------ auth.mode=entra-id

    @ParameterizedTest
    @MethodSource("connectors")
    void anEntraIdConfigValidatesCleanForEachCredentialKind(Subject s) {
        assertEquals(Map.of(), s.errors(s.entraProps()), "client-secret");
        Map<String, String> p = s.entraProps();
        p.remove(AuthConfig.ENTRA_CLIENT_SECRET_CONFIG);
        p.put(AuthConfig.ENTRA_CREDENTIAL_CONFIG, "workload-identity");
        p.put(AuthConfig.ENTRA_TOKEN_FILE_CONFIG, "/var/run/secrets/azure/tokens/azure-identity-token");
        assertEquals(Map.of(), s.errors(p), "workload-identity");
        p.put(AuthConfig.ENTRA_CREDENTIAL_CONFIG, "managed-identity");
        p.remove(AuthConfig.ENTRA_CLIENT_ID_CONFIG);
        p.remove(AuthConfig.ENTRA_TENANT_ID_CONFIG);
        assertEquals(Map.of(), s.errors(p), "system-assigned managed identity: nothing else needed");
        p.put(AuthConfig.ENTRA_CREDENTIAL_CONFIG, " Default ");
        assertEquals(Map.of(), s.errors(p), "the default chain");
        s.connector().get().start(s.entraProps());
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void aConnectionStringWithEntraIdIsAnErrorOnItsKey(Subject s) {
        Map<String, String> p = s.entraProps();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, s.primary());
        p.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, "not even well formed");
        assertEquals(Map.of(DeliveryConfig.CONNECTION_STRING_CONFIG, List.of(AuthConfig.ERROR_CONNECTION_STRING_WITH_ENTRA),
            DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, List.of(AuthConfig.ERROR_CONNECTION_STRING_WITH_ENTRA)),
            s.errors(p));
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void eachMissingEntraFieldIsReportedOnItsKey(Subject s) {
        Map<String, String> p = s.entraProps();
        p.remove(AuthConfig.ENTRA_CLIENT_ID_CONFIG);
        p.remove(AuthConfig.ENTRA_TENANT_ID_CONFIG);
        p.remove(AuthConfig.ENTRA_CLIENT_SECRET_CONFIG);
        assertEquals(Map.of(
            AuthConfig.ENTRA_CLIENT_ID_CONFIG, List.of(String.format(AuthConfig.ERROR_NO_CLIENT_ID, "client-secret")),
            AuthConfig.ENTRA_TENANT_ID_CONFIG, List.of(String.format(AuthConfig.ERROR_NO_TENANT_ID, "client-secret")),
            AuthConfig.ENTRA_CLIENT_SECRET_CONFIG, List.of(AuthConfig.ERROR_NO_CLIENT_SECRET)), s.errors(p));

        p = s.entraProps();
        p.remove(AuthConfig.ENTRA_CLIENT_SECRET_CONFIG);
        p.put(AuthConfig.ENTRA_CREDENTIAL_CONFIG, "workload-identity");
        p.remove(AuthConfig.ENTRA_TENANT_ID_CONFIG);
        assertEquals(Map.of(AuthConfig.ENTRA_TENANT_ID_CONFIG,
            List.of(String.format(AuthConfig.ERROR_NO_TENANT_ID, "workload-identity"))), s.errors(p));

        p = s.entraProps();
        p.remove(AuthConfig.ENTRA_CREDENTIAL_CONFIG);
        assertEquals(Map.of(AuthConfig.ENTRA_CREDENTIAL_CONFIG, List.of(AuthConfig.ERROR_NO_CREDENTIAL)), s.errors(p));
        p.put(AuthConfig.ENTRA_CREDENTIAL_CONFIG, "certificate");
        assertEquals(Map.of(AuthConfig.ENTRA_CREDENTIAL_CONFIG, List.of(AuthConfig.ERROR_BAD_CREDENTIAL)), s.errors(p));

        p = s.entraProps();
        p.put(AuthConfig.ENTRA_CREDENTIAL_CONFIG, "managed-identity");
        assertEquals(Map.of(AuthConfig.ENTRA_CLIENT_SECRET_CONFIG, List.of(AuthConfig.ERROR_SECRET_UNUSED)), s.errors(p),
            "a secret beside a managed identity is a mistake worth saying");

        p = s.entraProps();
        p.put(AuthConfig.ENTRA_AUTHORITY_HOST_CONFIG, "login.microsoftonline.us");
        assertEquals(Map.of(AuthConfig.ENTRA_AUTHORITY_HOST_CONFIG, List.of(AuthConfig.ERROR_BAD_AUTHORITY)), s.errors(p));

        p = s.entraProps();
        p.put(AuthConfig.AUTH_MODE_CONFIG, "sas");
        assertEquals(Map.of(AuthConfig.AUTH_MODE_CONFIG, List.of(AuthConfig.ERROR_MODE)), s.errors(p));
    }

    @ParameterizedTest
    @MethodSource("amqpConnectors")
    void anAmqpConnectorWithAnIdentityNeedsTheNamespaceAndThePath(Subject s) {
        Map<String, String> p = s.entraProps();
        p.remove(AuthConfig.NAMESPACE_CONFIG);
        assertEquals(Map.of(AuthConfig.NAMESPACE_CONFIG, List.of(AuthConfig.ERROR_NO_NAMESPACE)), s.errors(p));
        p.put(AuthConfig.NAMESPACE_CONFIG, "sb://contoso.servicebus.windows.net/");
        assertEquals(Map.of(AuthConfig.NAMESPACE_CONFIG, List.of(AuthConfig.ERROR_BAD_NAMESPACE)), s.errors(p));
        p.put(AuthConfig.NAMESPACE_CONFIG, "contoso.servicebus.windows.net");
        p.put(AuthConfig.CUSTOM_ENDPOINT_CONFIG, "amqp://10.0.0.4");
        assertEquals(Map.of(AuthConfig.CUSTOM_ENDPOINT_CONFIG, List.of(AuthConfig.ERROR_BAD_CUSTOM_ENDPOINT)), s.errors(p));
        p.remove(AuthConfig.CUSTOM_ENDPOINT_CONFIG);
        p.remove(DeliveryConfig.PATH_CONFIG);
        assertEquals(List.of(DeliveryConfig.PATH_CONFIG), List.copyOf(s.errors(p).keySet()), "no EntityPath to fall back on");
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void keysStayTheDefaultMode(Subject s) {
        DeliveryConfig config = s.config().apply(s.props());
        assertEquals("connection-string", config.authMode().value());
        assertEquals(ConfigDef.Type.PASSWORD, s.configDef().configKeys().get(AuthConfig.ENTRA_CLIENT_SECRET_CONFIG).type);
        assertEquals("entra-id", s.config().apply(s.entraProps()).authMode().value());
    }

    /**
     * Every kind's credential is built from the config alone, without contacting anything (the
     * library asks for a token at the first send): the default chain included, which is therefore
     * tested here and not against a live endpoint.
     */
    @ParameterizedTest
    @MethodSource("connectors")
    void theCredentialOfEachKindIsBuiltFromTheConfig(Subject s) {
        for (String kind : List.of("client-secret", "workload-identity", "managed-identity", "default")) {
            Map<String, String> p = s.entraProps();
            p.put(AuthConfig.ENTRA_CREDENTIAL_CONFIG, kind);
            if (!kind.equals("client-secret")) {
                p.remove(AuthConfig.ENTRA_CLIENT_SECRET_CONFIG);
            }
            p.put(AuthConfig.ENTRA_TOKEN_FILE_CONFIG, "/nonexistent/token");
            p.put(AuthConfig.ENTRA_AUTHORITY_HOST_CONFIG, "https://127.0.0.1:1");
            assertEquals(Map.of(), s.errors(p), kind);
            DeliveryConfig config = s.config().apply(p);
            assertEquals(kind, config.entra().kind().value());
            assertTrue(EntraCredentials.build(config.entra()).getClass().getSimpleName().endsWith("Credential"), kind);
        }
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void theClientSecretNeverShowsInToStringErrorsOrTheIdentityWeLog(Subject s) {
        DeliveryConfig config = s.config().apply(s.entraProps());
        assertFalse(config.toString().contains(SECRET_CANARY));
        assertFalse(config.entra().toString().contains(SECRET_CANARY));
        assertFalse(config.entra().identity().contains(SECRET_CANARY));
        assertTrue(config.entra().identity().contains("5e1f0000-0000-4000-8000-0000000000b2"), "names the client id");
        Map<String, String> p = s.entraProps();
        p.put(AuthConfig.ENTRA_CREDENTIAL_CONFIG, "managed-identity");
        p.remove(AuthConfig.ENTRA_TENANT_ID_CONFIG);
        ConfigException e = assertThrows(ConfigException.class, () -> s.connector().get().start(p));
        assertTrue(e.getMessage().contains(AuthConfig.ENTRA_CLIENT_SECRET_CONFIG + ": " + AuthConfig.ERROR_SECRET_UNUSED), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET_CANARY));
        s.connector().get().validate(p).configValues().forEach(v -> v.errorMessages()
            .forEach(m -> assertFalse(m.contains(SECRET_CANARY), m)));
    }
}
