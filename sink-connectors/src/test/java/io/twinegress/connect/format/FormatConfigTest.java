package io.twinegress.connect.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliverySinkConnector;
import io.twinegress.connect.eventgrid.EventGridSinkConfig;
import io.twinegress.connect.eventgrid.EventGridSinkConnector;
import io.twinegress.connect.eventhubs.EventHubsSinkConnector;
import io.twinegress.connect.servicebus.ServiceBusSinkConnector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The event-format keys on the three connectors, and the Event Grid namespace-topic keys: defaults,
 * what {@code validate()} refuses, each error on its key and naming it.
 */
class FormatConfigTest {

    static final String SAS = "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=Send;SharedAccessKey=k";

    record Subject(String name, Supplier<DeliverySinkConnector> connector, String primary, String path, boolean amqp) {
        Map<String, String> props() {
            Map<String, String> p = new HashMap<>();
            p.put("name", name);
            p.put("topics", "twin.egress." + name);
            p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, primary);
            p.put(DeliveryConfig.PATH_CONFIG, path);
            return p;
        }

        Map<String, List<String>> errors(Map<String, String> props) {
            return connector.get().validate(props).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Subject> connectors() {
        return Stream.of(
            new Subject("servicebus", ServiceBusSinkConnector::new, SAS, "twins", true),
            new Subject("eventhubs", EventHubsSinkConnector::new, SAS, "telemetry", true),
            new Subject("eventgrid", EventGridSinkConnector::new, "a2V5MQ==", "twins.westus2-1.eventgrid.azure.net", false));
    }

    static Stream<Subject> amqpConnectors() {
        return connectors().filter(Subject::amqp);
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void asIsIsTheDefaultAndCloudEventsValidates(Subject s) {
        assertEquals("as-is", s.connector().get().config().defaultValues().get(FormatConfig.EVENT_FORMAT_CONFIG));
        assertEquals("twin-egress", s.connector().get().config().defaultValues().get(FormatConfig.CLOUDEVENTS_SOURCE_CONFIG));
        Map<String, String> p = s.props();
        p.put(FormatConfig.EVENT_FORMAT_CONFIG, "cloudevents");
        p.put(FormatConfig.CLOUDEVENTS_SOURCE_CONFIG, "urn:twin-egress:" + s.name());
        assertEquals(Map.of(), s.errors(p));
        p.put(FormatConfig.EVENT_FORMAT_CONFIG, "CloudEvents");
        assertEquals(Map.of(), s.errors(p), "any case");
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void anUnknownFormatIsRefusedOnItsKey(Subject s) {
        Map<String, String> p = s.props();
        p.put(FormatConfig.EVENT_FORMAT_CONFIG, "cloud-events");
        List<String> errors = s.errors(p).get(FormatConfig.EVENT_FORMAT_CONFIG);
        assertEquals(1, errors.size(), s.errors(p).toString());
        assertTrue(errors.get(0).contains("event.format must be one of as-is, cloudevents"), errors.get(0));
    }

    @ParameterizedTest
    @MethodSource("connectors")
    void aSourceThatIsNotAUriReferenceIsRefusedOnItsKey(Subject s) {
        Map<String, String> p = s.props();
        p.put(FormatConfig.CLOUDEVENTS_SOURCE_CONFIG, "not a uri");
        assertTrue(s.errors(p).get(FormatConfig.CLOUDEVENTS_SOURCE_CONFIG).get(0).contains("cloudevents.source is not a URI-reference"));
        p.put(FormatConfig.CLOUDEVENTS_SOURCE_CONFIG, " ");
        assertTrue(s.errors(p).get(FormatConfig.CLOUDEVENTS_SOURCE_CONFIG).get(0).contains("cloudevents.source must not be empty"));
    }

    @ParameterizedTest
    @MethodSource("amqpConnectors")
    void theAmqpConnectorsTakeBinaryOrStructuredMode(Subject s) {
        assertEquals("binary", s.connector().get().config().defaultValues().get(FormatConfig.CLOUDEVENTS_MODE_CONFIG));
        Map<String, String> p = s.props();
        p.put(FormatConfig.CLOUDEVENTS_MODE_CONFIG, "structured");
        assertEquals(Map.of(), s.errors(p));
        p.put(FormatConfig.CLOUDEVENTS_MODE_CONFIG, "batch");
        assertTrue(s.errors(p).get(FormatConfig.CLOUDEVENTS_MODE_CONFIG).get(0)
            .contains("cloudevents.mode must be one of binary, structured"));
    }

    @Test
    void eventGridHasNoAmqpMode() {
        assertFalse(new EventGridSinkConnector().config().names().contains(FormatConfig.CLOUDEVENTS_MODE_CONFIG));
    }

    // ---- Event Grid namespace topics ------------------------------------------------------------

    static final Subject EVENT_GRID = connectors().filter(s -> !s.amqp()).findFirst().orElseThrow();

    static Map<String, String> namespace() {
        Map<String, String> p = EVENT_GRID.props();
        p.put(DeliveryConfig.PATH_CONFIG, "contoso.westus2-1.eventgrid.azure.net");
        p.put(EventGridSinkConfig.EVENTGRID_KIND_CONFIG, "namespace-topic");
        p.put(EventGridSinkConfig.NAMESPACE_TOPIC_CONFIG, "twins");
        p.put(FormatConfig.EVENT_FORMAT_CONFIG, "cloudevents");
        return p;
    }

    @Test
    void aNamespaceTopicWithCloudEventsValidatesAndPublishesToItsPublishUrl() {
        assertEquals(Map.of(), EVENT_GRID.errors(namespace()));
        assertEquals("https://contoso.westus2-1.eventgrid.azure.net/topics/twins:publish?api-version=2023-11-01",
            new EventGridSinkConfig(namespace()).endpoint().toString());
        Map<String, String> local = namespace();
        local.put(DeliveryConfig.PATH_CONFIG, "http://127.0.0.1:5681/");
        assertEquals("http://127.0.0.1:5681/topics/twins:publish?api-version=2023-11-01",
            new EventGridSinkConfig(local).endpoint().toString());
    }

    @Test
    void aNamespaceTopicRefusesAsIsOnEventFormat() {
        Map<String, String> p = namespace();
        p.remove(FormatConfig.EVENT_FORMAT_CONFIG);
        assertEquals(Map.of(FormatConfig.EVENT_FORMAT_CONFIG, List.of(EventGridSinkConfig.ERROR_NAMESPACE_NEEDS_CLOUDEVENTS)),
            EVENT_GRID.errors(p));
        assertTrue(EventGridSinkConfig.ERROR_NAMESPACE_NEEDS_CLOUDEVENTS.contains("event.format"));
    }

    @Test
    void aNamespaceTopicNeedsItsTopicName() {
        Map<String, String> p = namespace();
        p.remove(EventGridSinkConfig.NAMESPACE_TOPIC_CONFIG);
        assertEquals(Map.of(EventGridSinkConfig.NAMESPACE_TOPIC_CONFIG, List.of(EventGridSinkConfig.ERROR_NO_NAMESPACE_TOPIC)),
            EVENT_GRID.errors(p));
        p.put(EventGridSinkConfig.NAMESPACE_TOPIC_CONFIG, "no/slashes");
        assertTrue(EVENT_GRID.errors(p).get(EventGridSinkConfig.NAMESPACE_TOPIC_CONFIG).get(0)
            .contains(EventGridSinkConfig.ERROR_BAD_NAMESPACE_TOPIC));
    }

    @Test
    void aNamespaceTopicNameWithoutTheKindIsRefused() {
        Map<String, String> p = namespace();
        p.remove(EventGridSinkConfig.EVENTGRID_KIND_CONFIG);
        assertEquals(Map.of(EventGridSinkConfig.NAMESPACE_TOPIC_CONFIG, List.of(EventGridSinkConfig.ERROR_NAMESPACE_TOPIC_WITHOUT_KIND)),
            EVENT_GRID.errors(p));
    }

    @Test
    void anUnknownKindIsRefusedOnItsKey() {
        Map<String, String> p = namespace();
        p.put(EventGridSinkConfig.EVENTGRID_KIND_CONFIG, "domain");
        assertTrue(EVENT_GRID.errors(p).get(EventGridSinkConfig.EVENTGRID_KIND_CONFIG).get(0)
            .contains("eventgrid.kind must be one of topic, namespace-topic"));
    }
}
