package io.twinegress.connect.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a connector authenticates to its target: {@code auth.mode}. */
public enum AuthMode {
    /** Shared access keys in {@code connection.string} / {@code secondary.connection.string}, with failover between them. */
    CONNECTION_STRING("connection-string"),
    /** A Microsoft Entra ID identity ({@code entra.*}) with a data-sender role on the target; no keys. */
    ENTRA_ID("entra-id");

    private final String value;

    AuthMode(String value) {
        this.value = value;
    }

    /** The config value, e.g. {@code entra-id}; also what the {@code active-key} metric reports in that mode. */
    public String value() {
        return value;
    }

    /** The mode named by a config value (case and surrounding blanks ignored); empty for anything else. */
    public static Optional<AuthMode> of(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.value.equals(v)).findFirst();
    }

    @Override
    public String toString() {
        return value;
    }
}
