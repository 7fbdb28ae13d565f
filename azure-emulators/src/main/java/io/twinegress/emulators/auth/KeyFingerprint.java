package io.twinegress.emulators.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short, one-way label for a key, so tests and the admin API can tell which key a message was
 * sent with (primary or secondary) without the key itself ever being recorded or printed.
 */
public final class KeyFingerprint {

    private KeyFingerprint() {
    }

    /** The first 12 hex digits of SHA-256 over the key's UTF-8 bytes; null for null. */
    public static String of(String key) {
        if (key == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
