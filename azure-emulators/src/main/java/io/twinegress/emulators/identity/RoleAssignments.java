package io.twinegress.emulators.identity;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who holds which role where: per principal (by client id, case-insensitive), per role, the scopes —
 * {@link #NAMESPACE} for the whole namespace (every entity and topic), or one entity or topic name
 * (case-insensitive, like Azure's names). Thread-safe.
 */
final class RoleAssignments {

    /** The scope that covers every entity and topic. */
    static final String NAMESPACE = "*";

    private final Map<String, Map<Role, Set<String>>> byPrincipal = new LinkedHashMap<>();

    synchronized void assign(String clientId, Role role, String scope) {
        byPrincipal.computeIfAbsent(key(clientId), k -> new EnumMap<>(Role.class))
                .computeIfAbsent(role, r -> new TreeSet<>()).add(key(scope));
    }

    /** Removes the assignment at exactly {@code scope}; returns whether there was one. */
    synchronized boolean revoke(String clientId, Role role, String scope) {
        Map<Role, Set<String>> roles = byPrincipal.get(key(clientId));
        Set<String> scopes = roles == null ? null : roles.get(role);
        return scopes != null && scopes.remove(key(scope));
    }

    /** Whether {@code clientId} holds {@code role} on {@code entity} (namespace-wide or for that entity). */
    synchronized boolean holds(String clientId, Role role, String entity) {
        Map<Role, Set<String>> roles = byPrincipal.get(key(clientId));
        Set<String> scopes = roles == null ? null : roles.get(role);
        return scopes != null && (scopes.contains(NAMESPACE) || (entity != null && scopes.contains(key(entity))));
    }

    /** Role name → scopes, for {@code clientId}: safe to print. */
    synchronized Map<String, Set<String>> of(String clientId) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Map<Role, Set<String>> roles = byPrincipal.get(key(clientId));
        if (roles != null) {
            roles.forEach((r, s) -> {
                if (!s.isEmpty()) {
                    out.put(r.displayName(), new TreeSet<>(s));
                }
            });
        }
        return out;
    }

    private static String key(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
