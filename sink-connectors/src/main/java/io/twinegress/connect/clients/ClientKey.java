package io.twinegress.connect.clients;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What two tasks must agree on to share a client: the kind of client, the credential (a connection
 * string, a key) and every other setting the client is built with. Kept as a SHA-256 digest, so the
 * registry never holds a second copy of a secret, and {@link #toString} shows only the kind.
 */
public final class ClientKey {

    /** Config keys with this prefix (how the identity a client authenticates as is configured) are part of every key. */
    public static final String AUTH_PREFIX = "auth.";

    private final String kind;
    private final byte[] digest;

    private ClientKey(String kind, byte[] digest) {
        this.kind = kind;
        this.digest = digest;
    }

    /**
     * The key of a client of {@code kind} built with {@code secret} and {@code settings}, and with
     * the task's {@code auth.*} config values (so an identity configured there is part of it too).
     */
    public static ClientKey of(String kind, String secret, Map<String, ?> taskConfig, Object... settings) {
        MessageDigest sha = sha256();
        update(sha, kind);
        update(sha, secret == null ? "\0none" : secret);
        for (Object s : settings) {
            update(sha, String.valueOf(s));
        }
        Map<String, Object> auth = new TreeMap<>();
        taskConfig.forEach((k, v) -> {
            if (k.startsWith(AUTH_PREFIX)) {
                auth.put(k, v);
            }
        });
        auth.forEach((k, v) -> {
            update(sha, k);
            update(sha, String.valueOf(v));
        });
        return new ClientKey(kind, sha.digest());
    }

    private static void update(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update((byte) (b.length >>> 24));
        sha.update((byte) (b.length >>> 16));
        sha.update((byte) (b.length >>> 8));
        sha.update((byte) b.length);
        sha.update(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientKey k && kind.equals(k.kind) && Arrays.equals(digest, k.digest);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "ClientKey[" + kind + "]";
    }
}
