package io.twinegress.cli.output;

import java.util.Objects;

/**
 * A connection string or key. {@link #toString()} never shows it; {@link #reveal()} is called only
 * where it is handed to the Connect REST API or written to a secrets file. Every secret made is
 * registered with the {@link Masker}, so nothing the CLI prints can carry it.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        Masker.register(value);
        return new Secret(value);
    }

    /** A ConfigProvider reference such as {@code ${file:/etc/x.properties:primary}}: not a secret itself, not masked. */
    public static Secret reference(String reference) {
        Objects.requireNonNull(reference, "reference");
        return new Secret(reference);
    }

    /** A value read back from Connect: a reference stays visible, anything else is masked from now on. */
    public static Secret fromConnect(String value) {
        Objects.requireNonNull(value, "value");
        Secret s = new Secret(value);
        return s.isReference() ? s : of(value);
    }

    public String reveal() {
        return value;
    }

    public boolean isBlank() {
        return value.isBlank();
    }

    /** A ConfigProvider reference ({@code ${file:...}}, {@code ${env:...}}) rather than a value. */
    public boolean isReference() {
        return value.startsWith("${") && value.endsWith("}");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "[hidden]";
    }
}
