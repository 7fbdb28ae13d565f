package io.twinegress.cli.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.cli.args.UsageException;
import io.twinegress.cli.output.Secret;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointType;
import io.twinegress.schemas.EventType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectorConfigsTest {

    static final String PRIMARY = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=canary-primary-key";

    @Test
    void serviceBusEndpoint() {
        Endpoint e = Endpoint.of("sb-1", EndpointType.ServiceBus, "orders", EventType.SensorChange, EventType.SpaceChange);
        ConnectorConfig c = ConnectorConfigs.build(e, "twin.egress.sb-1", Secret.of(PRIMARY), null, Map.of("tasks.max", "2"));
        Map<String, String> r = c.toRequest();
        assertEquals("ServiceBusSinkConnector", r.get("connector.class"));
        assertEquals("twin.egress.sb-1", r.get("topics"));
        assertEquals("orders", r.get("path"));
        assertEquals(PRIMARY, r.get("connection.string"));
        assertFalse(r.containsKey("secondary.connection.string"));
        assertFalse(r.containsKey("device.messages"));
        assertEquals("read_committed", r.get("consumer.override.isolation.level"));
        assertEquals("org.apache.kafka.connect.converters.ByteArrayConverter", r.get("header.converter"));
        assertEquals("all", r.get("errors.tolerance"));
        assertEquals("twin.egress.sb-1.dlq", r.get("errors.deadletterqueue.topic.name"));
        assertEquals("true", r.get("errors.deadletterqueue.context.headers.enable"));
        assertEquals("2", r.get("tasks.max"));
    }

    @Test
    void theDeviceMessageEventHubEndpointSetsDeviceMessages() {
        Endpoint e = Endpoint.of("eh-dm", EndpointType.EventHub, "telemetry", EventType.DeviceMessage);
        ConnectorConfig c = ConnectorConfigs.build(e, "twin.egress.eh-dm", Secret.of(PRIMARY + ";EntityPath=telemetry"),
                Secret.of(PRIMARY.replace("primary", "secondary") + ";EntityPath=telemetry"), Map.of());
        assertEquals("EventHubsSinkConnector", c.toRequest().get("connector.class"));
        assertEquals("true", c.toRequest().get("device.messages"));
        assertTrue(c.toRequest().get("secondary.connection.string").contains("canary-secondary-key"));
    }

    @Test
    void connectorClassPerType() {
        assertEquals("EventGridSinkConnector", ConnectorConfigs.connectorClass(EndpointType.EventGrid));
        assertEquals("EventHubsSinkConnector", ConnectorConfigs.connectorClass(EndpointType.EventHub));
        assertEquals("ServiceBusSinkConnector", ConnectorConfigs.connectorClass(EndpointType.ServiceBus));
    }

    @Test
    void describeAndToStringNeverShowAValueButShowAReference() {
        Endpoint e = Endpoint.of("sb-1", EndpointType.ServiceBus, "orders", EventType.SensorChange);
        ConnectorConfig c = ConnectorConfigs.build(e, "t", Secret.of(PRIMARY), Secret.reference("${file:/etc/s.properties:secondary}"), Map.of());
        assertFalse(c.toString().contains("canary"));
        assertEquals("[hidden]", c.describe().get("connection.string"));
        assertEquals("${file:/etc/s.properties:secondary}", c.describe().get("secondary.connection.string"));
    }

    @Test
    void setRefusesWhatComesFromTheBody() {
        assertEquals(Map.of("tasks.max", "2", "a", "b=c"), ConnectorConfigs.extras(List.of("tasks.max=2", "a=b=c")));
        UsageException e = assertThrows(UsageException.class, () -> ConnectorConfigs.extras(List.of("connection.string=x")));
        assertEquals("--set connection.string is not allowed: it comes from the body (secrets never go on the command line)", e.getMessage());
        assertThrows(UsageException.class, () -> ConnectorConfigs.extras(List.of("topics=x")));
        assertThrows(UsageException.class, () -> ConnectorConfigs.extras(List.of("novalue")));
    }

    @Test
    void secretsModes() {
        assertEquals(new SecretsMode.Inline(), SecretsMode.parse(null));
        assertEquals(new SecretsMode.File(Path.of("/etc/x.properties")), SecretsMode.parse("file:/etc/x.properties"));
        assertEquals("${file:/etc/x.properties:primary}", ((SecretsMode.File) SecretsMode.parse("file:/etc/x.properties")).reference("primary"));
        assertEquals(new SecretsMode.Env("P", Optional.of("S")), SecretsMode.parse("env:P,S"));
        assertThrows(UsageException.class, () -> SecretsMode.parse("file:relative.properties"));
        assertThrows(UsageException.class, () -> SecretsMode.parse("env:"));
        assertThrows(UsageException.class, () -> SecretsMode.parse("vault:x"));
    }

    @Test
    void aConfigReadBackFromConnectKeepsItsSecretsApart() {
        ConnectorConfig c = ConnectorConfig.fromConnect(Map.of("connector.class", "ServiceBusSinkConnector",
                "connection.string", PRIMARY, "secondary.connection.string", "${file:/etc/twin/sb.properties:secondary}"));
        assertEquals(Optional.of(Secret.of(PRIMARY)), c.secret("connection.string"));
        assertFalse(c.plain().containsKey("connection.string"));
        assertFalse(c.toString().contains("canary-primary-key"), c.toString());
        assertTrue(c.toString().contains("${file:/etc/twin/sb.properties:secondary}"), "a reference stays visible: " + c);
        assertEquals(PRIMARY, c.toRequest().get("connection.string"), "and goes back to Connect as it came");
    }
}
