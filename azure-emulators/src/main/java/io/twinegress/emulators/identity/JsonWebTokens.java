package io.twinegress.emulators.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;

/** Compact JWS with RS256, signed and checked with the JDK: header, claims, signature, base64url. */
final class JsonWebTokens {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private JsonWebTokens() {
    }

    /** A key id for {@code key}: the first 8 bytes of the SHA-256 of its encoding, in hex. */
    static String keyId(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(ObjectNode claims, PrivateKey key, String keyId) {
        ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256").put("kid", keyId);
        String signed = part(header) + "." + part(claims);
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    /**
     * The claims of {@code token} when it is a well-formed RS256 JWS signed by {@code key}; else null
     * (the reason is not the caller's business beyond "not ours or tampered with").
     */
    static JsonNode verify(String token, PublicKey key) {
        String[] parts = token == null ? new String[0] : token.trim().split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode header = JSON.readTree(B64D.decode(parts[0]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return null;
            }
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(key);
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(B64D.decode(parts[2]))) {
                return null;
            }
            JsonNode claims = JSON.readTree(B64D.decode(parts[1]));
            return claims != null && claims.isObject() ? claims : null;
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            return null;
        }
    }

    /** Whether {@code token} has the shape of a JWT (three base64url parts, a JSON header). */
    static boolean looksLikeJwt(String token) {
        if (token == null) {
            return false;
        }
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3 || !parts[0].startsWith("ey")) {
            return false;
        }
        try {
            return JSON.readTree(B64D.decode(parts[0])).isObject();
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String part(JsonNode node) {
        try {
            return B64.encodeToString(JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
