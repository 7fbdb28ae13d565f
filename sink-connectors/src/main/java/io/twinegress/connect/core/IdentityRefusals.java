package io.twinegress.connect.core;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What the delivery core does when the target refuses the token of a Microsoft Entra ID identity
 * ({@code auth.mode=entra-id}), where there is no other key to fail over to:
 * <ul>
 *   <li>the first refusal since the last delivery: the token may be stale (revoked, expired early),
 *       so the core gets a new one (a new sender, with a credential built anew) and re-sends at once
 *       ({@link Decision#RETRY_NOW});</li>
 *   <li>refused again with the new token, or forbidden outright (HTTP 403: the token is good, the
 *       identity lacks the role): the identity lacks the target's data-sender role. The core holds
 *       the records and backs off exactly as when both keys are refused ({@link Decision#BACK_OFF});
 *       each attempt after a backoff starts with a new token again. Nothing is dead-lettered for it
 *       beyond the delivery deadline every held record has.</li>
 * </ul>
 * {@link #holdReason} is what the backoff's one line says: the identity (kind and client id, never a
 * token) and the role it needs. Task thread only.
 */
final class IdentityRefusals {

    enum Decision { RETRY_NOW, BACK_OFF }

    private final String identity;
    private final String role;
    private final String target;
    private boolean reacquired;

    IdentityRefusals(String identity, String role, String target) {
        this.identity = identity;
        this.role = role;
        this.target = target;
    }

    /** The target refused the identity with {@code f}. */
    Decision refused(Failure f) {
        if (!reacquired && !forbidden(f.cause())) {
            reacquired = true;
            return Decision.RETRY_NOW;
        }
        return Decision.BACK_OFF;
    }

    /** A delivery went through: the next refusal starts with a new token again. */
    void succeeded() {
        reacquired = false;
    }

    String identity() {
        return identity;
    }

    /** Why the records are held: the identity and the role it needs on the target, then the target's answer. */
    String holdReason(Failure f) {
        return "the endpoint refuses the " + identity + " even with a new token: it needs the role '" + role + "' on "
            + target + "; the endpoint said: " + f.reason();
    }

    /** An HTTP 403: the token was accepted as genuine, the identity is not allowed (a missing role assignment). */
    private static boolean forbidden(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof EndpointHttpException http && http.status() == 403) {
                return true;
            }
        }
        return false;
    }
}
