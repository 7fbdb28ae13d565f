package io.twinegress.emulators.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedAccessSignaturesTest {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    static AcceptedKeys accepted() {
        AcceptedKeys keys = new AcceptedKeys();
        keys.add("send", "primary");
        keys.add("send", "secondary");
        return keys;
    }

    @Test
    void eitherKeyOfANameVerifies() {
        AcceptedKeys keys = accepted();
        for (String key : List.of("primary", "secondary")) {
            String token = SharedAccessSignatures.serviceBusToken("amqp://127.0.0.1/orders", "send", key,
                    NOW.plusSeconds(60));
            SasValidation v = SharedAccessSignatures.validateServiceBusToken(token, "amqp://127.0.0.1/orders", keys,
                    NOW);
            assertTrue(v.valid(), v.toString());
            assertEquals("send", v.keyName());
        }
    }

    @Test
    void wrongKeyUnknownNameExpiryAndAudienceAreRefusedWithoutLeakingSecrets() {
        AcceptedKeys keys = accepted();
        String wrong = SharedAccessSignatures.serviceBusToken("amqp://127.0.0.1/orders", "send", "nope",
                NOW.plusSeconds(60));
        SasValidation v = SharedAccessSignatures.validateServiceBusToken(wrong, "amqp://127.0.0.1/orders", keys, NOW);
        assertFalse(v.valid());
        assertTrue(v.reason().startsWith("InvalidSignature"), v.reason());
        assertFalse(v.toString().contains("nope") || v.toString().contains("primary"));

        String unknownName = SharedAccessSignatures.serviceBusToken("amqp://127.0.0.1/orders", "listen", "primary",
                NOW.plusSeconds(60));
        assertTrue(SharedAccessSignatures.validateServiceBusToken(unknownName, null, keys, NOW).reason()
                .contains("unknown shared access key name"));

        String expired = SharedAccessSignatures.serviceBusToken("amqp://127.0.0.1/orders", "send", "primary",
                NOW.minusSeconds(1));
        assertTrue(SharedAccessSignatures.validateServiceBusToken(expired, null, keys, NOW).reason()
                .startsWith("ExpiredToken"));

        String otherEntity = SharedAccessSignatures.serviceBusToken("amqp://127.0.0.1/other", "send", "primary",
                NOW.plusSeconds(60));
        assertTrue(SharedAccessSignatures.validateServiceBusToken(otherEntity, "amqp://127.0.0.1/orders", keys, NOW)
                .reason().startsWith("InvalidAudience"));
    }

    @Test
    void namespaceTokenCoversEveryEntityAndPortAndSchemeAreIgnored() {
        assertTrue(SharedAccessSignatures.covers("sb://127.0.0.1:5672/", "amqp://127.0.0.1/orders"));
        assertTrue(SharedAccessSignatures.covers("amqp://127.0.0.1/hub", "amqp://127.0.0.1/hub/Partitions/0"));
        assertFalse(SharedAccessSignatures.covers("amqp://127.0.0.1/hub", "amqp://127.0.0.1/hub2"));
        assertEquals("hub/partitions/0", SharedAccessSignatures.pathOf("amqp://127.0.0.1:1234/hub/Partitions/0"));
        assertEquals("", SharedAccessSignatures.pathOf("sb://127.0.0.1/"));
    }

    @Test
    void revokedKeyStopsVerifying() {
        AcceptedKeys keys = accepted();
        String token = SharedAccessSignatures.serviceBusToken("amqp://h/orders", "send", "primary", NOW.plusSeconds(60));
        long before = keys.version();
        keys.revoke("send", "primary");
        assertTrue(keys.version() > before);
        assertFalse(SharedAccessSignatures.validateServiceBusToken(token, null, keys, NOW).valid());
        assertEquals(List.of("secondary"), keys.keys("send"));
    }

    @Test
    void eventGridTokenInTheSdksOwnFormatVerifies() throws Exception {
        // What EventGridPublisherClient.generateSas writes: resource with ?api-version, expiry "M/d/yyyy h:m:s a" UTC,
        // HMAC over "r=<enc>&e=<enc>" with the base64-decoded key.
        String key = java.util.Base64.getEncoder().encodeToString("topic-key".getBytes());
        String r = java.net.URLEncoder.encode("http://127.0.0.1:5681/twins/api/events?api-version=2018-01-01", "UTF-8");
        String e = java.net.URLEncoder.encode("11/22/2026 10:5:0 AM", "UTF-8");
        String unsigned = "r=" + r + "&e=" + e;
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(key), "HmacSHA256"));
        String s = java.util.Base64.getEncoder().encodeToString(mac.doFinal(unsigned.getBytes("UTF-8")));
        String token = unsigned + "&s=" + java.net.URLEncoder.encode(s, "UTF-8");
        assertTrue(SharedAccessSignatures.validateEventGridToken(token, List.of(key),
                "http://127.0.0.1/twins/api/events", NOW).valid());
        assertFalse(SharedAccessSignatures.validateEventGridToken(token, List.of(key),
                "http://127.0.0.1/twins/api/events", Instant.parse("2026-11-22T10:05:01Z")).valid());
    }

    @Test
    void eventGridTokens() {
        String token = SharedAccessSignatures.eventGridToken("http://127.0.0.1:8080/api/events", "a2V5", 
                NOW.plusSeconds(60));
        assertTrue(SharedAccessSignatures.validateEventGridToken(token, List.of("other", "a2V5"),
                "http://127.0.0.1/api/events", NOW).valid());
        assertFalse(SharedAccessSignatures.validateEventGridToken(token, List.of("other"), null, NOW).valid());
        assertFalse(SharedAccessSignatures.validateEventGridToken(token, List.of("a2V5"), null,
                NOW.plusSeconds(120)).valid());
    }
}
