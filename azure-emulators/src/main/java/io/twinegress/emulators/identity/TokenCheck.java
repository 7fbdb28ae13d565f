package io.twinegress.emulators.identity;

import java.time.Instant;

/**
 * The outcome of checking one bearer token for one use (send to an entity or topic). Carries no token, so
 * it is safe to log and to put in an error description.
 *
 * @param outcome   accepted; invalid (signature, issuer, audience, expiry: a new token may help); or
 *                  valid but the principal lacks the role (a new token does not help)
 * @param clientId  the token's {@code appid}, or null when unreadable
 * @param objectId  the token's {@code oid}, or null when unreadable
 * @param expiresAt the token's expiry, or null when unreadable
 * @param reason    why it was refused, null when accepted
 */
public record TokenCheck(Outcome outcome, String clientId, String objectId, Instant expiresAt, String reason) {

    public enum Outcome { ACCEPTED, INVALID_TOKEN, MISSING_ROLE }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }

    static TokenCheck invalid(String clientId, String objectId, Instant expiresAt, String reason) {
        return new TokenCheck(Outcome.INVALID_TOKEN, clientId, objectId, expiresAt, reason);
    }
}
