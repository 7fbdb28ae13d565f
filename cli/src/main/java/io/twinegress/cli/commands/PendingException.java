package io.twinegress.cli.commands;

/** The change was made, but the router or the connector did not reach its state before the deadline. Exit code 3. */
public final class PendingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PendingException(String message) {
        super(message);
    }
}
