package io.twinegress.emulators.amqp;

import io.twinegress.emulators.auth.AcceptedKeys;
import io.twinegress.emulators.auth.KeyFingerprint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.qpid.proton.engine.Sender;

/** What one client connection has been granted, and the reply links it opened. Reactor thread only. */
final class ClientConnection {

    /** A put-token the stand-in accepted: entity path (lower case, "" = namespace) and the key that signed it. */
    record Grant(String path, String keyName, String key, String fingerprint) {
        Grant(String path, String keyName, String key) {
            this(path, keyName, key, KeyFingerprint.of(key));
        }

        @Override
        public String toString() {
            return "Grant[" + path + ", " + keyName + ", " + fingerprint + "]";
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

    /** Whether any grant was signed with a key {@code keys} no longer accepts. */
    boolean usesInvalidKey(AcceptedKeys keys) {
        return grants.stream().anyMatch(g -> !keys.isValid(g.keyName(), g.key()));
    }
}
