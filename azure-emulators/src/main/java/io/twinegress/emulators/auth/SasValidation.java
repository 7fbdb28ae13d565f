package io.twinegress.emulators.auth;

/**
 * Outcome of checking one shared access signature. Carries no key or signature, so it is
 * safe to log and to put in an error description.
 *
 * @param valid    whether the token is accepted
 * @param keyName  the key name the token claims ({@code skn}), or null if unreadable
 * @param key      the key that verified the signature (null when invalid); for internal
 *                 bookkeeping only, never printed: {@link #toString()} omits it
 * @param resource the decoded resource ({@code sr} / {@code r}) the token grants, or null
 * @param reason   human-readable reason when invalid, null when valid
 */
public record SasValidation(boolean valid, String keyName, String key, String resource, String reason) {

    static SasValidation ok(String keyName, String key, String resource) {
        return new SasValidation(true, keyName, key, resource, null);
    }

    static SasValidation refused(String keyName, String resource, String reason) {
        return new SasValidation(false, keyName, null, resource, reason);
    }

    @Override
    public String toString() {
        return valid
                ? "SasValidation[valid, keyName=" + keyName + ", resource=" + resource + "]"
                : "SasValidation[refused, keyName=" + keyName + ", resource=" + resource + ", reason=" + reason + "]";
    }
}
