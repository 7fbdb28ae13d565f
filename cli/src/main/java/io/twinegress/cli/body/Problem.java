package io.twinegress.cli.body;

/**
 * One thing wrong with what the user asked for, on the field it concerns (a body field such as
 * {@code connectionString}, or a connector key). Never quotes a secret.
 */
public record Problem(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
