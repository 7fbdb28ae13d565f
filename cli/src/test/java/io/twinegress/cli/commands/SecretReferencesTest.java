package io.twinegress.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.connect.SecretsMode;
import io.twinegress.cli.output.Secret;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointType;
import io.twinegress.schemas.EventType;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a new key takes the place of the current one, and how a connector reads its secrets now. */
class SecretReferencesTest {

    static final String CURRENT = "Endpoint=sb://ns/;SharedAccessKeyName=send;SharedAccessKey=old-key-1;EntityPath=hub";

    @Test
    void aBareKeyReplacesOnlyTheKeyOfTheCurrentConnectionString() {
        Secret next = SecretReferences.newValue("--primary-key-from", Secret.of("new-key-2"), Secret.of(CURRENT), false);
        assertEquals("Endpoint=sb://ns/;SharedAccessKeyName=send;SharedAccessKey=new-key-2;EntityPath=hub", next.reveal());
    }

    @Test
    void aWholeConnectionStringReplacesTheOldOne() {
        Secret given = Secret.of("Endpoint=sb://other/;SharedAccessKeyName=a;SharedAccessKey=b-key-3");
        assertEquals(given, SecretReferences.newValue("--primary-key-from", given, Secret.of(CURRENT), false));
    }

    @Test
    void anEventGridKeyIsTheValueItself() {
        Secret given = Secret.of("event-grid-key-4");
        assertEquals(given, SecretReferences.newValue("--secondary-key-from", given, Secret.of("old-event-grid-key"), true));
    }

    @Test
    void aBareKeyWithoutAConnectionStringToPutItIn() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> SecretReferences.newValue("--secondary-key-from", Secret.of("bare-key-5"), null, false));
        assertEquals("--secondary-key-from", e.problems().get(0).field());
    }

    @Test
    void anUpdateWithoutSecretsAsKeepsHowTheConnectorReadsItsSecrets() {
        Endpoint e = Endpoint.of("sb-1", EndpointType.ServiceBus, "orders", EventType.SensorChange);
        assertEquals(new SecretsMode.File(Path.of("/etc/twin/sb-1.properties")), SecretReferences.currentMode(
                ConnectorConfigs.build(e, "t", Secret.reference("${file:/etc/twin/sb-1.properties:primary}"), null, Map.of())));
        assertEquals(new SecretsMode.Env("SB_P", Optional.of("SB_S")), SecretReferences.currentMode(
                ConnectorConfigs.build(e, "t", Secret.reference("${env:SB_P}"), Secret.reference("${env:SB_S}"), Map.of())));
        assertEquals(new SecretsMode.Inline(), SecretReferences.currentMode(
                ConnectorConfigs.build(e, "t", Secret.of(CURRENT), null, Map.of())));
    }
}
