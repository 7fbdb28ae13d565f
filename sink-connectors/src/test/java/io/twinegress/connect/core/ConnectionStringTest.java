package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectionStringTest {

    static final String CANARY = "CANARY-KEY-5f1d0c9e";

    @Test
    void parsesTheSeedFormat() {
        ConnectionString cs = ConnectionString.parse(new Password(
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=Send;SharedAccessKey=" + CANARY + ";EntityPath=twins"));
        assertEquals("contoso.servicebus.windows.net", cs.host());
        assertEquals(-1, cs.port());
        assertEquals(Optional.of("Send"), cs.keyName());
        assertEquals(Optional.of("twins"), cs.entityPath());
        assertFalse(cs.developmentEmulator());
        assertFalse(cs.toString().contains(CANARY), cs.toString());
        assertTrue(cs.sdkConnectionString().contains(CANARY));
    }

    @Test
    void parsesALocalStandIn() {
        ConnectionString cs = ConnectionString.parse(new Password(
            " endpoint = sb://127.0.0.1:5672 ; sharedaccesskeyname=k;SharedAccessKey=" + CANARY + "==;UseDevelopmentEmulator=true;"));
        assertEquals("127.0.0.1", cs.host());
        assertEquals(5672, cs.port());
        assertTrue(cs.developmentEmulator());
        assertEquals(Optional.empty(), cs.entityPath());
    }

    @Test
    void acceptsASharedAccessSignatureInsteadOfAKey() {
        assertEquals(Optional.empty(), ConnectionString.check(new Password(
            "Endpoint=sb://x.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=a&sig=b&se=1&skn=c")));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            Arguments.of("", ConnectionString.ERROR_EMPTY),
            Arguments.of("   ", ConnectionString.ERROR_EMPTY),
            Arguments.of(CANARY, ConnectionString.ERROR_FORMAT),
            Arguments.of("Endpoint=sb://x/;" + CANARY, ConnectionString.ERROR_FORMAT),
            Arguments.of("Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=a;" + CANARY + "=", ConnectionString.ERROR_UNKNOWN_PART),
            Arguments.of("Endpoint=sb://x/;Endpoint=sb://y/;SharedAccessKeyName=k;SharedAccessKey=" + CANARY, ConnectionString.ERROR_DUPLICATE_PART),
            Arguments.of("SharedAccessKeyName=k;SharedAccessKey=" + CANARY, ConnectionString.ERROR_NO_ENDPOINT),
            Arguments.of("Endpoint=https://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=" + CANARY, ConnectionString.ERROR_BAD_ENDPOINT),
            Arguments.of("Endpoint=sb://;SharedAccessKeyName=k;SharedAccessKey=" + CANARY, ConnectionString.ERROR_BAD_ENDPOINT),
            Arguments.of("Endpoint=sb://x y/;SharedAccessKeyName=k;SharedAccessKey=" + CANARY, ConnectionString.ERROR_BAD_ENDPOINT),
            Arguments.of("Endpoint=sb://x/", ConnectionString.ERROR_NO_CREDENTIALS),
            Arguments.of("Endpoint=sb://x/;SharedAccessKeyName=k", ConnectionString.ERROR_NO_KEY),
            Arguments.of("Endpoint=sb://x/;SharedAccessKey=" + CANARY, ConnectionString.ERROR_NO_KEY_NAME),
            Arguments.of("Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=" + CANARY + ";UseDevelopmentEmulator=yes",
                ConnectionString.ERROR_BAD_EMULATOR_FLAG));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void reportsEachMistakeWithItsConstantTextAndNeverTheValue(String value, String expected) {
        assertEquals(Optional.of(expected), ConnectionString.check(new Password(value)));
        ConnectionString.InvalidConnectionStringException e =
            assertThrows(ConnectionString.InvalidConnectionStringException.class, () -> ConnectionString.parse(new Password(value)));
        assertFalse(e.getMessage().contains(CANARY));
        assertFalse(e.getMessage().contains("CANARY"));
    }

    @Test
    void nullIsEmpty() {
        assertEquals(Optional.of(ConnectionString.ERROR_EMPTY), ConnectionString.check(null));
        assertEquals(Optional.of(ConnectionString.ERROR_EMPTY), ConnectionString.check(new Password(null)));
    }
}
