package io.twinegress.emulators.amqp;

import io.twinegress.emulators.auth.AcceptedKeys;
import io.twinegress.emulators.auth.KeyFingerprint;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.identity.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.qpid.proton.engine.Sender;

/** What one client connection has been granted, and the reply links it opened. Reactor thread only. */
final class ClientConnection {

    /**
     * A put-token the stand-in accepted: entity path (lower case, "" = namespace) and either the shared
     * access key that signed it or, for an Entra ID token, its principal (client id), token id, the role it
     * was checked for and its expiry.
     */
    record Grant(String path, String keyName, String key, String fingerprint, String principal, String tokenId,
                 Role role, Instant expiresAt) {
        Grant(String path, String keyName, String key) {
            this(path, keyName, key, KeyFingerprint.of(key), null, null, null, null);
        }

        /** A grant for an accepted Entra ID token. */
        static Grant ofToken(String path, String principal, String tokenId, Role role, Instant expiresAt) {
            return new Grant(path, null, null, null, principal, tokenId, role, expiresAt);
        }

        boolean isToken() {
            return principal != null;
        }

        @Override
        public String toString() {
            return isToken() ? "Grant[" + path + ", principal " + principal + ", until " + expiresAt + "]"
                    : "Grant[" + path + ", " + keyName + ", " + fingerprint + "]";
        }
    }

    private final List<Grant> grants = new ArrayList<>();
    /** Reply links by their target address: link names repeat across connections, addresses route. */
    final Map<String, Sender> replyLinks = new HashMap<>();
    final Map<Sender, List<byte[]>> pendingReplies = new IdentityHashMap<>();
    /** Completes when the connection is gone, whoever closed it. */
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Set once the stand-in has started closing it. */
    boolean dropping;
    /** Accepted on the AMQPS (TLS) listener. */
    boolean tls;

    void grant(Grant g) {
        grants.add(g);
    }

    /** The most recent accepted token that covers {@code path}, or null. */
    Grant covering(String path) {
        for (int i = grants.size() - 1; i >= 0; i--) {
            Grant g = grants.get(i);
            if (g.path().isEmpty() || path.equals(g.path()) || path.startsWith(g.path() + "/")) {
                return g;
            }
        }
        return null;
    }

    /**
     * Whether any grant was signed with a key {@code keys} no longer accepts, or came from a token whose
     * principal lost the role there or that was expired early ({@code identities} may be null).
     */
    boolean usesRevokedAccess(AcceptedKeys keys, IdentityProvider identities) {
        return grants.stream().anyMatch(g -> g.isToken()
                ? identities != null && !identities.stillValid(g.principal(), g.tokenId(), g.role(), entityOf(g.path()))
                : !keys.isValid(g.keyName(), g.key()));
    }

    /** The entity of a grant's path ({@code hub/partitions/0} → {@code hub}). */
    static String entityOf(String path) {
        int slash = path.indexOf('/');
        return slash < 0 ? path : path.substring(0, slash);
    }
}
