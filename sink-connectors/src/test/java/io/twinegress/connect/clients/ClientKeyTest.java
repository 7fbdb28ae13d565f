package io.twinegress.connect.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What decides whether two tasks share a client: the credential and every client setting, never what is not part of the client. */
class ClientKeyTest {

    static final String CANARY = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=CANARY-SECRET";

    @Test
    void sameCredentialAndSettingsAreOneKey() {
        assertEquals(ClientKey.of("sb", CANARY, Map.of("topics", "a"), 1, Duration.ofSeconds(10)),
            ClientKey.of("sb", CANARY, Map.of("topics", "b"), 1, Duration.ofSeconds(10)),
            "settings outside the client (the topic read) do not split the sharing");
    }

    @Test
    void anotherKeyOrNamespaceIsAnotherKey() {
        assertNotEquals(ClientKey.of("sb", CANARY, Map.of()), ClientKey.of("sb", CANARY.replace("CANARY", "OTHER"), Map.of()));
        assertNotEquals(ClientKey.of("sb", CANARY, Map.of()), ClientKey.of("sb", CANARY.replace("ns.", "ns2."), Map.of()));
    }

    @Test
    void everyClientSettingCounts() {
        assertNotEquals(ClientKey.of("sb", CANARY, Map.of(), 1, Duration.ofSeconds(10)),
            ClientKey.of("sb", CANARY, Map.of(), 0, Duration.ofSeconds(10)));
        assertNotEquals(ClientKey.of("sb", CANARY, Map.of(), "hub-a"), ClientKey.of("sb", CANARY, Map.of(), "hub-b"));
        assertNotEquals(ClientKey.of("sb", CANARY, Map.of()), ClientKey.of("eh", CANARY, Map.of()));
    }

    @Test
    void theIdentityConfiguredUnderAuthIsPartOfIt() {
        assertNotEquals(ClientKey.of("sb", null, Map.of("auth.client.id", "app-1")), ClientKey.of("sb", null, Map.of("auth.client.id", "app-2")));
        assertEquals(ClientKey.of("sb", null, Map.of("auth.mode", "entra-id", "auth.client.id", "app-1")),
            ClientKey.of("sb", null, Map.of("auth.client.id", "app-1", "auth.mode", "entra-id")), "order of the config does not matter");
    }

    @Test
    void fieldsDoNotRunTogether() {
        assertNotEquals(ClientKey.of("sb", "ab", Map.of(), "c"), ClientKey.of("sb", "a", Map.of(), "bc"));
    }

    @Test
    void neverShowsTheSecret() {
        assertFalse(ClientKey.of("sb", CANARY, Map.of()).toString().contains("CANARY"));
        assertEquals("ClientKey[sb]", ClientKey.of("sb", CANARY, Map.of()).toString());
    }
}
