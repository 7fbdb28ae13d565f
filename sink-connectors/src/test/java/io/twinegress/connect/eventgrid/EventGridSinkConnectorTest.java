package io.twinegress.connect.eventgrid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twinegress.connect.core.ConnectionString;
import io.twinegress.connect.core.DeliveryConfig;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class EventGridSinkConnectorTest {

    static final String CANARY = "CANARY-EG-KEY-5c1d09e3=";

    static Map<String, String> props() {
        Map<String, String> p = new HashMap<>();
        p.put("name", "eg-endpoint");
        p.put("connector.class", "EventGridSinkConnector");
        p.put("topics", "twin.egress.eg-endpoint");
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, CANARY);
        p.put(DeliveryConfig.PATH_CONFIG, "twins.westus2-1.eventgrid.azure.net");
        return p;
    }

    static Map<String, List<String>> errors(Map<String, String> props) {
        return new EventGridSinkConnector().validate(props).configValues().stream()
            .filter(v -> !v.errorMessages().isEmpty())
            .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void aGoodConfigValidatesClean() {
        assertEquals(Map.of(), errors(props()));
        Map<String, String> p = props();
        p.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, "other-key");
        p.put(DeliveryConfig.PATH_CONFIG, "http://127.0.0.1:5681/twins/api/events");
        assertEquals(Map.of(), errors(p));
    }

    @Test
    void theEndpointIsHttpsApiEventsForAHostAndAUrlAsIs() {
        assertEquals(URI.create("https://twins.westus2-1.eventgrid.azure.net/api/events?api-version=2018-01-01"),
            new EventGridSinkConfig(props()).endpoint());
        Map<String, String> p = props();
        p.put(DeliveryConfig.PATH_CONFIG, " http://127.0.0.1:5681/twins/api/events ");
        assertEquals(URI.create("http://127.0.0.1:5681/twins/api/events"), new EventGridSinkConfig(p).endpoint());
    }

    /**
     * The Azure portal shows a topic's endpoint without {@code api-version}, and Event Grid refuses
     * every request without one: an {@code *.eventgrid.azure.net} URL gets it appended; any other
     * URL (a local stand-in) is used as is.
     */
    @Test
    void anEventGridUrlWithoutApiVersionGetsItAppended() {
        assertEquals(URI.create("https://twins.westus2-1.eventgrid.azure.net/api/events?api-version=2018-01-01"),
            EventGridSinkConfig.endpoint("https://twins.westus2-1.eventgrid.azure.net/api/events"));
        assertEquals(URI.create("https://TWINS.westus2-1.EventGrid.Azure.net/api/events?api-version=2018-01-01"),
            EventGridSinkConfig.endpoint("https://TWINS.westus2-1.EventGrid.Azure.net/api/events"), "host names are case-insensitive");
        assertEquals(URI.create("https://twins.westus2-1.eventgrid.azure.net/api/events?api-version=2018-01-01"),
            EventGridSinkConfig.endpoint("https://twins.westus2-1.eventgrid.azure.net/api/events?api-version=2018-01-01"));
        assertEquals(URI.create("https://twins.westus2-1.eventgrid.azure.net/api/events?x=1&api-version=2018-01-01"),
            EventGridSinkConfig.endpoint("https://twins.westus2-1.eventgrid.azure.net/api/events?x=1"));
        assertEquals(URI.create("http://127.0.0.1:5681/twins/api/events"),
            EventGridSinkConfig.endpoint("http://127.0.0.1:5681/twins/api/events"), "a stand-in's URL as is");
    }

    @Test
    void aBadPathIsReportedOnItsKey() {
        Map<String, String> p = props();
        p.remove(DeliveryConfig.PATH_CONFIG);
        assertEquals(Map.of(DeliveryConfig.PATH_CONFIG, List.of(EventGridSinkConfig.ERROR_NO_PATH)), errors(p));
        p.put(DeliveryConfig.PATH_CONFIG, "twins/api/events");
        assertEquals(Map.of(DeliveryConfig.PATH_CONFIG, List.of(EventGridSinkConfig.ERROR_BAD_HOST)), errors(p));
        p.put(DeliveryConfig.PATH_CONFIG, "https:///api/events");
        assertEquals(Map.of(DeliveryConfig.PATH_CONFIG, List.of(EventGridSinkConfig.ERROR_BAD_URL)), errors(p));
    }

    @Test
    void aMalformedKeyIsReportedOnItsKeyWithoutTheValue() {
        Map<String, String> p = props();
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, "Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=" + CANARY);
        p.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, CANARY + " with spaces");
        assertEquals(Map.of(
            DeliveryConfig.CONNECTION_STRING_CONFIG, List.of(EventGridSinkConfig.ERROR_KEY_IS_CONNECTION_STRING),
            DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, List.of(EventGridSinkConfig.ERROR_KEY_CHARACTERS)), errors(p));
        p.put(DeliveryConfig.CONNECTION_STRING_CONFIG, " ");
        p.remove(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG);
        assertEquals(Map.of(DeliveryConfig.CONNECTION_STRING_CONFIG, List.of(ConnectionString.ERROR_EMPTY)), errors(p));
    }

    @Test
    void batchLimitsAreEventGrids() {
        Map<String, String> p = props();
        p.put(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, String.valueOf(1024 * 1024 + 1));
        p.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "5001");
        assertEquals(List.of(DeliveryConfig.BATCH_MAX_BYTES_CONFIG, DeliveryConfig.BATCH_MAX_RECORDS_CONFIG),
            errors(p).keySet().stream().sorted().toList());
    }

    @Test
    void exactDefaults() {
        EventGridSinkConfig config = new EventGridSinkConfig(props());
        assertEquals(1000, config.batchMaxRecords());
        assertEquals(1024 * 1024L, config.batchMaxBytes());
        assertEquals(1_000L, config.backoffInitial().toMillis());
        assertEquals(30 * 60 * 1000L, config.backoffMax().toMillis());
        assertEquals(24 * 60 * 60 * 1000L, config.deliveryDeadline().toMillis());
        assertEquals(5_000L, config.clientTryTimeout().toMillis());
        assertEquals(21_000L, config.tryTimeout().toMillis(), "5 s + 1 MiB at 64 KiB/s: one request of a full batch");
        assertEquals(1, config.clientMaxRetries());
        assertEquals(ConfigDef.Type.PASSWORD, EventGridSinkConfig.CONFIG_DEF.configKeys().get(DeliveryConfig.CONNECTION_STRING_CONFIG).type);
        assertEquals(ConfigDef.Type.PASSWORD,
            EventGridSinkConfig.CONFIG_DEF.configKeys().get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG).type);
    }

}
