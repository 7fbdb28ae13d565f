package io.twinegress.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.localstack.Layout;
import io.twinegress.localstack.LocalStack;
import io.twinegress.localstack.Observability;
import io.twinegress.localstack.Ports;
import io.twinegress.localstack.dashboard.EndpointRow;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The router and the Connect worker of a running local stack ({@code ./twin-egress-local --metrics}:
 * child processes of the packaged artifacts, the JMX exporter agent with deploy/prometheus/router.yml
 * and connect.yml) scraped for real after sample traffic and one bad event: every metric of
 * {@link MetricCatalog} (what the dashboard and the alerts use) must be there with exactly its labels,
 * for every sample endpoint; and the router's health endpoint must answer from the same status table
 * the local stack's table shows.
 */
class MetricsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;
    private static Set<String> endpointIds;

    @BeforeAll
    static void start() throws Exception {
        Layout layout = Layout.fromSystem();
        stack = LocalStack.start(layout, Ports.free(), Observability.free(), layout.home().resolve("deploy-check/target/it-logs"),
                line -> System.out.println("[MetricsIT] " + line));
        endpointIds = stack.endpoints().stream().map(SampleEndpoint::id).collect(Collectors.toCollection(TreeSet::new));
        stack.traffic().sendEach(5);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.ports().kafkaBootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.EVENTS, "twin-1".getBytes(StandardCharsets.UTF_8),
                    "not json".getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<Exposition.Sample> scrape() throws Exception {
        List<Exposition.Sample> all = new ArrayList<>();
        for (String url : List.of(stack.observability().routerMetricsUrl(), stack.observability().connectMetricsUrl())) {
            HttpResponse<String> response = get(url);
            assertEquals(200, response.statusCode(), url);
            all.addAll(Exposition.parse(response.body()));
        }
        return all;
    }

    private static List<Exposition.Sample> named(List<Exposition.Sample> samples, String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** Whether every endpoint has delivered and been routed to, and the bad event was counted: the scrape shows it all. */
    private static boolean settled(List<Exposition.Sample> samples) {
        Set<String> delivered = named(samples, "twin_egress_delivery_delivered_records_total").stream()
                .filter(s -> s.value() > 0).map(s -> s.labels().get("endpoint")).collect(Collectors.toSet());
        Set<String> routed = named(samples, "twin_egress_router_endpoint_routed_total").stream()
                .map(s -> s.labels().get("endpoint")).collect(Collectors.toSet());
        Set<String> lag = named(samples, "twin_egress_connect_consumer_records_lag").stream()
                .map(s -> s.labels().get("endpoint")).collect(Collectors.toSet());
        boolean badEventCounted = named(samples, "twin_egress_router_dead_lettered_total").stream()
                .anyMatch(s -> "invalid-event".equals(s.labels().get("kind")) && s.value() == 1);
        return delivered.containsAll(endpointIds) && routed.containsAll(endpointIds) && lag.containsAll(endpointIds) && badEventCounted;
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsUseIsScrapedWithItsLabels() throws Exception {
        List<Exposition.Sample> samples = await("every endpoint delivered and routed to, the bad event counted").atMost(DEADLINE)
                .pollInterval(Duration.ofSeconds(1)).until(MetricsIT::scrape, MetricsIT::settled);
        MetricCatalog catalog = MetricCatalog.load();
        List<String> problems = new ArrayList<>();
        catalog.metrics().forEach((name, labels) -> {
            List<Exposition.Sample> series = named(samples, name);
            if (series.isEmpty()) {
                problems.add(name + ": not scraped");
                return;
            }
            for (Exposition.Sample s : series) {
                if (!s.labels().keySet().equals(labels)) {
                    problems.add(name + ": labels " + s.labels().keySet() + ", expected " + labels);
                }
            }
            if (labels.contains("endpoint")) {
                Set<String> seen = series.stream().map(s -> s.labels().get("endpoint")).collect(Collectors.toCollection(TreeSet::new));
                if (!seen.containsAll(endpointIds)) {
                    problems.add(name + ": endpoints " + seen + ", expected every one of " + endpointIds);
                }
            }
        });
        assertEquals(List.of(), problems, "against " + MetricCatalog.FILE);

        // the values say what happened
        for (String id : endpointIds) {
            assertEquals(Set.of("primary"), named(samples, "twin_egress_delivery_active_key").stream()
                    .filter(s -> id.equals(s.labels().get("endpoint"))).map(s -> s.labels().get("value")).collect(Collectors.toSet()), id);
            assertTrue(named(samples, "twin_egress_connect_task_status").stream().anyMatch(s -> id.equals(s.labels().get("endpoint"))
                    && "running".equals(s.labels().get("status")) && s.value() == 1), id + " task running");
        }
        assertTrue(named(samples, "twin_egress_router_streams_state").stream()
                .anyMatch(s -> "RUNNING".equals(s.labels().get("state")) && s.value() == 1), "the router is RUNNING");
        assertTrue(named(samples, "twin_egress_router_routed_total").get(0).value() > 0, "the router routed");
    }

    @Test
    void theHealthEndpointAnswersFromTheStatusTableTheLocalStacksTableShows() throws Exception {
        String base = stack.observability().routerHealthUrl();
        HttpResponse<String> health = get(base + "/health");
        assertEquals(200, health.statusCode(), health.body());
        JsonNode h = JSON.readTree(health.body());
        assertEquals("UP", h.get("status").asText());
        assertEquals(endpointIds.size(), h.get("endpoints").asInt());
        assertEquals(200, get(base + "/health/live").statusCode());

        HttpResponse<String> endpoints = get(base + "/endpoints");
        assertEquals(200, endpoints.statusCode());
        JsonNode table = JSON.readTree(endpoints.body()).get("endpoints");
        assertEquals(endpointIds, iterable(table.fieldNames()));
        for (EndpointRow row : stack.monitor().rows()) {
            JsonNode status = table.get(row.endpoint());
            String routerHalf = row.state().substring(0, row.state().indexOf('/'));
            assertEquals(routerHalf, status.get("state").asText(), row.endpoint() + ": the table's router state");
            assertEquals(row.type(), status.get("endpoint").get("type").asText(), row.endpoint());
            assertEquals("twin.egress." + row.endpoint(), status.get("egressTopic").asText());
        }
        for (SampleEndpoint e : stack.endpoints()) {
            // status records never hold secrets: no key of the endpoint is anywhere in the answer
            assertFalse(endpoints.body().contains(e.primaryKey()) || endpoints.body().contains(e.secondaryKey()), e.id());
        }
    }

    private static Set<String> iterable(java.util.Iterator<String> names) {
        Set<String> out = new TreeSet<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
